package io.loomchat.server.irc;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.IrcLine;
import io.loomchat.protocol.SafeText;
import io.loomchat.protocol.Timestamps;
import io.loomchat.server.chat.ChatContext;
import io.loomchat.server.chat.Client;
import io.loomchat.server.chat.Person;
import io.loomchat.server.connection.Sessions;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The protocol's events as IRC lines, for one IRC client. Called by whichever thread delivers an event (a
 * room's broadcast comes from its sender's read loop). Besides the capabilities the client negotiated it
 * keeps what makes an event read right in IRC: the CHATHISTORY batch being written, the channels being
 * joined (their topic is 332, not a change), the departures already shown as a QUIT, and whether a NOTICE
 * or a LIST is being carried out; each is set by the read loop and read by the delivering thread, hence
 * volatile or concurrent. Every text from others is neutralized first: a line break or control character
 * in a message can never become a second IRC line or a formatting trick.
 */
public final class IrcRendering {

    private static final String HOST = "loomchat";

    private final Client client;
    private final ChatContext chat;
    private final Sessions sessions; // LUSERS counts
    private final String server;
    private final IrcErrors errors;
    private final Set<String> enabled = ConcurrentHashMap.newKeySet();
    /** The batch a CHATHISTORY page is being written into, by the read loop, for its replayed messages; else null. */
    private volatile String batch;
    /** With the batch: replayed messages up to this id are left out (CHATHISTORY LATEST msgid=ID); -1 none. */
    private volatile long newerThan = -1;
    /** Rooms this client is joining: the topic that comes with the join is 332/333, not a change. */
    private final Set<String> joining = ConcurrentHashMap.newKeySet();
    /**
     * Nicks this client was shown a QUIT for. Loomchat tells a departure room by room; IRC says it once (a
     * QUIT takes the nick out of every channel), so the other rooms' notices of the same departure are left
     * out, until the nick is seen joining again. Bounded: a departed nick is forgotten at the latest when
     * more than {@link #QUITS_REMEMBERED} others have left since.
     */
    private final Set<String> quitShown = ConcurrentHashMap.newKeySet();
    /** True while the read loop carries out a NOTICE: the away reply it brings is not for an IRC client. */
    private volatile boolean noticing;
    /** LIST #a,#b: the channels the room list being answered is cut to (read loop, like the batch); null all. */
    private volatile Set<String> listOnly;
    private static final int QUITS_REMEMBERED = 1024;

    IrcRendering(Client client, ChatContext chat, Sessions sessions) {
        this.client = client;
        this.chat = chat;
        this.sessions = sessions;
        this.server = chat.config().serverName().replaceAll("[^A-Za-z0-9.-]", "-");
        this.errors = new IrcErrors(server, chat.rooms());
    }

    String server() {
        return server;
    }

    /** Read loop, around a NOTICE: no automatic answer (RFC 2812 3.3.2), the away reply included. */
    void noticing(boolean on) {
        noticing = on;
    }

    /** Read loop, around a LIST: only these rooms (lower case) in the answer; null for all. */
    void listOnly(Set<String> rooms) {
        listOnly = rooms;
    }

    void enable(String capability) {
        enabled.add(capability);
        if (capability.equals("away-notify")) {
            client.hearAwayChanges();
        }
    }

    public boolean isEnabled(String capability) {
        return enabled.contains(capability);
    }

    /** Read loop: replayed messages from now on belong to {@code id} (null: to no batch), those after {@code after} only. */
    void openBatch(String id, long after) {
        newerThan = after;
        batch = id;
    }

    /** Read loop, before a join: the topic the join brings is the current topic, not a change. */
    void joining(String room) {
        joining.add(room.toLowerCase(Locale.ROOT));
    }

    /** "irc-KIND:SUBJECT" -> KIND; "" for a ref this front did not make. */
    static String kind(String ref) {
        if (ref == null || !ref.startsWith("irc-")) {
            return "";
        }
        int colon = ref.indexOf(':');
        return colon < 0 ? ref.substring(4) : ref.substring(4, colon);
    }

    /** "irc-KIND:SUBJECT" -> SUBJECT (the nick or channel a numeric names); "*" when none. */
    static String subject(String ref) {
        int colon = ref == null ? -1 : ref.indexOf(':');
        return colon < 0 || colon == ref.length() - 1 ? "*" : ref.substring(colon + 1);
    }

    /** The channel a subject names: "#ops" of "#ops!nick" (a KICK's), or the subject itself. */
    static String channelOf(String subject) {
        int bang = subject.indexOf('!');
        return bang < 0 ? subject : subject.substring(0, bang);
    }

    List<String> enabled() {
        return new ArrayList<>(new TreeSet<>(enabled));
    }

    static byte[] bytes(String lines) {
        return lines.getBytes(StandardCharsets.UTF_8);
    }

