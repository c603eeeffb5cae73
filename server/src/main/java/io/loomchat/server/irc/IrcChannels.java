package io.loomchat.server.irc;

import static io.loomchat.server.irc.IrcFront.clean;
import static io.loomchat.server.irc.IrcFront.ref;
import static io.loomchat.server.irc.IrcFront.room;

import io.loomchat.protocol.IrcLine;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.Request.Replay;
import io.loomchat.server.chat.ChatContext;
import io.loomchat.server.chat.Client;
import io.loomchat.server.chat.Commands;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * IRC's channel commands for one client, each turned into the protocol's requests: JOIN, PART, PRIVMSG and
 * NOTICE, TOPIC, NAMES, LIST, KICK, MODE and CHATHISTORY. Parameter counts are checked before these run
 * (see {@link IrcFront}); what is left here is what each command means.
 */
final class IrcChannels {

    private final IrcFront front;
    private final Client client;
    private final ChatContext chat;
    private final Commands commands;
    private final IrcRendering rendering;

    IrcChannels(IrcFront front, Client client, ChatContext chat, Commands commands, IrcRendering rendering) {
        this.front = front;
        this.client = client;
        this.chat = chat;
        this.commands = commands;
        this.rendering = rendering;
    }

    /** This class's commands, by name: minimum parameters, and all of them need registration. */
    void addTo(Map<String, IrcCommand> table) {
        table.put("JOIN", IrcCommand.registered(1, this::join));
        table.put("PART", IrcCommand.registered(1, this::part));
        table.put("PRIVMSG", IrcCommand.registered(0, this::say));
        table.put("NOTICE", IrcCommand.registered(0, this::say));
        table.put("TOPIC", IrcCommand.registered(1, this::topic));
        table.put("NAMES", IrcCommand.registered(0, this::names));
        table.put("LIST", IrcCommand.registered(0, this::list));
        table.put("KICK", IrcCommand.registered(2, this::kick));
        table.put("MODE", IrcCommand.registered(1, this::mode));
        table.put("CHATHISTORY", IrcCommand.registered(0, this::chathistory));
    }

    private void join(IrcLine line) {
        if (line.param(0).equals("0")) { // JOIN 0: leave every channel (RFC 2812 3.2.1)
            for (String room : client.rooms().names()) {
                commands.handle(new Request.Leave(room, ref("part", "#" + room)));
            }
            return;
        }
        for (String channel : targets(line.param(0), "JOIN")) {
            String room = room(channel);
            if (client.rooms().contains(room)) {
                continue; // in it already (the lobby, joined at registration): IRC servers say nothing
            }
            rendering.joining(room);
            commands.handle(new Request.Join(room, Replay.DEFAULT, ref("join", channel)));
            if (client.rooms().contains(room)) {
                commands.handle(new Request.Who(room, null, ref("names", channel)));
            }
        }
    }

    private void part(IrcLine line) {
        String reason = line.params().size() > 1 ? clean(line.param(1)) : null;
        for (String channel : targets(line.param(0), "PART")) {
            commands.handle(new Request.Leave(room(channel), reason, ref("part", channel)));
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
            for (String target : new LinkedHashSet<>(targets(line.param(0), line.command()))) {
                commands.handle(target.startsWith("#")
                        ? new Request.Say(room(target), text, action, ref(kind, target))
                        : new Request.Msg(target, text, action, ref(kind, target)));
            }
        } finally {
            rendering.noticing(false);
        }
    }

    private void topic(IrcLine line) {
        if (line.params().size() < 2) {
            commands.handle(new Request.Topic(room(line.param(0)), null, ref("topic?", line.param(0))));
        } else {
            // Cut to TOPICLEN, as IRC servers do, rather than refused: counted as the server counts
            // max-topic-chars (UTF-16 units), never between the two halves of a character.
            String topic = clean(line.param(1));
            int most = chat.config().maxTopicChars();
            if (topic.length() > most) {
                topic = topic.substring(0, Character.isHighSurrogate(topic.charAt(most - 1)) ? most - 1 : most);
            }
            commands.handle(new Request.Topic(room(line.param(0)), topic, ref("topic!", line.param(0))));
        }
    }

    private void names(IrcLine line) {
        if (line.param(0).isEmpty()) {
            reply("366", "* :End of /NAMES list");
        } else {
            for (String channel : targets(line.param(0), "NAMES")) {
                commands.handle(new Request.Who(room(channel), null, ref("names", channel)));
            }
        }
    }

    private void list(IrcLine line) {
        // LIST #a,#b: only those (the answer is written while this call runs, on this thread).
        rendering.listOnly(line.param(0).isEmpty() || !line.param(0).startsWith("#") ? null
                : Set.copyOf(Arrays.stream(line.param(0).split(","))
                        .map(c -> room(c).toLowerCase(Locale.ROOT)).toList()));
        try {
            commands.handle(new Request.ListRooms(null, "irc-list"));
        } finally {
            rendering.listOnly(null);
        }
    }

    private void kick(IrcLine line) {
        if (chat.rooms().find(room(line.param(0))) == null) {
            reply("403", line.param(0) + " :No such channel");
        } else {
            commands.handle(new Request.Kick(room(line.param(0)), line.param(1),
                    line.params().size() > 2 ? clean(line.param(2)) : null, ref("kick", line.param(0) + "!" + line.param(1))));
        }
    }

    private void mode(IrcLine line) {
        String target = line.param(0);
        if (!target.startsWith("#")) {
            if (!target.equalsIgnoreCase(client.nick())) {
                reply("502", ":Can't change mode for other users");
            } else if (line.param(1).isEmpty()) {
                reply("221", client.operator() != null ? "+io" : "+i");
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
                if (param >= 2 + IrcFront.MODES_PER_LINE) {
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
            limit = Math.min(IrcFront.CHATHISTORY_LIMIT, Math.max(1, Integer.parseInt(line.param(3))));
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
        if (!client.rooms().contains(room(channel))) {
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

    private List<String> targets(String list, String command) {
        return front.targets(list, command);
    }

    private void reply(String numeric, String rest) {
        front.reply(numeric, rest);
    }

    private void send(String line) {
        front.send(line);
    }
}
