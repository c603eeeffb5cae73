package io.loomchat.server.chat;

import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Names;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.SafeText;
import io.loomchat.server.delivery.CloseReason;
import io.loomchat.server.guard.Moderation;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' commands (oper, kick, ban, unban, mute, unmute), run by an operator's read loop. Each
 * checks that its client is an operator first; what they decide is kept in {@link Moderation}.
 */
public final class OperatorCommands {

    private static final Logger LOG = LoggerFactory.getLogger(OperatorCommands.class);

    private final Client client;
    private final ChatContext chat;
    private final Commands commands; // the shared preconditions: current room, room and nick rules

    OperatorCommands(Client client, ChatContext chat, Commands commands) {
        this.client = client;
        this.chat = chat;
        this.commands = commands;
    }

    /** Failed operator logins after which a connection is closed: PBKDF2 makes each guess cost the chat. */
    public static final int MAX_OPER_FAILURES = 3;

    void oper(Request.Oper r) throws Refusal {
        if (!chat.hasOperators()) {
            throw new Refusal(ErrorCode.OPER_FAILED, "this server has no operators (no --operators-file)");
        }
        if (!chat.verifyOperator(r.name(), r.password())) {
            LOG.warn("failed operator login as {} from {}", SafeText.neutralize(r.name()), client.peer());
            if (client.operFailed() >= MAX_OPER_FAILURES) {
                client.disconnect(CloseReason.OPER_FAILED, MAX_OPER_FAILURES + " failed operator logins");
                return;
            }
            throw new Refusal(ErrorCode.OPER_FAILED, "wrong operator name or password");
        }
        client.setOperator(r.name());
        LOG.info("operator login: {} is operator {} from {}", client.nick(), SafeText.neutralize(r.name()), client.peer());
        client.send(new Event.Notice("you are now an operator (" + r.name() + "): /kick, /ban, /mute", r.ref()));
    }

    void kick(Request.Kick r) throws Refusal {
        requireOperator();
        Room room = existingRoom(r.room());
        if (chat.elsewhere().reachesOtherNodes() && chat.nicknames().find(r.nick()) == null) {
            // In a cluster the person may be in the room through another node: that node carries it out.
            commands.checkNick(r.nick());
            tellOtherNodes(new Request.Kick(room.name(), r.nick(), r.reason() == null ? null : Commands.cut(r.reason()), null));
            LOG.info("{} kicked {} from {} (on another node)", client.nick(), r.nick(), room.name());
            client.send(new Event.Notice("asked the other nodes to kick " + r.nick() + " from " + room.name(), r.ref()));
            return;
        }
        Person target = memberOf(room, r.nick());
        String reason = "kicked by " + client.nick() + (r.reason() == null || r.reason().isBlank() ? "" : ": " + Commands.cut(r.reason()));
        target.rooms().kickedFrom(room);
        AlwaysOnCommands.left(chat, target, room);
        chat.rooms().remove(room, target, client.batch(), reason);
        LOG.info("{} kicked {} from {}", client.nick(), target.nick(), room.name());
        client.send(new Event.Notice("kicked " + target.nick() + " from " + room.name(), r.ref()));
    }

    void ban(Request.Ban r) throws Refusal {
        requireOperator();
        if ((r.nick() == null) == (r.address() == null)) {
            throw new Refusal(ErrorCode.BAD_FIELD, "give 'nick' or 'address', one of them");
        }
        Moderation.Sanction sanction = chat.moderation().sanction(length(r.seconds()),
                r.reason() == null || r.reason().isBlank() ? null : Commands.cut(r.reason()), client.nick());
        InetAddress address;
        String what;
        if (r.nick() != null) {
            commands.checkNick(r.nick());
            Person target = chat.nicknames().find(r.nick());
            // The address only when asked: others may connect from it too (a NAT, a shared machine).
            address = target == null || !r.withAddress() ? null : target.address();
            chat.moderation().ban(r.nick(), address, sanction);
            what = "the nick " + r.nick() + (address != null ? " and the address " + Moderation.text(address)
                    : target != null ? " (not its address " + Moderation.text(target.address()) + "; add +address for that)"
                    : r.withAddress() ? " (no one holds it now, so no address)" : "");
        } else {
            address = ipLiteral(r.address());
            chat.moderation().ban(address, sanction);
            what = "the address " + Moderation.text(address);
        }
        String why = "by " + client.nick() + " " + chat.moderation().left(sanction)
                + (sanction.reason() == null ? "" : ": " + sanction.reason());
        List<String> closed = closeBanned(chat, r.nick(), address, why, client);
        LOG.info("{} banned {} {}", client.nick(), what, chat.moderation().left(sanction)
                + (sanction.reason() == null ? "" : ": " + sanction.reason()));
        tellOtherNodes(new Request.Ban(r.nick(), address == null ? null : address.getHostAddress(), r.seconds(),
                sanction.reason(), false, null));
        // Name everyone it closed: an address ban also reaches whoever shares that address.
        client.send(new Event.Notice("banned " + what + " " + chat.moderation().left(sanction) + "; "
                + (closed.isEmpty() ? "no connection closed" : "closed " + closed.size() + " connection(s): "
                + String.join(", ", closed.subList(0, Math.min(closed.size(), 20)))
                + (closed.size() > 20 ? " and " + (closed.size() - 20) + " more" : "")), r.ref()));
    }