    /** The lines for {@code event}, CR LF ended, or null when an IRC client is not to see it. */
    public byte[] render(Event event) {
        String me = client.nick() == null ? "*" : client.nick();
        String out = switch (event) {
            case Event.Welcome w -> welcome(w);
            case Event.ChatMessage m -> message(m, me);
            case Event.PrivateMessage p -> privateMessage(p, me);
            case Event.Joined j -> {
                quitShown.remove(j.nick().toLowerCase(Locale.ROOT));
                yield tags(j.ts(), null) + ":" + source(j.nick()) + " JOIN #" + j.room() + "\r\n";
            }
            case Event.Left l -> left(l);
            case Event.Renamed r -> {
                quitShown.remove(r.nick().toLowerCase(Locale.ROOT));
                yield tags(r.ts(), null) + ":" + source(r.old()) + " NICK :" + r.nick() + "\r\n";
            }
            case Event.Topic t -> topic(t, me);
            case Event.Members m -> members(m, me);
            case Event.RoomList l -> roomList(l, me);
            case Event.Away a -> kind(a.ref()).equals("awaynotify")
                    ? ":" + source(a.nick()) + " AWAY" + (a.reason() == null ? "" : " :" + safe(a.reason())) + "\r\n"
                    : kind(a.ref()).equals("notice") || noticing ? null : away(a, me); // a NOTICE gets no automatic answer
            case Event.Notice n -> n.ref() != null && n.ref().equals("irc-oper") && n.text().contains("operator")
                    ? numeric("381", me, ":" + safe(n.text())) + ":" + me + " MODE " + me + " :+o\r\n"
                    : lines(":" + server + " NOTICE " + me, safe(n.text()));
            case Event.Ping p -> "PING :" + server + "\r\n";
            case Event.ErrorReply e -> errors.render(e, me);
            case Event.Bye b -> ("bad_password".equals(b.code()) ? numeric("464", me, ":Password incorrect") : "")
                    + "ERROR :Closing Link: " + me + " (" + ("handshake_timeout".equals(b.code()) ? "Registration timeout"
                    : safe(b.reason())) + ")\r\n";
            case Event.Pong p -> null;
            case Event.HistoryEnd h -> null;
            case Event.Account a -> IrcAccounts.rendered(a, me, server);
            case Event.Read r -> enabled.contains("draft/read-marker") ? IrcAccounts.marker(r, server, chat.rooms()) : null;
        };
        return out == null ? null : bytes(out);
    }

    private String welcome(Event.Welcome w) {
        String n = w.nick();
        return numeric("001", n, ":Welcome to " + safe(w.server()) + ", " + n)
                + numeric("002", n, ":Your host is " + server + ", running loomchat (protocol " + Codec.PROTOCOL_VERSION + ")")
                + numeric("003", n, ":This server speaks IRC as a front door to Loomchat")
                + numeric("004", n, server + " loomchat io bn")
                + numeric("005", n, "CHANTYPES=# PREFIX= CHANMODES=b,,,n CLIENTTAGDENY=* CASEMAPPING=ascii NICKLEN=" + chat.config().maxNickChars()
                        + " CHANNELLEN=33 TOPICLEN=" + chat.config().maxTopicChars() + " NETWORK=" + server
                        + " TARGMAX=PRIVMSG:" + IrcFront.MAX_TARGETS + ",NOTICE:" + IrcFront.MAX_TARGETS + ",JOIN:"
                        + IrcFront.MAX_TARGETS + ",PART:" + IrcFront.MAX_TARGETS + ",NAMES:" + IrcFront.MAX_TARGETS
                        + " CHATHISTORY=" + IrcFront.CHATHISTORY_LIMIT + " :are supported by this server")
                + lusers(n)
                + numeric("422", n, ":MOTD File is missing");
    }

    /** 251-255 for this server (in a cluster: this node): people, operators, connections not registered yet, rooms. */
    String lusers(String me) {
        int[] counts = sessions.peopleCounts();
        int people = counts[0];
        int operators = counts[1];
        int unregistered = counts[2];
        int rooms = counts[3];
        return numeric("251", me, ":There are 0 users and " + people + " invisible on 1 servers")
                + numeric("252", me, operators + " :operator(s) online")
                + numeric("253", me, unregistered + " :unknown connection(s)")
                + numeric("254", me, rooms + " :channels formed")
                + numeric("255", me, ":I have " + people + " clients and 0 servers");
    }

