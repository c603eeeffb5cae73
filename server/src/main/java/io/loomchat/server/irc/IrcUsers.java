package io.loomchat.server.irc;

import static io.loomchat.server.irc.IrcFront.clean;
import static io.loomchat.server.irc.IrcFront.room;

import io.loomchat.protocol.IrcLine;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.SafeText;
import io.loomchat.server.chat.ChatContext;
import io.loomchat.server.chat.Client;
import io.loomchat.server.chat.Person;
import io.loomchat.server.chat.Commands;
import io.loomchat.server.chat.Room;
import io.loomchat.server.connection.Session;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * IRC's commands about people and the server, for one client: WHO, WHOIS, WHOWAS, USERHOST, ISON, AWAY,
 * OPER, LUSERS and the server's own MOTD, VERSION, TIME and INFO. Parameter counts are checked before these
 * run (see {@link IrcFront}).
 */
final class IrcUsers {

    private final IrcFront front;
    private final Session session;
    private final Client client;
    private final ChatContext chat;
    private final Commands commands;
    private final IrcRendering rendering;

    IrcUsers(IrcFront front, Session session, ChatContext chat, Commands commands, IrcRendering rendering) {
        this.front = front;
        this.session = session;
        this.client = session.client();
        this.chat = chat;
        this.commands = commands;
        this.rendering = rendering;
    }

    /** From USER: who this client says it is (username cut to 10 printable characters, real name to 50). */
    static void identify(Client client, String user, String real) {
        String u = user.replaceAll("[^\\x21-\\x7e]|[!@]", "");
        String r = IrcRendering.safe(real).strip();
        client.identify(u.isEmpty() ? null : u.length() > 10 ? u.substring(0, 10) : u, r.length() > 50 ? r.substring(0, 50) : r);
    }

    /** The username shown for {@code holder}: its USER name if it is an IRC client that gave one, else its nick. */
    static String usernameOf(Person holder, String nick) {
        Client first = holder == null ? null : holder.firstDevice();
        return first != null && first.username() != null ? first.username() : nick;
    }

    /** The real name shown for {@code holder}: its USER real name if it is an IRC client, else its nick. */
    static String realnameOf(Person holder, String nick) {
        Client first = holder == null ? null : holder.firstDevice();
        return first != null && first.realname() != null && !first.realname().isEmpty() ? first.realname() : nick;
    }

