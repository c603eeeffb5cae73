package io.loomchat.protocol;

import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.Bye;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.Event.ErrorReply;
import io.loomchat.protocol.Event.Joined;
import io.loomchat.protocol.Event.Left;
import io.loomchat.protocol.Event.Members;
import io.loomchat.protocol.Event.Pong;
import io.loomchat.protocol.Event.PrivateMessage;
import io.loomchat.protocol.Event.Renamed;
import io.loomchat.protocol.Event.RoomInfo;
import io.loomchat.protocol.Event.RoomList;
import io.loomchat.protocol.Event.Welcome;
import io.loomchat.protocol.SafeText;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.stream.Collectors;

/**
 * Turns events into the lines a person reads, in the terminal client and on a text-mode connection: {@code HH:MM <nick> text} for chat, {@code -!-} for notices,
 * {@code !!!} for errors. Everything that came from other people passes through {@link SafeText}, so no
 * peer can move the cursor, recolor or clear this terminal.
 */
public final class TextRenderer {

    public static final String NOTICE = "-!-";
    public static final String ERROR = "!!!";

    private final DateTimeFormatter clock;

    public TextRenderer(ZoneId zone) {
        this.clock = DateTimeFormatter.ofPattern("HH:mm").withZone(zone);
    }

    /**
     * The line for {@code event}, or null when there is nothing to show. {@code me} is this client's nick,
     * {@code currentRoom} the room plain lines go to: lines from other rooms are tagged with their room.
     */
    public String render(Event event, String me, String currentRoom) {
        return switch (event) {
            case ChatMessage m -> time(m.ts()) + roomTag(m.room(), currentRoom)
                    + (m.action() ? "* " + safe(m.from()) + " " + safe(m.text())
                                  : "<" + safe(m.from()) + "> " + safe(m.text()));
            case PrivateMessage m -> time(m.ts()) + (m.from().equalsIgnoreCase(me) && !m.to().equalsIgnoreCase(me)
                    ? "-> *" + safe(m.to()) + "* " + (m.action() ? "* " + safe(me) + " " : "") + safe(m.text())
                    : "*" + safe(m.from()) + "* " + (m.action() ? "* " + safe(m.from()) + " " : "") + safe(m.text()));
            case Joined j -> time(j.ts()) + NOTICE + " " + (j.nick().equalsIgnoreCase(me) ? "you joined "
                    : safe(j.nick()) + " joined ") + safe(j.room());
            case Left l -> time(l.ts()) + NOTICE + " " + (l.nick().equalsIgnoreCase(me) ? "you left "
                    : safe(l.nick()) + " left ") + safe(l.room())
                    + (l.reason() == null || l.reason().equals("leave") ? ""
                    : " (" + safe(l.reason().startsWith("leave: ") ? l.reason().substring(7) : l.reason()) + ")");
            case Renamed r -> time(r.ts()) + NOTICE + " " + safe(r.old()) + " is now known as " + safe(r.nick());
            case Members m -> NOTICE + " in " + safe(m.room()) + " (" + m.nicks().size() + "): "
                    + m.nicks().stream().map(n -> member(n, m.away().get(n))).collect(Collectors.joining(", "))
                    + (m.more() ? ", ... (more: /who " + safe(m.room()) + " " + safe(m.nicks().getLast()) + ")" : "");
            case Event.Topic t -> t.topic().isEmpty() ? NOTICE + " " + safe(t.room()) + " has no topic"
                    : (t.ts() == null ? "" : time(t.ts())) + NOTICE + " topic of " + safe(t.room()) + ": "
                    + safe(t.topic()) + (t.by() == null ? "" : " (set by " + safe(t.by()) + ")");
            case Event.Away a -> NOTICE + " " + (a.nick().equalsIgnoreCase(me)
                    ? (a.reason() == null ? "you are back" : "you are away: " + safe(a.reason()))
                    : safe(a.nick()) + (a.reason() == null ? " is back" : " is away: " + safe(a.reason())));
            case Event.HistoryEnd h -> h.count() == 0 ? NOTICE + " no more history in " + safe(h.room())
                    : NOTICE + " end of history of " + safe(h.room()) + (h.more() ? " (more: /history)" : "");
            case RoomList r -> r.rooms().isEmpty() ? NOTICE + " no rooms"
                    : NOTICE + " rooms: " + r.rooms().stream().map(TextRenderer::room).collect(Collectors.joining(", "))
                    + (r.more() ? ", ... (more: /rooms " + safe(r.rooms().getLast().name()) + ")" : "");
            case Welcome w -> NOTICE + " welcome to " + safe(w.server() == null ? "loomchat" : w.server())
                    + ", " + safe(w.nick()) + (w.account() == null ? "" : " (account " + safe(w.account()) + ")")
                    + " (protocol " + w.version() + "). /help lists the commands.";
            case Event.Read r -> NOTICE + " " + safe(r.room()) + ": " + (r.unread() == 0 ? "nothing" : r.unread()) + " unread";
            case Event.Account a -> NOTICE + (a.account() == null ? " you are logged in to no account"
                    : " you are logged in as " + safe(a.account()));
            case ErrorReply e -> ERROR + " " + safe(e.code()) + ": " + safe(e.message());
            case Bye b -> NOTICE + " server closed the connection: " + safe(b.reason());
            case Pong p -> NOTICE + " pong";
            case Event.Notice n -> NOTICE + " " + safe(n.text());
            case Event.Ping p -> NOTICE + " are you there? say anything to stay connected";
        };
    }

