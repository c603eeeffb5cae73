package io.loomchat.server.irc;

import io.loomchat.server.chat.Commands;
import io.loomchat.server.connection.Session;

import io.loomchat.protocol.IrcLine;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.Request.Replay;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One IRC client's side of its session, read loop only: turns each IRC line into the protocol's requests
 * (registration waits for NICK, USER and the end of CAP negotiation, as IRC servers do) and answers what
 * IRC answers itself (PING, CAP, MODE queries). What the session sends back is written as IRC by
 * {@link IrcRendering}, which this front shares the negotiated capabilities with.
 *
 * <p>Requests made here carry refs starting with "irc-": they tell the rendering what an answer was for
 * (a member list asked by NAMES or by WHO, a topic asked or set).
 */
public final class IrcFront {

    static final Set<String> CAPABILITIES = Set.of("server-time", "message-tags", "echo-message", "batch",
            "draft/chathistory", "away-notify", "multi-prefix", "userhost-in-names");
    /** The most bytes of tags a client may send (IRCv3 message-tags); a longer line gets 417. */
    static final int MAX_CLIENT_TAG_BYTES = 4094;

    /** The most messages one CHATHISTORY request returns (Loomchat's history page limit). */
    static final int CHATHISTORY_LIMIT = 500;
    /** Mode changes with a parameter one MODE line may make (IRC's default ISUPPORT MODES=3). */
    static final int MODES_PER_LINE = 3;
    /** The most 352 lines one WHO for a mask returns (a mask can match a whole lobby). */
    static final int MAX_WHO_REPLIES = 500;
    /** Targets one line may name (ISUPPORT TARGMAX); every target past the first also counts against flood control. */
    static final int MAX_TARGETS = 4;

    private final Session session;
    private final Commands commands;
    private final IrcRendering rendering;
    private final java.util.function.BooleanSupplier anotherLine; // flood control's verdict on one more line
    private String password; // PASS, before registration
    private String nick; // NICK, before registration
    private String user; // USER, before registration
    private boolean negotiating; // between CAP LS/REQ and CAP END

    /**
     * {@code anotherLine} asks flood control whether one more line may be carried out: a line naming several
     * targets (PRIVMSG #a,#b,...) is charged one line per target, so that it cannot say more than the same
     * requests one per line would.
     */
    public IrcFront(Session session, Commands commands, String serverName, java.util.function.BooleanSupplier anotherLine) {
        this.session = session;
        this.commands = commands;
        this.rendering = new IrcRendering(session, serverName);
        this.anotherLine = anotherLine;
    }

