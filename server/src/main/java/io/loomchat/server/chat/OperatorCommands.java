package io.loomchat.server.chat;

import io.loomchat.server.ChatServer;
import io.loomchat.server.connection.CloseReason;
import io.loomchat.server.connection.Session;
import io.loomchat.server.guard.Moderation;

import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Names;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.SafeText;
import java.net.InetAddress;

/**
 * The operators' commands (oper, kick, ban, unban, mute, unmute), run by an operator's read loop. Each
 * checks that its session is an operator first; what they decide is kept in {@link Moderation}.
 */
public final class OperatorCommands {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OperatorCommands.class);

    private final Session session;
    private final ChatServer server;
    private final Commands commands; // the shared preconditions: current room, room and nick rules

    public OperatorCommands(Session session, Commands commands) {
        this.session = session;
        this.server = session.server();
        this.commands = commands;
    }

    /** Failed operator logins after which a connection is closed: PBKDF2 makes each guess cost the server. */
    public static final int MAX_OPER_FAILURES = 3;

    void oper(Request.Oper r) throws Refusal {
        if (!server.hasOperators()) {
            throw new Refusal(ErrorCode.OPER_FAILED, "this server has no operators (no --operators-file)");
        }
        if (!server.verifyOperator(r.name(), r.password())) {
            LOG.warn("failed operator login as {} from {}", SafeText.neutralize(r.name()), session.peer());
            if (session.operFailed() >= MAX_OPER_FAILURES) {
                session.disconnect(CloseReason.OPER_FAILED, MAX_OPER_FAILURES + " failed operator logins");
                return;
            }
            throw new Refusal(ErrorCode.OPER_FAILED, "wrong operator name or password");
        }
        session.setOperator(r.name());
        LOG.info("operator login: {} is operator {} from {}", session.nick(), SafeText.neutralize(r.name()), session.peer());
        session.send(new Event.Notice("you are now an operator (" + r.name() + "): /kick, /ban, /mute", r.ref()));
    }

    void kick(Request.Kick r) throws Refusal {
        requireOperator();
        Room room = existingRoom(r.room());
        if (server.mesh() != null && server.nicknames().find(r.nick()) == null) {
            // In a cluster the person may be in the room through another node: that node carries it out.
            commands.checkNick(r.nick());
            tellOtherNodes(new Request.Kick(room.name(), r.nick(), r.reason() == null ? null : Commands.cut(r.reason()), null));
            LOG.info("{} kicked {} from {} (on another node)", session.nick(), r.nick(), room.name());
            session.send(new Event.Notice("asked the other nodes to kick " + r.nick() + " from " + room.name(), r.ref()));
            return;
        }
        Session target = memberOf(room, r.nick());
        String reason = "kicked by " + session.nick() + (r.reason() == null || r.reason().isBlank() ? "" : ": " + Commands.cut(r.reason()));
        target.rooms().kickedFrom(room);
        server.rooms().remove(room, target, session.batch(), reason);
        LOG.info("{} kicked {} from {}", session.nick(), target.nick(), room.name());
        session.send(new Event.Notice("kicked " + target.nick() + " from " + room.name(), r.ref()));
    }

    void ban(Request.Ban r) throws Refusal {
        requireOperator();
        if ((r.nick() == null) == (r.address() == null)) {
            throw new Refusal(ErrorCode.BAD_FIELD, "give 'nick' or 'address', one of them");
        }
        Moderation.Sanction sanction = server.moderation().sanction(length(r.seconds()),
                r.reason() == null || r.reason().isBlank() ? null : Commands.cut(r.reason()), session.nick());
        InetAddress address;
        String what;
        if (r.nick() != null) {
            commands.checkNick(r.nick());
            Session target = server.nicknames().find(r.nick());
            // The address only when asked: others may connect from it too (a NAT, a shared machine).
            address = target == null || !r.withAddress() ? null : target.address();
            server.moderation().ban(r.nick(), address, sanction);
            what = "the nick " + r.nick() + (address != null ? " and the address " + Moderation.text(address)
                    : target != null ? " (not its address " + Moderation.text(target.address()) + "; add +address for that)"
                    : r.withAddress() ? " (no one holds it now, so no address)" : "");
        } else {
            address = ipLiteral(r.address());
            server.moderation().ban(address, sanction);
            what = "the address " + Moderation.text(address);
        }
        String why = "by " + session.nick() + " " + server.moderation().left(sanction)
                + (sanction.reason() == null ? "" : ": " + sanction.reason());
        java.util.List<String> closed = new java.util.ArrayList<>();
        for (Session other : server.sessions()) {
            // A nick ban reaches whoever holds the nick; an address ban spares operators (PROTOCOL.md).
            boolean byNick = r.nick() != null && other.registered() && Names.skeleton(other.nick()).equals(Names.skeleton(r.nick()));
            boolean byAddress = address != null && other.address().equals(address) && other.operator() == null;
            if ((byNick || byAddress) && other != session && other.disconnect(CloseReason.BANNED, why)) {
                closed.add(other.registered() ? other.nick() : "(unregistered)");
            }
        }
        LOG.info("{} banned {} {}", session.nick(), what, server.moderation().left(sanction)
                + (sanction.reason() == null ? "" : ": " + sanction.reason()));
        tellOtherNodes(new Request.Ban(r.nick(), address == null ? null : address.getHostAddress(), r.seconds(),
                sanction.reason(), false, null));
        // Name everyone it closed: an address ban also reaches whoever shares that address.
        session.send(new Event.Notice("banned " + what + " " + server.moderation().left(sanction) + "; "
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
            Moderation.Sanction lifted = server.moderation().unban(r.nick());
            reply = lifted == null ? "the nick " + r.nick() + " was not banned"
                    : "lifted the ban on the nick " + r.nick() + (lifted.address() == null ? ""
                    : " and on the address " + Moderation.text(lifted.address()) + " banned with it");
        } else {
            InetAddress address = ipLiteral(r.address());
            reply = server.moderation().unban(address) ? "lifted the ban on the address " + Moderation.text(address)
                    : "the address " + Moderation.text(address) + " was not banned";
        }
        tellOtherNodes(new Request.Unban(r.nick(), r.address(), null));
        session.send(new Event.Notice(reply, r.ref()));
    }

    void mute(Request.Mute r) throws Refusal {
        requireOperator();
        Room room = existingRoom(r.room());
        if (server.mesh() != null && server.nicknames().find(r.nick()) == null) {
            // In a cluster the person may be on another node: the mute is kept everywhere, and enforced by
            // the node they speak on.
            commands.checkNick(r.nick());
            Moderation.Sanction sanction = server.moderation().sanction(length(r.seconds()), null, session.nick());
            server.moderation().mute(room.name(), r.nick(), sanction);
            tellOtherNodes(new Request.Mute(room.name(), r.nick(), r.seconds(), null));
            session.send(new Event.Notice("muted " + r.nick() + " in " + room.name() + " " + server.moderation().left(sanction)
                    + " (on every node)", r.ref()));
            return;
        }
        Session target = memberOf(room, r.nick());
        Moderation.Sanction sanction = server.moderation().sanction(length(r.seconds()), null, session.nick());
        server.moderation().mute(room.name(), target.nick(), sanction);
        String left = server.moderation().left(sanction);
        target.deliver(new Event.Notice(session.nick() + " muted you in " + room.name() + " " + left, null), null, session.batch());
        tellOtherNodes(new Request.Mute(room.name(), target.nick(), r.seconds(), null));
        session.send(new Event.Notice("muted " + target.nick() + " in " + room.name() + " " + left, r.ref()));
    }

    void unmute(Request.Unmute r) throws Refusal {
        requireOperator();
        Room room = existingRoom(r.room());
        boolean lifted = server.moderation().unmute(room.name(), r.nick());
        Session target = server.nicknames().find(r.nick());
        if (lifted && target != null) {
            target.deliver(new Event.Notice("you may speak in " + room.name() + " again", null), null, session.batch());
        }
        tellOtherNodes(new Request.Unmute(room.name(), r.nick(), null));
        session.send(new Event.Notice(lifted ? "unmuted " + r.nick() + " in " + room.name()
                : r.nick() + " was not muted in " + room.name(), r.ref()));
    }

    /** In a cluster: the other nodes apply the same kick, ban or mute (see {@link #applyFromAnotherNode}). */
    private void tellOtherNodes(Request request) {
        if (server.mesh() != null) {
            server.mesh().announceModeration(request, session.nick());
        }
    }

    /**
     * A kick, ban, unban, mute or unmute an operator made on another node, applied here: a kick removes the
     * person if they are in the room here; bans and mutes are kept in this node's moderation, and a ban
     * closes whoever it covers here, as on the operator's own node.
     */
    static void applyFromAnotherNode(ChatServer server, Request request, String by,
                                     io.loomchat.server.connection.DeliveryBatch batch) {
        Moderation moderation = server.moderation();
        java.time.Duration defaults = server.config().defaultSanction();
        switch (request) {
            case Request.Ban b -> {
                Moderation.Sanction sanction = moderation.sanction(b.seconds() == null ? defaults
                        : java.time.Duration.ofSeconds(b.seconds()), b.reason(), by);
                InetAddress address = null;
                if (b.address() != null) {
                    try {
                        address = ipLiteral(b.address());
                    } catch (Refusal e) {
                        LOG.warn("a ban from another node names no address: {}", e.getMessage());
                        return;
                    }
                }
                if (b.nick() != null) {
                    moderation.ban(b.nick(), address, sanction);
                } else if (address != null) {
                    moderation.ban(address, sanction);
                }
                String why = "by " + by + " " + moderation.left(sanction) + (sanction.reason() == null ? "" : ": " + sanction.reason());
                for (Session other : server.sessions()) {
                    boolean byNick = b.nick() != null && other.registered() && Names.skeleton(other.nick()).equals(Names.skeleton(b.nick()));
                    boolean byAddress = address != null && other.address().equals(address) && other.operator() == null;
                    if (byNick || byAddress) {
                        other.disconnect(CloseReason.BANNED, why);
                    }
                }
                LOG.info("{} (on another node) banned {}{}", by, b.nick() != null ? "the nick " + b.nick() : "",
                        address != null ? " the address " + Moderation.text(address) : "");
            }
            case Request.Unban u -> {
                if (u.nick() != null) {
                    moderation.unban(u.nick());
                } else if (u.address() != null) {
                    try {
                        moderation.unban(ipLiteral(u.address()));
                    } catch (Refusal e) {
                        LOG.warn("an unban from another node names no address: {}", e.getMessage());
                    }
                }
            }
            case Request.Mute m -> {
                Moderation.Sanction sanction = moderation.sanction(m.seconds() == null ? defaults
                        : java.time.Duration.ofSeconds(m.seconds()), null, by);
                moderation.mute(m.room(), m.nick(), sanction);
                Session target = server.nicknames().find(m.nick());
                if (target != null) {
                    target.deliver(new Event.Notice(by + " muted you in " + m.room() + " " + moderation.left(sanction), null), null, batch);
                }
            }
            case Request.Kick k -> {
                Session target = server.nicknames().find(k.nick());
                Room room = server.rooms().find(k.room());
                if (target != null && room != null && room.members().contains(target)) {
                    String reason = "kicked by " + by + (k.reason() == null || k.reason().isBlank() ? "" : ": " + k.reason());
                    target.rooms().kickedFrom(room);
                    server.rooms().remove(room, target, batch, reason);
                    LOG.info("{} (on another node) kicked {} from {}", by, target.nick(), room.name());
                }
            }
            case Request.Unmute u -> {
                if (moderation.unmute(u.room(), u.nick())) {
                    Session target = server.nicknames().find(u.nick());
                    if (target != null) {
                        target.deliver(new Event.Notice("you may speak in " + u.room() + " again", null), null, batch);
                    }
                }
            }
            default -> LOG.warn("not a moderation request from another node: {}", request.getClass().getSimpleName());
        }
    }

    private void requireOperator() throws Refusal {
        if (session.operator() == null) {
            throw new Refusal(ErrorCode.NOT_OPERATOR, "operators only; log in with /oper NAME PASSWORD");
        }
    }

    private Room existingRoom(String requested) throws Refusal {
        String name = requested == null ? commands.currentRoom().name() : Commands.room(requested);
        Room room = server.rooms().find(name);
        if (room == null) {
            throw new Refusal(ErrorCode.NO_SUCH_ROOM, "no room called " + name);
        }
        return room;
    }

    private Session memberOf(Room room, String nick) throws Refusal {
        Session target = server.nicknames().find(nick);
        if (target == null) {
            throw new Refusal(ErrorCode.NO_SUCH_NICK, "no one is called " + nick);
        }
        if (!room.members().contains(target)) {
            throw new Refusal(ErrorCode.NOT_IN_ROOM, target.nick() + " is not in " + room.name());
        }
        return target;
    }

    /** Absent: the server's default; 0: until the server restarts. */
    private java.time.Duration length(Long seconds) {
        return seconds == null ? server.config().defaultSanction() : java.time.Duration.ofSeconds(seconds);
    }

    /** An IP address written out, never a name: resolving names here would block on DNS. */
    private static InetAddress ipLiteral(String address) throws Refusal {
        String a = address.strip();
        boolean literal = a.matches("\\d{1,3}(\\.\\d{1,3}){3}") || (a.contains(":") && a.matches("[0-9A-Fa-f:.]+"));
        if (!literal) {
            throw new Refusal(ErrorCode.BAD_FIELD, "'address' must be an IPv4 or IPv6 address, not " + SafeText.neutralize(a));
        }
        try {
            return InetAddress.getByName(a); // a literal: parsed, never looked up
        } catch (java.net.UnknownHostException e) {
            throw new Refusal(ErrorCode.BAD_FIELD, "'address' is not a valid IP address: " + SafeText.neutralize(a));
        }
    }
}