    /** Where a text-mode line is broken: a common terminal width. */
    public static final int TEXT_MODE_WIDTH = 80;
    /** What starts a continuation line: no line of the server's own starts like this. */
    public static final String CONTINUATION = "   | ";

    /**
     * Breaks {@code line} into lines of at most {@code width} screen columns, each after the first starting
     * with {@link #CONTINUATION}, joined by {@code \n}. For clients that show lines raw (nc, telnet): if
     * their terminal wrapped a long line instead, text padded to the terminal's width could start a new
     * visual line that imitates a server line ({@code 12:34 <alice> ...} or {@code -!-}). Terminals at
     * least {@code width} columns wide never wrap these lines themselves.
     */
    public static String wrap(String line, int width) {
        if (columns(line) <= width) {
            return line;
        }
        StringBuilder out = new StringBuilder(line.length() + 16);
        int room = width;
        int column = 0;
        for (int i = 0; i < line.length(); ) {
            int cp = line.codePointAt(i);
            int w = columns(cp);
            if (column + w > room) {
                out.append('\n').append(CONTINUATION);
                room = width - CONTINUATION.length();
                column = 0;
            }
            out.appendCodePoint(cp);
            column += w;
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    /** The screen columns {@code text} takes, counted as {@link #columns(int)} does. */
    public static int columns(String text) {
        int total = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            total += columns(cp);
            i += Character.charCount(cp);
        }
        return total;
    }

    /**
     * The screen columns a character takes, never fewer than a terminal gives it: two for the wide and
     * fullwidth characters of East Asian scripts and for emoji, one for everything else (also for
     * combining marks, which take none: counting too many only breaks a line early).
     */
    public static int columns(int cp) {
        boolean wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x231A && cp <= 0x231B) || (cp >= 0x2329 && cp <= 0x232A)
                || (cp >= 0x23E9 && cp <= 0x23FA) || (cp >= 0x25FD && cp <= 0x25FE) || (cp >= 0x2600 && cp <= 0x27BF)
                || (cp >= 0x2B1B && cp <= 0x2B55) || (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF)
                || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0xA000 && cp <= 0xA4CF)
                || (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0xFE10 && cp <= 0xFE19) || (cp >= 0xFE30 && cp <= 0xFE6F) || (cp >= 0xFF00 && cp <= 0xFF60)
                || (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x16FE0 && cp <= 0x18AFF) || (cp >= 0x1B000 && cp <= 0x1B2FF)
                || (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x20000 && cp <= 0x3FFFD);
        return wide ? 2 : 1;
    }

    /** What /help shows, in every front end: one line per command, after a heading. */
    public static java.util.List<String> help() {
        java.util.List<String> lines = new java.util.ArrayList<>();
        lines.add(NOTICE + " commands (anything else is said to the current room):");
        for (Input.Command c : Input.COMMANDS) {
            lines.add(String.format("    %-26s %s", c.usage(), c.summary()));
        }
        return lines;
    }

    private String time(Instant ts) {
        return clock.format(ts) + " ";
    }

    private static String roomTag(String room, String currentRoom) {
        return room.equals(currentRoom) ? "" : "[" + safe(room) + "] ";
    }

    private static String room(RoomInfo info) {
        return safe(info.name()) + " (" + info.members() + ")"
                + (info.topic() == null || info.topic().isEmpty() ? "" : " " + safe(info.topic()));
    }

    private static String member(String nick, String away) {
        return away == null ? safe(nick) : safe(nick) + " (away: " + safe(away) + ")";
    }

    public static String safe(String text) {
        return SafeText.neutralize(text);
    }
}