    /**
     * The targets of a comma list, at most {@link #MAX_TARGETS}, each past the first charged to flood
     * control: 407 for too many, and the rest dropped once flood control refuses.
     */
    private List<String> targets(String list, String command) {
        List<String> all = List.of(list.split(","));
        if (all.size() > MAX_TARGETS) {
            reply("407", (list.length() > 64 ? list.substring(0, 64) : list) + " :Too many targets (TARGMAX " + command + ":"
                    + MAX_TARGETS + "); nothing was sent");
            return List.of();
        }
        List<String> allowed = new java.util.ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (i > 0 && !anotherLine.getAsBoolean()) {
                send(":" + rendering.server() + " NOTICE " + target() + " :flood control: targets after " + all.get(i - 1)
                        + " dropped (each target counts as a line)");
                break;
            }
            if (!all.get(i).isEmpty()) {
                allowed.add(all.get(i));
            }
        }
        return allowed;
    }

    /** How the session's events are written for this client. */
    public IrcRendering rendering() {
        return rendering;
    }

    /** One line from the client, without its line end. */
    public void handle(String raw) {
        if (raw.startsWith("@")) {
            int space = raw.indexOf(' ');
            if ((space < 0 ? raw.length() : space) - 1 > MAX_CLIENT_TAG_BYTES) {
                reply("417", ":Input line was too long (tags over " + MAX_CLIENT_TAG_BYTES + " bytes)");
                return;
            }
        }
        IrcLine line = IrcLine.parse(raw);
        if (line == null) {
            return;
        }
        switch (line.command()) {
            case "CAP" -> cap(line);
            case "PASS" -> {
                if (session.registered()) {
                    reply("462", ":You may not reregister");
                } else {
                    password = line.param(0);
                }
            }
            case "NICK" -> nick(line);
            case "USER" -> {
                if (session.registered()) {
                    reply("462", ":You may not reregister");
                } else if (line.params().size() < 4 || line.param(0).isEmpty() || line.param(3).isEmpty()) {
                    reply("461", "USER :Not enough parameters");
                } else {
                    user = line.param(0);
                    rendering.identify(line.param(0), line.param(3));
                    register();
                }
            }
            case "PING" -> {
                if (line.params().isEmpty() || line.param(0).isEmpty()) {
                    reply("461", "PING :Not enough parameters");
                } else {
                    send(":" + rendering.server() + " PONG " + rendering.server() + " :" + line.param(0));
                }
            }
            case "PONG" -> {
                // any line is an answer to the server's keep-alive
            }
            case "QUIT" -> commands.handle(new Request.Quit(line.params().isEmpty() ? null : clean(line.param(0)), null));
            default -> {
                if (!session.registered()) {
                    reply("451", ":You have not registered");
                } else {
                    registered(line);
                }
            }
        }
    }

    private void registered(IrcLine line) {
        switch (line.command()) {
            case "JOIN" -> {
                if (line.param(0).isEmpty()) {
                    reply("461", "JOIN :Not enough parameters");
                    return;
                }
                if (line.param(0).equals("0")) { // JOIN 0: leave every channel (RFC 2812 3.2.1)
                    for (String room : session.rooms().names()) {
                        commands.handle(new Request.Leave(room, ref("part", "#" + room)));
                    }
                    return;
                }
                for (String channel : targets(line.param(0), "JOIN")) {
                    String room = room(channel);
                    if (session.rooms().contains(room)) {
                        continue; // in it already (the lobby, joined at registration): IRC servers say nothing
                    }
                    rendering.joining(room);
                    commands.handle(new Request.Join(room, Replay.DEFAULT, ref("join", channel)));
                    if (session.rooms().contains(room)) {
                        commands.handle(new Request.Who(room, null, ref("names", channel)));
                    }
                }
            }
            case "PART" -> {
                if (line.param(0).isEmpty()) {
                    reply("461", "PART :Not enough parameters");
                    return;
                }
                String reason = line.params().size() > 1 ? clean(line.param(1)) : null;
                for (String channel : targets(line.param(0), "PART")) {
                    commands.handle(new Request.Leave(room(channel), reason, ref("part", channel)));
                }
            }
            case "PRIVMSG", "NOTICE" -> say(line);
            case "TOPIC" -> {
                if (line.param(0).isEmpty()) {
                    reply("461", "TOPIC :Not enough parameters");
                } else if (line.params().size() < 2) {
                    commands.handle(new Request.Topic(room(line.param(0)), null, ref("topic?", line.param(0))));
                } else {
                    // Cut to TOPICLEN, as IRC servers do, rather than refused: counted as the server counts
                    // max-topic-chars (UTF-16 units), never between the two halves of a character.
                    String topic = clean(line.param(1));
                    int most = session.server().config().maxTopicChars();
                    if (topic.length() > most) {
                        topic = topic.substring(0, Character.isHighSurrogate(topic.charAt(most - 1)) ? most - 1 : most);
                    }
                    commands.handle(new Request.Topic(room(line.param(0)), topic, ref("topic!", line.param(0))));
                }
            }
            case "NAMES" -> {
                if (line.param(0).isEmpty()) {
                    reply("366", "* :End of /NAMES list");
                } else {
                    for (String channel : targets(line.param(0), "NAMES")) {
                        commands.handle(new Request.Who(room(channel), null, ref("names", channel)));
                    }
                }
            }
            case "WHO" -> {
                if (line.param(0).startsWith("#")) {
                    commands.handle(new Request.Who(room(line.param(0)), null, ref("who", line.param(0))));
                } else {
                    who(line.param(0));
                }
            }
            case "LIST" -> {
                // LIST #a,#b: only those (the answer is written while this call runs, on this thread).
                rendering.listOnly(line.param(0).isEmpty() || !line.param(0).startsWith("#") ? null
                        : Set.copyOf(java.util.Arrays.stream(line.param(0).split(","))
                                .map(c -> room(c).toLowerCase(Locale.ROOT)).toList()));
                try {
                    commands.handle(new Request.ListRooms(null, "irc-list"));
                } finally {
                    rendering.listOnly(null);
                }
            }
            case "TAGMSG" -> {
                // Carries only client tags, and every client tag is dropped (ISUPPORT CLIENTTAGDENY=*).
            }
            case "AWAY" -> commands.handle(new Request.Away(line.params().isEmpty() || line.param(0).isBlank() ? null
                    : clean(line.param(0)), "irc-away"));
            case "KICK" -> {
                if (line.params().size() < 2) {
                    reply("461", "KICK :Not enough parameters");
                } else if (session.server().rooms().find(room(line.param(0))) == null) {
                    reply("403", line.param(0) + " :No such channel");
                } else {
                    commands.handle(new Request.Kick(room(line.param(0)), line.param(1),
                            line.params().size() > 2 ? clean(line.param(2)) : null, ref("kick", line.param(0) + "!" + line.param(1))));
                }
            }
            case "OPER" -> commands.handle(new Request.Oper(line.param(0), line.param(1), "irc-oper"));
            case "MODE" -> mode(line);
            case "CHATHISTORY" -> chathistory(line);
            case "WHOIS" -> whois(line.param(line.params().size() > 1 ? 1 : 0));
            case "WHOWAS" -> {
                // Nothing is kept about nicks that left: every nick asked for is unknown.
                if (line.param(0).isEmpty()) {
                    reply("431", ":No nickname given");
                } else {
                    reply("406", line.param(0) + " :There was no such nickname");
                    reply("369", line.param(0) + " :End of WHOWAS");
                }
            }
            case "LUSERS" -> session.sendRaw(IrcRendering.bytes(rendering.lusers(target())));
            case "ISON" -> {
                // Nicks held on this server (in a cluster: on this node; irssi's /notify asks this every minute).
                StringBuilder on = new StringBuilder();
                for (String nick : line.params().stream().flatMap(p -> java.util.Arrays.stream(p.split(" "))).limit(32).toList()) {
                    Session holder = nick.isEmpty() ? null : session.server().nicknames().find(nick);
                    if (holder != null && holder.nick() != null) {
                        on.append(on.isEmpty() ? "" : " ").append(holder.nick());
                    }
                }
                reply("303", ":" + on);
            }
            case "MOTD" -> reply("422", ":MOTD File is missing");
            case "VERSION" -> reply("351", "loomchat " + rendering.server() + " :Loomchat (an IRC front door)");
            case "USERHOST" -> userhost(line.params());
            case "TIME" -> reply("391", rendering.server() + " :" + java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)
                    .format(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME));
            case "INFO" -> {
                reply("371", ":Loomchat: a chat server whose rooms IRC clients, its terminal client, browsers and nc share");
                reply("374", ":End of INFO list");
            }
            default -> reply("421", line.command() + " :Unknown command");
        }
    }

    private void nick(IrcLine line) {
        if (line.param(0).isEmpty()) {
            reply("431", ":No nickname given");
        } else if (session.registered()) {
            if (!line.param(0).equals(session.nick())) { // the same nick again: nothing to change, nothing said
                commands.handle(new Request.Nick(line.param(0), ref("nick", line.param(0))));
            }
        } else {
            nick = line.param(0);
            register();
        }
    }

    /** Registers once NICK and USER are in and capability negotiation is over. */
    private void register() {
        if (nick == null || user == null || negotiating || session.registered()) {
            return;
        }
        rendering.joining(session.server().config().defaultRoom());
        commands.handle(new Request.Hello(nick, null, Replay.DEFAULT, null, password, ref("hello", nick)));
        String room = session.rooms().currentName();
        if (session.registered() && room != null) {
            commands.handle(new Request.Who(room, null, ref("names", "#" + room)));
        }
    }

    private void cap(IrcLine line) {
        switch (line.param(0).toUpperCase(Locale.ROOT)) {
            case "LS" -> {
                negotiating = !session.registered();
                send(":" + rendering.server() + " CAP " + target() + " LS :" + String.join(" ", CAPABILITIES.stream().sorted().toList()));
            }
            case "REQ" -> {
                negotiating = !session.registered();
                List<String> asked = List.of(line.param(1).strip().split(" +"));
                boolean all = asked.stream().allMatch(c -> CAPABILITIES.contains(c.toLowerCase(Locale.ROOT)));
                if (all) {
                    asked.forEach(c -> rendering.enable(c.toLowerCase(Locale.ROOT)));
                }
                send(":" + rendering.server() + " CAP " + target() + (all ? " ACK :" : " NAK :") + line.param(1).strip());
            }
            case "LIST" -> send(":" + rendering.server() + " CAP " + target() + " LIST :" + String.join(" ", rendering.enabled()));
            case "END" -> {
                negotiating = false;
                register();
            }
            default -> reply("410", line.param(0) + " :Invalid CAP command");
        }
    }

    private void say(IrcLine line) {
        if (line.params().size() < 2 || line.param(1).isEmpty()) {
            if (line.command().equals("PRIVMSG")) {
                reply(line.params().isEmpty() ? "411" : "412", line.params().isEmpty() ? ":No recipient given (PRIVMSG)" : ":No text to send");
            }
            return;
        }
        String text = line.param(1);
        boolean action = false;
        if (text.startsWith("\u0001")) {
            String ctcp = text.substring(1, text.endsWith("\u0001") && text.length() > 1 ? text.length() - 1 : text.length());
            if (!ctcp.startsWith("ACTION ")) {
                return; // other CTCP (VERSION, PING, DCC): not carried
            }
            text = ctcp.substring("ACTION ".length());
            action = true;
        }
        text = clean(text);
        // A NOTICE never gets an automatic answer (RFC 2812 3.3.2): its refs say so to the rendering.
        String kind = line.command().equals("NOTICE") ? "notice" : "say";
        rendering.noticing(kind.equals("notice"));
        try {
            // Each target once: PRIVMSG #dev,#dev says it once.
            for (String target : new java.util.LinkedHashSet<>(targets(line.param(0), line.command()))) {
                commands.handle(target.startsWith("#")
                        ? new Request.Say(room(target), text, action, ref(kind, target))
                        : new Request.Msg(target, text, action, ref(kind, target)));
            }
        } finally {
            rendering.noticing(false);
        }
    }

    /**
     * IRCv3 CHATHISTORY LATEST|BEFORE|AFTER #channel (*|msgid=ID) LIMIT: the room's kept messages, oldest
     * first, in a batch of type chathistory. Ids are Loomchat's message ids (the msgid tag); timestamps are
     * not taken (FAIL ... INVALID_PARAMS).
     */
    private void chathistory(IrcLine line) {
        String sub = line.param(0).toUpperCase(Locale.ROOT);
        String channel = line.param(1);
        String anchor = line.param(2);
        Integer limit;
        try {
            limit = Math.min(CHATHISTORY_LIMIT, Math.max(1, Integer.parseInt(line.param(3))));
        } catch (NumberFormatException e) {
            limit = null;
        }
        Long id = null;
        if (anchor.startsWith("msgid=")) {
            try {
                String msgid = anchor.substring("msgid=".length()); // "lobby/42", or the bare id 42
                id = Long.parseLong(msgid.substring(msgid.lastIndexOf('/') + 1));
            } catch (NumberFormatException e) {
                id = null;
            }
        }
        boolean known = switch (sub) {
            case "LATEST" -> anchor.equals("*") || id != null;
            case "BEFORE", "AFTER" -> id != null;
            default -> false;
        };
        if (!known || limit == null || !channel.startsWith("#")) {
            send(":" + rendering.server() + " FAIL CHATHISTORY INVALID_PARAMS " + (sub.isEmpty() ? "*" : sub)
                    + " :use LATEST|BEFORE|AFTER #channel *|msgid=ID LIMIT (message ids, not timestamps)");
            return;
        }
        if (!session.rooms().contains(room(channel))) {
            send(":" + rendering.server() + " FAIL CHATHISTORY INVALID_TARGET " + sub + " " + channel
                    + " :only members of a channel may read its history");
            return;
        }
        Request.History request = switch (sub) {
            case "BEFORE" -> new Request.History(room(channel), id, null, limit, "irc-history");
            case "AFTER" -> new Request.History(room(channel), null, id, limit, "irc-history");
            default -> new Request.History(room(channel), null, null, limit, "irc-history"); // the newest
        };
        long newerThan = sub.equals("LATEST") && id != null ? id : -1; // LATEST msgid=ID: the newest, after ID
        String batch = "h" + Long.toString(System.nanoTime(), 36);
        boolean batched = rendering.isEnabled("batch");
        if (batched) {
            send(":" + rendering.server() + " BATCH +" + batch + " chathistory " + channel);
        }
        // The page is queued by this very call, on this thread: the rendering tags it while it is open.
        rendering.openBatch(batched ? batch : null, newerThan);
        try {
            commands.handle(request);
        } finally {
            rendering.openBatch(null, -1);
        }
        if (batched) {
            send(":" + rendering.server() + " BATCH -" + batch);
        }
    }

    /** In a cluster, the node holding {@code nick}; null on a single node, when nobody holds it, or NATS is away. */
    private String nodeHolding(String nick) {
        io.loomchat.server.cluster.ClusterNicks nicks = session.server().clusterNicks();
        if (nicks == null) {
            return null;
        }
        try {
            return nicks.holderNode(io.loomchat.protocol.Names.skeleton(nick));
        } catch (io.loomchat.server.cluster.ClusterUnavailable e) {
            return null;
        }
    }

    /** USERHOST nick...: up to five nicks held here, as nick[*]=+|-user@host (* operator, - away). */
    private void userhost(List<String> nicks) {
        if (nicks.isEmpty()) {
            reply("461", "USERHOST :Not enough parameters");
            return;
        }
        StringBuilder found = new StringBuilder();
        for (String asked : nicks.subList(0, Math.min(5, nicks.size()))) {
            Session holder = session.server().nicknames().find(asked);
            if (holder != null && holder.nick() != null) {
                found.append(found.isEmpty() ? "" : " ").append(holder.nick()).append(holder.operator() != null ? "*" : "")
                        .append('=').append(holder.away() != null ? '-' : '+')
                        .append(IrcRendering.usernameOf(holder, holder.nick())).append("@loomchat");
            }
        }
        reply("302", ":" + found);
    }

    /** Who holds a nick on this server: its name, whether away, and the end (nicks on other nodes: 401). */
    private void whois(String nick) {
        Session holder = nick.isEmpty() ? null : session.server().nicknames().find(nick);
        String node = holder == null && !nick.isEmpty() ? nodeHolding(nick) : null;
        if (node != null) {
            // Held on another node of the cluster: the nick and where; its away mark and real name stay there.
            reply("311", nick + " " + nick + " loomchat * :" + nick);
            reply("312", nick + " " + node + " :Loomchat (another node of this cluster)");
        } else if (holder == null || holder.nick() == null) {
            reply("401", (nick.isEmpty() ? "*" : nick) + " :No such nick");
        } else {
            String name = holder.nick();
            reply("311", name + " " + IrcRendering.usernameOf(holder, name) + " loomchat * :"
                    + IrcRendering.realnameOf(holder, name));
            reply("312", name + " " + rendering.server() + " :Loomchat");
            String away = holder.away();
            if (away != null) {
                reply("301", name + " :" + io.loomchat.protocol.SafeText.neutralize(away));
            }
            if (holder.operator() != null) {
                reply("313", name + " :is an operator");
            }
        }
        reply("318", (nick.isEmpty() ? "*" : nick) + " :End of /WHOIS list");
    }

    private void mode(IrcLine line) {
        String target = line.param(0);
        if (target.isEmpty()) {
            reply("461", "MODE :Not enough parameters");
            return;
        }
        if (!target.startsWith("#")) {
            if (!target.equalsIgnoreCase(session.nick())) {
                reply("502", ":Can't change mode for other users");
            } else if (line.param(1).isEmpty()) {
                reply("221", session.operator() != null ? "+io" : "+i");
            }
            return; // user modes cannot be changed here (everyone is +i; +o comes with OPER)
        }
        String change = line.param(1);
        if (change.isEmpty()) {
            reply("324", target + " +n");
            return;
        }
        // +n (members only may speak) is always on and cannot be unset; b is Loomchat's nick ban for
        // nick!*@* masks (server-wide, for --ban-time, lifted with -b); every other mode is unknown.
        char sign = '+';
        int param = 2;
        for (char c : change.toCharArray()) {
            if (c == '+' || c == '-') {
                sign = c;
            } else if (c == 'b') {
                if (param >= 2 + MODES_PER_LINE) {
                    return; // at most MODES (3) bans per MODE line, as IRC servers take: the rest is ignored
                }
                if (param >= line.params().size()) {
                    if (sign == '+') {
                        reply("368", target + " :End of channel ban list"); // a list asked for: once, and done
                    }
                    return;
                }
                String mask = line.param(param++);
                String banned = mask.endsWith("!*@*") ? mask.substring(0, mask.length() - 4) : mask.contains("!") || mask.contains("@") ? "" : mask;
                if (banned.isEmpty() || banned.contains("*") || banned.contains("?")) {
                    reply("472", "b :only nick!*@* bans are known to this server (" + mask + ")");
                    return;
                }
                commands.handle(sign == '+' ? new Request.Ban(banned, null, null, null, false, "irc-ban")
                        : new Request.Unban(banned, null, "irc-unban"));
            } else if (c == 'n') {
                if (sign == '-') {
                    reply("482", target + " :You're not channel operator (the 'n' mode is always on)");
                    return;
                }
            } else {
                reply("472", c + " :is unknown mode char to me");
                return;
            }
        }
    }

    /**
     * WHO for a nick or a mask (* and ? wildcards): everyone is invisible (+i), so a mask matches this
     * client and those who share a room with it; an exact nick is shown wherever it is held on this node.
     */
    private void who(String mask) {
        String asked = mask.isEmpty() ? "*" : mask;
        java.util.TreeSet<String> nicks = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        if (!asked.contains("*") && !asked.contains("?")) {
            Session holder = session.server().nicknames().find(asked);
            if (holder != null && holder.nick() != null) {
                nicks.add(holder.nick());
            }
        } else {
            StringBuilder regex = new StringBuilder();
            for (String part : asked.split("(?=[*?])|(?<=[*?])")) {
                regex.append(part.equals("*") ? ".*" : part.equals("?") ? "." : java.util.regex.Pattern.quote(part));
            }
            java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(regex.toString(),
                    java.util.regex.Pattern.CASE_INSENSITIVE);
            nicks.add(session.nick());
            for (String roomName : session.rooms().names()) {
                io.loomchat.server.chat.Room room = session.server().rooms().find(roomName);
                if (room != null) {
                    nicks.addAll(room.nicks());
                }
            }
            nicks.removeIf(n -> !pattern.matcher(n).matches());
        }
        int shown = 0;
        for (String nick : nicks) {
            if (++shown > MAX_WHO_REPLIES) {
                reply("315", asked + " :End of /WHO list (the first " + MAX_WHO_REPLIES + " only)");
                return;
            }
            Session holder = session.server().nicknames().find(nick);
            send(rendering.whoReply(target(), "*", nick, holder != null && holder.away() != null).stripTrailing());
        }
        reply("315", asked + " :End of /WHO list");
    }

    /**
     * The ref of a request made for this client: "irc-KIND:SUBJECT", the subject (a nick or a channel, cut
     * to fit a ref) for the numeric that may answer it.
     */
    static String ref(String kind, String subject) {
        String s = subject.length() > 40 ? subject.substring(0, 40) : subject;
        return "irc-" + kind + ":" + s.replaceAll("[^\\x21-\\x7e]", "?");
    }

    /** Text typed in an IRC client: formatting codes out (others would see control characters). */
    private static String clean(String text) {
        return IrcLine.stripFormatting(text);
    }

    /** "#Dev" -> "dev": channels are rooms. */
    static String room(String channel) {
        return channel.startsWith("#") ? channel.substring(1) : channel;
    }

    private String target() {
        return session.nick() != null ? session.nick() : nick != null ? nick : "*";
    }

    private void reply(String numeric, String rest) {
        send(":" + rendering.server() + " " + numeric + " " + target() + " " + rest);
    }

    private void send(String line) {
        session.sendRaw(IrcRendering.bytes(line + "\r\n"));
    }
}