    /** This class's commands, by name: minimum parameters, and all of them need registration. */
    void addTo(Map<String, IrcCommand> table) {
        table.put("WHO", IrcCommand.registered(0, line -> {
            if (line.param(0).startsWith("#")) {
                commands.handle(new Request.Who(room(line.param(0)), null, IrcFront.ref("who", line.param(0))));
            } else {
                who(line.param(0));
            }
        }));
        table.put("WHOIS", IrcCommand.registered(0, line -> whois(line.param(line.params().size() > 1 ? 1 : 0))));
        table.put("WHOWAS", IrcCommand.registered(0, this::whowas));
        table.put("USERHOST", IrcCommand.registered(0, line -> userhost(line.params())));
        table.put("ISON", IrcCommand.registered(0, this::ison));
        table.put("AWAY", IrcCommand.registered(0, line -> commands.handle(new Request.Away(
                line.params().isEmpty() || line.param(0).isBlank() ? null : clean(line.param(0)), "irc-away"))));
        table.put("OPER", IrcCommand.registered(0, line -> commands.handle(new Request.Oper(line.param(0), line.param(1), "irc-oper"))));
        table.put("LUSERS", IrcCommand.registered(0, line -> session.sendRaw(IrcRendering.bytes(rendering.lusers(front.target())))));
        table.put("MOTD", IrcCommand.registered(0, line -> reply("422", ":MOTD File is missing")));
        table.put("VERSION", IrcCommand.registered(0, line -> reply("351", "loomchat " + rendering.server() + " :Loomchat (an IRC front door)")));
        table.put("TIME", IrcCommand.registered(0, line -> reply("391", rendering.server() + " :"
                + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.RFC_1123_DATE_TIME))));
        table.put("INFO", IrcCommand.registered(0, line -> {
            reply("371", ":Loomchat: a chat server whose rooms IRC clients, its terminal client, browsers and nc share");
            reply("374", ":End of INFO list");
        }));
        table.put("TAGMSG", IrcCommand.registered(0, line -> {
            // Carries only client tags, and every client tag is dropped (ISUPPORT CLIENTTAGDENY=*).
        }));
    }

    /** Nothing is kept about nicks that left: every nick asked for is unknown. */
    private void whowas(IrcLine line) {
        if (line.param(0).isEmpty()) {
            reply("431", ":No nickname given");
        } else {
            reply("406", line.param(0) + " :There was no such nickname");
            reply("369", line.param(0) + " :End of WHOWAS");
        }
    }

    /** ISON: nicks held on this server (in a cluster: on this node; irssi's /notify asks this every minute). */
    private void ison(IrcLine line) {
        StringBuilder on = new StringBuilder();
        for (String nick : line.params().stream().flatMap(p -> Arrays.stream(p.split(" "))).limit(32).toList()) {
            Person holder = nick.isEmpty() ? null : chat.nicknames().find(nick);
            if (holder != null && holder.nick() != null) {
                on.append(on.isEmpty() ? "" : " ").append(holder.nick());
            }
        }
        reply("303", ":" + on);
    }

    /** USERHOST nick...: up to five nicks held here, as nick[*]=+|-user@host (* operator, - away). */
    private void userhost(List<String> nicks) {
        if (nicks.isEmpty()) {
            reply("461", "USERHOST :Not enough parameters"); // "USERHOST :" asks for nobody: an empty 302
            return;
        }
        StringBuilder found = new StringBuilder();
        for (String asked : nicks.subList(0, Math.min(5, nicks.size()))) {
            Person holder = chat.nicknames().find(asked);
            if (holder != null && holder.nick() != null) {
                found.append(found.isEmpty() ? "" : " ").append(holder.nick()).append(holder.operator() != null ? "*" : "")
                        .append('=').append(holder.away() != null ? '-' : '+')
                        .append(usernameOf(holder, holder.nick())).append("@loomchat");
            }
        }
        reply("302", ":" + found);
    }

    /** Who holds a nick on this server: its name, whether away, and the end (nicks on other nodes: 401). */
    private void whois(String nick) {
        Person holder = nick.isEmpty() ? null : chat.nicknames().find(nick);
        String node = holder == null && !nick.isEmpty() ? nodeHolding(nick) : null;
        if (node != null) {
            // Held on another node of the cluster: the nick and where; its away mark and real name stay there.
            reply("311", nick + " " + nick + " loomchat * :" + nick);
            reply("312", nick + " " + node + " :Loomchat (another node of this cluster)");
        } else if (holder == null || holder.nick() == null) {
            reply("401", (nick.isEmpty() ? "*" : nick) + " :No such nick");
        } else {
            String name = holder.nick();
            reply("311", name + " " + usernameOf(holder, name) + " loomchat * :"
                    + realnameOf(holder, name));
            reply("312", name + " " + rendering.server() + " :Loomchat");
            String away = holder.away();
            if (away != null) {
                reply("301", name + " :" + SafeText.neutralize(away));
            }
            if (holder.operator() != null) {
                reply("313", name + " :is an operator");
            }
            if (holder.account() != null) {
                reply("330", name + " " + holder.account() + " :is logged in as");
            }
        }
        reply("318", (nick.isEmpty() ? "*" : nick) + " :End of /WHOIS list");
    }

    /**
     * WHO for a nick or a mask (* and ? wildcards): everyone is invisible (+i), so a mask matches this
     * client and those who share a room with it; an exact nick is shown wherever it is held on this node.
     */
    private void who(String mask) {
        String asked = mask.isEmpty() ? "*" : mask;
        TreeSet<String> nicks = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        if (!asked.contains("*") && !asked.contains("?")) {
            Person holder = chat.nicknames().find(asked);
            if (holder != null && holder.nick() != null) {
                nicks.add(holder.nick());
            }
        } else {
            StringBuilder regex = new StringBuilder();
            for (String part : asked.split("(?=[*?])|(?<=[*?])")) {
                regex.append(part.equals("*") ? ".*" : part.equals("?") ? "." : Pattern.quote(part));
            }
            Pattern pattern = Pattern.compile(regex.toString(),
                    Pattern.CASE_INSENSITIVE);
            nicks.add(client.nick());
            for (String roomName : client.rooms().names()) {
                Room room = chat.rooms().find(roomName);
                if (room != null) {
                    room.members().forEach(member -> nicks.add(member.nick()));
                }
            }
            nicks.removeIf(n -> !pattern.matcher(n).matches());
        }
        int shown = 0;
        for (String nick : nicks) {
            if (++shown > IrcFront.MAX_WHO_REPLIES) {
                reply("315", asked + " :End of /WHO list (the first " + IrcFront.MAX_WHO_REPLIES + " only)");
                return;
            }
            Person holder = chat.nicknames().find(nick);
            send(rendering.whoReply(front.target(), "*", nick, holder != null && holder.away() != null).stripTrailing());
        }
        reply("315", asked + " :End of /WHO list");
    }

    /** In a cluster, the node holding {@code nick}; null on a single node, when nobody holds it, or NATS is away. */
    private String nodeHolding(String nick) {
        return chat.elsewhere().nodeHolding(nick);
    }

    private void reply(String numeric, String rest) {
        front.reply(numeric, rest);
    }

    private void send(String line) {
        front.send(line);
    }
}