    private String message(Event.ChatMessage m, String me) {
        boolean own = m.from().equalsIgnoreCase(me);
        if (own && m.ref() != null && !enabled.contains("echo-message")) {
            return null; // the client shows its own line already
        }
        String text = safe(m.text());
        if (m.history() && !enabled.contains("server-time")) {
            text = replayedAt(m.ts()) + text; // a replayed line would otherwise look said just now
        }
        String open = m.history() ? batch : null; // only a replay belongs to a CHATHISTORY page
        if (open != null && m.id() <= newerThan) {
            return null;
        }
        String tags = tags(m.ts(), msgid(m.room(), m.id()));
        if (open != null) {
            tags = tags.isEmpty() ? "@batch=" + open + " " : "@batch=" + open + ";" + tags.substring(1);
        }
        String verb = own && kind(m.ref()).equals("notice") ? " NOTICE #" : " PRIVMSG #"; // echo-message: as sent
        String rest = ":" + source(m.from()) + verb + m.room();
        List<String> pieces = IrcLine.split(tags + rest, m.action() ? "\u0001ACTION " + text + "\u0001" : text);
        if (pieces.size() == 1 || !tags.contains("msgid=")) {
            return String.join("", pieces);
        }
        // A line cut for IRC's 512 bytes: its msgid on the first piece only (a msgid names one message).
        String withoutId = tags.replaceAll(";?msgid=[^; ]*", "").replace("@;", "@");
        withoutId = withoutId.equals("@ ") ? "" : withoutId;
        StringBuilder out = new StringBuilder(pieces.getFirst());
        for (String piece : pieces.subList(1, pieces.size())) {
            out.append(withoutId).append(piece, tags.length(), piece.length());
        }
        return out.toString();
    }

    /** "[21:05 UTC] " for a line said today (UTC), "[2026-11-28 21:05 UTC] " before. */
    private static String replayedAt(Instant ts) {
        ZonedDateTime at = ts.atZone(ZoneOffset.UTC);
        boolean today = at.toLocalDate().equals(LocalDate.now(ZoneOffset.UTC));
        return "[" + (today ? "" : at.toLocalDate() + " ") + String.format("%02d:%02d", at.getHour(), at.getMinute()) + " UTC] ";
    }

    private String privateMessage(Event.PrivateMessage p, String me) {
        boolean own = p.from().equalsIgnoreCase(me);
        if (own && p.ref() != null && !enabled.contains("echo-message")) {
            return null;
        }
        String text = safe(p.text());
        String verb = own && kind(p.ref()).equals("notice") ? " NOTICE " : " PRIVMSG ";
        return lines(tags(p.ts(), null) + ":" + source(p.from()) + verb + (own ? p.to() : me),
                p.action() ? "\u0001ACTION " + text + "\u0001" : text);
    }

    private String left(Event.Left l) {
        String reason = l.reason() == null ? "" : l.reason();
        if (reason.startsWith("kicked by ")) {
            int colon = reason.indexOf(':');
            String op = colon < 0 ? reason.substring(10) : reason.substring(10, colon);
            String why = colon < 0 ? "" : reason.substring(colon + 1).strip();
            return tags(l.ts(), null) + ":" + source(op.strip()) + " KICK #" + l.room() + " " + l.nick() + " :" + safe(why) + "\r\n";
        }
        if (reason.equals("leave") || reason.startsWith("leave: ") || l.ref() != null) { // a leave request
            String said = reason.startsWith("leave: ") ? reason.substring(7) : "";
            return tags(l.ts(), null) + ":" + source(l.nick()) + " PART #" + l.room()
                    + (said.isEmpty() ? "" : " :" + safe(said)) + "\r\n";
        }
        // Everything else is a departure from the server (quit, connection lost, cut off, node lost): a QUIT.
        if (quitShown.size() >= QUITS_REMEMBERED) {
            quitShown.clear();
        }
        if (!quitShown.add(l.nick().toLowerCase(Locale.ROOT))) {
            return null; // told already, by another room's notice of the same departure
        }
        String message = switch (reason) {
            case "quit" -> "Quit";
            case "idle_timeout", "ping_timeout" -> "Ping timeout";
            case "flood" -> "Excess Flood";
            case "banned" -> "Banned";
            case "slow_consumer", "write_timeout" -> "Max SendQ exceeded";
            case "client_closed" -> "Remote host closed the connection";
            case "read_error" -> "Read error";
            case "node_lost" -> "*.net *.split";
            default -> reason.startsWith("quit: ") ? "Quit: " + reason.substring(6) : reason;
        };
        return tags(l.ts(), null) + ":" + source(l.nick()) + " QUIT :" + safe(message) + "\r\n";
    }