    void unban(Request.Unban r) throws Refusal {
        requireOperator();
        if ((r.nick() == null) == (r.address() == null)) {
            throw new Refusal(ErrorCode.BAD_FIELD, "give 'nick' or 'address', one of them");
        }
        String reply;
        if (r.nick() != null) {
            Moderation.Sanction lifted = chat.moderation().unban(r.nick());
            reply = lifted == null ? "the nick " + r.nick() + " was not banned"
                    : "lifted the ban on the nick " + r.nick() + (lifted.address() == null ? ""
                    : " and on the address " + Moderation.text(lifted.address()) + " banned with it");
        } else {
            InetAddress address = ipLiteral(r.address());
            reply = chat.moderation().unban(address) ? "lifted the ban on the address " + Moderation.text(address)
                    : "the address " + Moderation.text(address) + " was not banned";
        }
        tellOtherNodes(new Request.Unban(r.nick(), r.address(), null));
        client.send(new Event.Notice(reply, r.ref()));
    }

    void mute(Request.Mute r) throws Refusal {
        requireOperator();
        Room room = existingRoom(r.room());
        if (chat.elsewhere().reachesOtherNodes() && chat.nicknames().find(r.nick()) == null) {
            // In a cluster the person may be on another node: the mute is kept everywhere, and enforced by
            // the node they speak on.
            commands.checkNick(r.nick());
            Moderation.Sanction sanction = chat.moderation().sanction(length(r.seconds()), null, client.nick());
            chat.moderation().mute(room.name(), r.nick(), sanction);
            tellOtherNodes(new Request.Mute(room.name(), r.nick(), r.seconds(), null));
            client.send(new Event.Notice("muted " + r.nick() + " in " + room.name() + " " + chat.moderation().left(sanction)
                    + " (on every node)", r.ref()));
            return;
        }
        Person target = memberOf(room, r.nick());
        Moderation.Sanction sanction = chat.moderation().sanction(length(r.seconds()), null, client.nick());
        chat.moderation().mute(room.name(), target.nick(), sanction);
        String left = chat.moderation().left(sanction);
        target.deliver(new Event.Notice(client.nick() + " muted you in " + room.name() + " " + left, null), null, client.batch());
        tellOtherNodes(new Request.Mute(room.name(), target.nick(), r.seconds(), null));
        client.send(new Event.Notice("muted " + target.nick() + " in " + room.name() + " " + left, r.ref()));
    }

    void unmute(Request.Unmute r) throws Refusal {
        requireOperator();
        Room room = existingRoom(r.room());
        boolean lifted = chat.moderation().unmute(room.name(), r.nick());
        Person target = chat.nicknames().find(r.nick());
        if (lifted && target != null) {
            target.deliver(new Event.Notice("you may speak in " + room.name() + " again", null), null, client.batch());
        }
        tellOtherNodes(new Request.Unmute(room.name(), r.nick(), null));
        client.send(new Event.Notice(lifted ? "unmuted " + r.nick() + " in " + room.name()
                : r.nick() + " was not muted in " + room.name(), r.ref()));
    }

    /** In a cluster: the other nodes apply the same kick, ban or mute (see {@link ModerationFromElsewhere}). */
    private void tellOtherNodes(Request request) {
        chat.elsewhere().announceModeration(request, client.nick());
    }

    /**
     * Closes every connection here that a ban of {@code nick} or {@code address} covers, but {@code spared}:
     * a nick ban reaches whoever holds the nick, an address ban spares operators (PROTOCOL.md). Returns
     * the nicks closed ("(unregistered)" for connections before hello).
     */
    static List<String> closeBanned(ChatContext chat, String nick, InetAddress address, String why, Client spared) {
        List<String> closed = new ArrayList<>();
        for (Client other : chat.connected()) {
            boolean byNick = nick != null && other.registered() && Names.skeleton(other.nick()).equals(Names.skeleton(nick));
            boolean byAddress = address != null && other.address().equals(address) && other.operator() == null;
            if ((byNick || byAddress) && other != spared && other.disconnect(CloseReason.BANNED, why)) {
                closed.add(other.registered() ? other.nick() : "(unregistered)");
            }
        }
        return closed;
    }

    void requireOperator() throws Refusal {
        if (client.operator() == null) {
            throw new Refusal(ErrorCode.NOT_OPERATOR, "operators only; log in with /oper NAME PASSWORD");
        }
    }

    private Room existingRoom(String requested) throws Refusal {
        String name = requested == null ? commands.currentRoom().name() : Commands.room(requested);
        Room room = chat.rooms().find(name);
        if (room == null) {
            throw new Refusal(ErrorCode.NO_SUCH_ROOM, "no room called " + name);
        }
        return room;
    }

    private Person memberOf(Room room, String nick) throws Refusal {
        Person target = chat.nicknames().find(nick);
        if (target == null) {
            throw new Refusal(ErrorCode.NO_SUCH_NICK, "no one is called " + nick);
        }
        if (!room.members().contains(target)) {
            throw new Refusal(ErrorCode.NOT_IN_ROOM, target.nick() + " is not in " + room.name());
        }
        return target;
    }

    /** Absent: the server's default; 0: until the server restarts. */
    private Duration length(Long seconds) {
        return seconds == null ? chat.config().defaultSanction() : Duration.ofSeconds(seconds);
    }

    /** An IP address written out, never a name: resolving names here would block on DNS. */
    static InetAddress ipLiteral(String address) throws Refusal {
        String a = address.strip();
        boolean literal = a.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (a.contains(":") && a.matches("[0-9A-Fa-f:.]+"));
        if (!literal) {
            throw new Refusal(ErrorCode.BAD_FIELD, "'address' must be an IPv4 or IPv6 address, not " + SafeText.neutralize(a));
        }
        try {
            return InetAddress.getByName(a); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new Refusal(ErrorCode.BAD_FIELD, "'address' is not a valid IP address: " + SafeText.neutralize(a));
        }
    }
}
