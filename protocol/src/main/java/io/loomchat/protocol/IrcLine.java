package io.loomchat.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One IRC message (RFC 1459/2812 with IRCv3 message tags): parsed from what an IRC client sends, and the
 * helpers to write one within IRC's 512-byte limit. Pure: no sockets, no server state.
 *
 * @param command upper case: {@code PRIVMSG}, {@code NICK}, ...
 * @param params  the parameters, the trailing one (after " :") last, as sent
 */
public record IrcLine(String command, List<String> params) {

    /** The most an IRC line may take, its CR LF included (tags aside). */
    public static final int MAX_BYTES = 512;

    public IrcLine {
        params = List.copyOf(params);
    }

    /** The {@code i}th parameter, or "" when there are fewer. */
    public String param(int i) {
        return i < params.size() ? params.get(i) : "";
    }

    /**
     * Parses one line without its line end. Tags and the source prefix a client may send are skipped (a
     * client's prefix is ignored, as servers do). Returns null for a line with no command.
     */
    public static IrcLine parse(String line) {
        int i = 0;
        int n = line.length();
        if (i < n && line.charAt(i) == '@') { // message tags: not used from clients
            i = skipWord(line, i);
        }
        i = skipSpaces(line, i);
        if (i < n && line.charAt(i) == ':') { // a source prefix
            i = skipSpaces(line, skipWord(line, i));
        }
        int end = wordEnd(line, i);
        if (end == i) {
            return null;
        }
        String command = line.substring(i, end).toUpperCase(Locale.ROOT);
        List<String> params = new ArrayList<>();
        i = skipSpaces(line, end);
        while (i < n) {
            if (line.charAt(i) == ':') {
                params.add(line.substring(i + 1));
                break;
            }
            end = wordEnd(line, i);
            params.add(line.substring(i, end));
            i = skipSpaces(line, end);
        }
        return new IrcLine(command, params);
    }

    /**
     * Whether a connection's first line is IRC: one of the commands IRC clients open with, with its
     * parameters (a person on nc whose nick is "nick" or "user" types just that word).
     */
    public static boolean opensIrc(String firstLine) {
        IrcLine line = parse(firstLine.strip());
        return line != null && switch (line.command()) {
            case "CAP", "NICK", "PASS" -> line.params().size() >= 1;
            case "USER" -> line.params().size() >= 4;
            default -> false;
        };
    }

    /**
     * {@code head} + " :" + text, as many lines as the text needs to stay within {@link #MAX_BYTES} each
     * (CR LF included), cut between characters, never inside one; every line ends with CR LF.
     */
    public static List<String> split(String head, String text) {
        int room = MAX_BYTES - utf8Length(head) - 4; // " :" and CR LF
        List<String> lines = new ArrayList<>();
        if (room < 16) {
            room = 16; // a head that long is the caller's mistake; still never loop forever
        }
        int start = 0;
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int width = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + width > room) {
                lines.add(head + " :" + text.substring(start, i) + "\r\n");
                start = i;
                bytes = 0;
            }
            bytes += width;
            i += Character.charCount(cp);
        }
        lines.add(head + " :" + text.substring(start) + "\r\n");
        return lines;
    }

    /** Bytes of {@code s} in UTF-8. */
    public static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * IRC formatting codes (bold, color, italics, underline, reverse, reset, monospace, strikethrough) taken
     * out of text typed in an IRC client: other clients would show them as control characters.
     */
    public static String stripFormatting(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int skip = switch (c) {
                case 0x02, 0x1D, 0x1F, 0x16, 0x0F, 0x11, 0x1E -> 1;
                case 0x03 -> 1 + colorDigits(text, i + 1);
                default -> 0;
            };
            if (skip == 0) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length()).append(text, 0, i);
            }
            i += skip - 1;
        }
        return out == null ? text : out.toString();
    }

    /** After ^C: "N", "NN", "N,N", "NN,NN" ... (how many characters the color takes). */
    private static int colorDigits(String text, int i) {
        int n = digits(text, i, 2);
        if (n > 0 && i + n + 1 < text.length() && text.charAt(i + n) == ',' && Character.isDigit(text.charAt(i + n + 1))) {
            n += 1 + digits(text, i + n + 1, 2);
        }
        return n;
    }

    private static int digits(String text, int i, int max) {
        int n = 0;
        while (n < max && i + n < text.length() && Character.isDigit(text.charAt(i + n))) {
            n++;
        }
        return n;
    }

    private static int skipWord(String s, int i) {
        return wordEnd(s, i);
    }

    private static int wordEnd(String s, int i) {
        while (i < s.length() && s.charAt(i) != ' ') {
            i++;
        }
        return i;
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && s.charAt(i) == ' ') {
            i++;
        }
        return i;
    }
}
