package io.loomchat.protocol;

import io.loomchat.protocol.Event.ChatMessage;
import java.nio.charset.StandardCharsets;

/**
 * The line of a chat message, the event a server writes most, written straight into one exactly sized
 * array: no generator, no intermediate buffer, the timestamp as ASCII bytes. It writes only strings whose
 * every character it escapes exactly as the generator would (printable ASCII, quote and backslash, and
 * characters beyond ASCII that {@link WireEscapes} leaves alone, as UTF-8); for any other character it
 * answers null and the caller takes the generator. CodecTest holds the two to the same bytes.
 */
final class PlainMessageLine {

    private static final byte[] TYPE = bytes("{\"type\":\"message\",\"id\":");
    private static final byte[] ROOM = bytes(",\"room\":");
    private static final byte[] FROM = bytes(",\"from\":");
    private static final byte[] TEXT = bytes(",\"text\":");
    private static final byte[] ACTION = bytes(",\"action\":true");
    private static final byte[] TS = bytes(",\"ts\":");
    private static final byte[] HISTORY = bytes(",\"history\":true");
    private static final byte[] REF = bytes(",\"ref\":");

    private PlainMessageLine() {
    }

    /** The encoded line with its newline, or null when a string holds a character this does not write. */
    static byte[] encode(ChatMessage m) {
        String ts = Timestamps.format(m.ts());
        int room = length(m.room());
        int from = length(m.from());
        int text = length(m.text());
        int ref = m.ref() == null ? 0 : length(m.ref());
        if (room < 0 || from < 0 || text < 0 || ref < 0) {
            return null;
        }
        String id = Long.toString(m.id());
        int size = TYPE.length + id.length() + ROOM.length + room + FROM.length + from + TEXT.length + text
                + (m.action() ? ACTION.length : 0) + TS.length + ts.length() + 2 + (m.history() ? HISTORY.length : 0)
                + (m.ref() == null ? 0 : REF.length + ref) + 2;
        byte[] line = new byte[size];
        int at = put(line, 0, TYPE);
        at = ascii(line, at, id);
        at = put(line, at, ROOM);
        at = string(line, at, m.room());
        at = put(line, at, FROM);
        at = string(line, at, m.from());
        at = put(line, at, TEXT);
        at = string(line, at, m.text());
        if (m.action()) {
            at = put(line, at, ACTION);
        }
        at = put(line, at, TS);
        line[at++] = '"';
        at = ascii(line, at, ts);
        line[at++] = '"';
        if (m.history()) {
            at = put(line, at, HISTORY);
        }
        if (m.ref() != null) {
            at = put(line, at, REF);
            at = string(line, at, m.ref());
        }
        line[at++] = '}';
        line[at] = '\n';
        return line;
    }

    /**
     * The bytes {@code value} takes as a JSON string, quotes included, or -1 if it holds a character that
     * the generator escapes with a {@code \}{@code u} sequence (controls, DEL, the dangerous characters,
     * an unpaired surrogate).
     */
    static int length(String value) {
        int bytes = 2;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                if (c < 0x20 || c == 0x7F) {
                    return -1;
                }
                bytes += c == '"' || c == '\\' ? 2 : 1;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 == value.length() || !Character.isLowSurrogate(value.charAt(i + 1))
                        || WireEscapes.isDangerous(value.codePointAt(i))) {
                    return -1;
                }
                bytes += 4;
                i++;
            } else if (Character.isLowSurrogate(c) || WireEscapes.isDangerous(c)) {
                return -1;
            } else {
                bytes += c < 0x800 ? 2 : 3;
            }
        }
        return bytes;
    }

    /** Writes a string that {@link #length} accepted. */
    private static int string(byte[] line, int at, String value) {
        line[at++] = '"';
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                if (c == '"' || c == '\\') {
                    line[at++] = '\\';
                }
                line[at++] = (byte) c;
            } else if (c < 0x800) {
                line[at++] = (byte) (0xC0 | c >> 6);
                line[at++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c)) {
                int cp = value.codePointAt(i++);
                line[at++] = (byte) (0xF0 | cp >> 18);
                line[at++] = (byte) (0x80 | cp >> 12 & 0x3F);
                line[at++] = (byte) (0x80 | cp >> 6 & 0x3F);
                line[at++] = (byte) (0x80 | cp & 0x3F);
            } else {
                line[at++] = (byte) (0xE0 | c >> 12);
                line[at++] = (byte) (0x80 | c >> 6 & 0x3F);
                line[at++] = (byte) (0x80 | c & 0x3F);
            }
        }
        line[at++] = '"';
        return at;
    }

    private static int ascii(byte[] line, int at, String value) {
        for (int i = 0; i < value.length(); i++) {
            line[at++] = (byte) value.charAt(i);
        }
        return at;
    }

    private static int put(byte[] line, int at, byte[] part) {
        System.arraycopy(part, 0, line, at, part.length);
        return at + part.length;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