    private String topic(Event.Topic t, String me) {
        // The topic a join brings (it comes right after the JOIN, on the joiner's own thread) is the current one.
        boolean current = t.ref() == null && joining.remove(t.room());
        boolean change = !current && (t.ref() == null || kind(t.ref()).equals("topic!"));
        if (change && t.by() != null) {
            return tags(t.ts(), null) + ":" + source(t.by()) + " TOPIC #" + t.room() + " :" + safe(t.topic()) + "\r\n";
        }
        if (t.topic() == null || t.topic().isEmpty()) {
            return t.ref() != null ? numeric("331", me, "#" + t.room() + " :No topic is set") : null;
        }
        return numeric("332", me, "#" + t.room() + " :" + safe(t.topic()))
                + (t.by() == null ? "" : numeric("333", me, "#" + t.room() + " " + t.by() + " " + t.ts().getEpochSecond()));
    }

    private String members(Event.Members m, String me) {
        joining.remove(m.room()); // the join is over: a topic from now on is a change
        StringBuilder out = new StringBuilder();
        if (kind(m.ref()).equals("who")) {
            for (String nick : m.nicks()) {
                out.append(whoReply(me, "#" + m.room(), nick, m.away().containsKey(nick)));
            }
            return out.append(numeric("315", me, "#" + m.room() + " :End of /WHO list")).toString();
        }
        String head = ":" + server + " 353 " + me + " = #" + m.room();
        StringBuilder names = new StringBuilder();
        for (String nick : m.nicks()) {
            if (IrcLine.utf8Length(head) + 4 + names.length() + source(nick).length() + 1 > IrcLine.MAX_BYTES) {
                out.append(head).append(" :").append(names).append("\r\n");
                names.setLength(0);
            }
            names.append(names.isEmpty() ? "" : " ").append(enabled.contains("userhost-in-names") ? source(nick) : nick);
        }
        if (!names.isEmpty()) {
            out.append(head).append(" :").append(names).append("\r\n");
        }
        return out.append(numeric("366", me, "#" + m.room() + " :End of /NAMES list")).toString();
    }

    /**
     * One 352 line: {@code nick} as WHO shows it in {@code channel} ("*" for none), G when away, * for an
     * operator (known for nicks held on this node; elsewhere the nick stands for username and real name).
     */
    String whoReply(String me, String channel, String nick, boolean away) {
        Person holder = chat.nicknames().find(nick);
        boolean operator = holder != null && holder.operator() != null;
        return numeric("352", me, channel + " " + IrcUsers.usernameOf(holder, nick) + " " + HOST + " " + server + " " + nick + " "
                + (away ? "G" : "H") + (operator ? "*" : "") + " :0 " + IrcUsers.realnameOf(holder, nick));
    }

    private String roomList(Event.RoomList l, String me) {
        StringBuilder out = new StringBuilder(numeric("321", me, "Channel :Users  Name"));
        Set<String> only = listOnly;
        for (Event.RoomInfo r : l.rooms()) {
            if (only != null && !only.contains(r.name().toLowerCase(Locale.ROOT))) {
                continue;
            }
            out.append(numeric("322", me, "#" + r.name() + " " + r.members() + " :" + safe(r.topic() == null ? "" : r.topic())));
        }
        return out.append(numeric("323", me, ":End of /LIST")).toString();
    }

    private String away(Event.Away a, String me) {
        if (a.nick().equalsIgnoreCase(me)) {
            return a.reason() == null ? numeric("305", me, ":You are no longer marked as being away")
                    : numeric("306", me, ":You have been marked as being away");
        }
        return numeric("301", me, a.nick() + " :" + safe(a.reason() == null ? "away" : a.reason()));
    }

    /**
     * A message's IRC msgid: its room and its Loomchat id ("lobby/42"). Loomchat's ids are per room, and a
     * msgid must be unique on the server (IRCv3 msgid). CHATHISTORY takes it back, or the bare id.
     */
    static String msgid(String room, long id) {
        return room + "/" + id;
    }

    /** The IRCv3 tags this client asked for: server-time, and the message id with message-tags. */
    private String tags(Instant ts, String id) {
        boolean time = enabled.contains("server-time") && ts != null;
        boolean msgid = enabled.contains("message-tags") && id != null;
        if (!time && !msgid) {
            return "";
        }
        StringBuilder t = new StringBuilder("@");
        if (time) {
            t.append("time=").append(Timestamps.format(ts));
        }
        if (msgid) {
            t.append(time ? ";" : "").append("msgid=").append(id);
        }
        return t.append(' ').toString();
    }

    private static String source(String nick) {
        return nick + "!" + nick + "@" + HOST;
    }

    private String numeric(String code, String me, String rest) {
        return ":" + server + " " + code + " " + me + " " + rest + "\r\n";
    }

    /** head + " :" + text over as many lines as IRC's 512 bytes need, cut between characters. */
    static String lines(String head, String text) {
        return String.join("", IrcLine.split(head, text));
    }

    /** Control characters (CR and LF among them) shown, never sent: see SafeText. */
    static String safe(String text) {
        return text == null ? "" : SafeText.neutralize(text);
    }
}
