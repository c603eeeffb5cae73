package io.loomchat.protocol;

import java.nio.charset.StandardCharsets;

/**
 * The cheapest way to read the lines a busy server sees most: a {@code say}, {@code msg}, {@code ping} or
 * {@code pong} written the way clients write them (known keys, plain strings without backslash escapes,
 * {@code true}/{@code false} for {@code action}). One pass over the bytes, no parser, no tree; strings are
 * made straight from the UTF-8 bytes (the line has passed the UTF-8 check already).
 *
 * <p>Anything else (an escape, a {@code null}, a number, an unknown or repeated key, stray bytes) answers
 * null and the line goes on to {@link HotRequests}' streaming parser or the full path, which decide and
 * word every error. So this can only be faster, never different; HotRequestsTest holds the three to the
 * same answers over the test and fuzz corpora.
 */
final class PlainRequestScan {

    private static final int TYPE = 1, ROOM = 2, TO = 4, TEXT = 8, REF = 16, ACTION = 32;

    private final byte[] buf;
    private final int end;
    private int at;

    private PlainRequestScan(byte[] buf, int off, int len) {
        this.buf = buf;
        this.at = off;
        this.end = off + len;
    }

    /** The request, or null when the line is not one of the plain common shapes. */
    static Request decode(byte[] buf, int off, int len) {
        return new PlainRequestScan(buf, off, len).request();
    }

    private Request request() {
        String type = null, room = null, to = null, text = null, ref = null;
        boolean action = false;
        int seen = 0;
        skipSpace();
        if (!take('{')) {
            return null;
        }
        skipSpace();
        if (take('}')) {
            return null; // {} : the full path says what is missing
        }
        while (true) {
            int key = key();
            if (key == 0 || (seen & key) != 0) {
                return null; // unknown or repeated
            }
            seen |= key;
            skipSpace();
            if (!take(':')) {
                return null;
            }
            skipSpace();
            if (key == ACTION) {
                if (word("true")) {
                    action = true;
                } else if (!word("false")) {
                    return null;
                }
            } else {
                String value = string();
                if (value == null) {
                    return null;
                }
                switch (key) {
                    case TYPE -> type = value;
                    case ROOM -> room = value;
                    case TO -> to = value;
                    case TEXT -> text = value;
                    default -> ref = value;
                }
            }
            skipSpace();
            if (take('}')) {
                break;
            }
            if (!take(',')) {
                return null;
            }
            skipSpace();
        }
        skipSpace();
        if (at != end || type == null || (ref != null && ref.length() > Codec.MAX_REF_CHARS)) {
            return null;
        }
        return switch (type) {
            case "say" -> text == null || to != null ? null : new Request.Say(room, text, action, ref);
            case "msg" -> text == null || to == null || room != null ? null : new Request.Msg(to, text, action, ref);
            case "ping" -> room == null && to == null && text == null && !action ? new Request.Ping(ref) : null;
            case "pong" -> room == null && to == null && text == null && !action ? new Request.Pong(ref) : null;
            default -> null;
        };
    }

    /** One of the known keys, as its bit; 0 for anything else. */
    private int key() {
        if (!take('"')) {
            return 0;
        }
        int start = at;
        while (at < end && buf[at] != '"') {
            if (buf[at] == '\\') {
                return 0;
            }
            at++;
        }
        if (at == end) {
            return 0;
        }
        int length = at - start;
        at++; // the closing quote
        return switch (length) {
            case 2 -> is(start, "to") ? TO : 0;
            case 3 -> is(start, "ref") ? REF : 0;
            case 4 -> is(start, "type") ? TYPE : is(start, "room") ? ROOM : is(start, "text") ? TEXT : 0;
            case 6 -> is(start, "action") ? ACTION : 0;
            default -> 0;
        };
    }

    /**
     * A string without escapes or control characters; null otherwise. No surrogate can hide in valid
     * UTF-8, so the full path's check for unpaired ones has nothing to find here.
     */
    private String string() {
        if (!take('"')) {
            return null;
        }
        int start = at;
        boolean ascii = true;
        while (at < end) {
            int b = buf[at];
            if (b == '"') {
                String value = new String(buf, start, at - start,
                        ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
                at++;
                return value;
            }
            if (b == '\\' || (b >= 0 && b < 0x20)) {
                return null; // an escape, or a raw control character that JSON forbids: the others decide
            }
            ascii &= b >= 0;
            at++;
        }
        return null;
    }

    private boolean is(int start, String key) {
        for (int i = 0; i < key.length(); i++) {
            if (buf[start + i] != key.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean word(String word) {
        if (end - at < word.length() || !is(at, word)) {
            return false;
        }
        at += word.length();
        return true;
    }

    private boolean take(char c) {
        if (at < end && buf[at] == c) {
            at++;
            return true;
        }
        return false;
    }

    private void skipSpace() {
        while (at < end && (buf[at] == ' ' || buf[at] == '\t' || buf[at] == '\r' || buf[at] == '\n')) {
            at++;
        }
    }
}
