package io.loomchat.server.chat;

import io.loomchat.server.ChatServer;
import io.loomchat.server.cluster.ClusterLink;
import io.loomchat.server.cluster.ClusterUnavailable;
import io.loomchat.server.connection.Acked;
import io.loomchat.server.connection.Session;
import io.loomchat.server.guard.Moderation;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.Event.PrivateMessage;
import io.loomchat.protocol.Request.Msg;
import io.loomchat.protocol.Request.Say;

/**
 * Saying something: a line to a room ({@code say}) or to one person ({@code msg}). A line re-sent after
 * a reconnect with a ref the server already acknowledged is acknowledged again and said once.
 */
final class MessageCommands {

    private final Session session;
    private final ChatServer server;
    private final Commands commands; // the shared preconditions

    MessageCommands(Session session, Commands commands) {
        this.session = session;
        this.server = session.server();
        this.commands = commands;
    }

    void say(Say r) throws Refusal {
        requireText(r.text());
        Room room = commands.memberRoom(r.room());
        Acked earlier = session.resume().resentLine(r.ref());
        if (earlier != null && earlier.isSay() && earlier.sameText(r.text())) {
            // Said on a connection that died before the ack arrived: acknowledge it again, say it once.
            session.send(earlier.message(r.text(), r.action(), r.ref()));
            return;
        }
        Moderation.Sanction muted = server.moderation().muteOf(room.name(), session.nick());
        if (muted != null) {
            throw new Refusal(ErrorCode.MUTED, "you are muted in " + room.name() + " " + server.moderation().left(muted));
        }
        int maxStored = 2 * server.config().maxLineBytes();
        // Six bytes a character at most: only a text that long can be over, so most lines are not measured.
        int stored = 6L * r.text().length() + 2 <= maxStored ? 0 : Codec.jsonStringBytes(r.text());
        if (stored > maxStored) {
            // Escaping can make a line up to six times longer on the wire and in the journal: a line of
            // control characters would cost every member and the disk far more than it cost its sender.
            throw new Refusal(ErrorCode.INVALID_TEXT, "the text takes " + stored + " bytes once escaped, more than "
                    + "twice max-line-bytes=" + server.config().maxLineBytes() + " (mostly control characters?)");
        }
        ClusterLink cluster = server.cluster();
        if (cluster != null) {
            // Stored in the cluster's stream first; every member, the sender too, hears it from there.
            try {
                cluster.say(room.name(), session, session.lineage(), r.text(), r.action(), r.ref(), server.clock().instant(),
                        session.linesInFlight(), session::deliverLater);
            } catch (ClusterUnavailable e) {
                throw new Refusal(ErrorCode.UNAVAILABLE, "cluster unavailable: line not said, send it again soon");
            }
            return;
        }
        ChatMessage said = room.say(session, session.batch(), r.text(), r.action(), r.ref());
        if (said == null) {
            throw new Refusal(ErrorCode.STORAGE_FAILED, "the server could not store the message; it was not said");
        }
        session.resume().acknowledged(r.ref(), Acked.of(said));
    }

    void msg(Msg r) throws Refusal {
        requireText(r.text());
        Acked earlier = session.resume().resentLine(r.ref());
        if (earlier != null && !earlier.isSay() && earlier.sameText(r.text())) {
            session.send(earlier.privateMessage(r.text(), r.action(), r.ref())); // echo again, deliver once
            return;
        }
        Session target = server.nicknames().find(r.to());
        if (target == null && server.mesh() != null) {
            elsewhere(r);
            return;
        }
        if (target == null) {
            throw new Refusal(ErrorCode.NO_SUCH_NICK, "no one is called " + r.to());
        }
        PrivateMessage message = new PrivateMessage(session.nick(), target.nick(), r.text(), r.action(),
                server.clock().instant(), null);
        String away = target.away();
        if (away != null && target != session) {
            session.send(new Event.Away(target.nick(), away, null)); // as IRC's RPL_AWAY: they may not answer soon
        }
        if (target != session) {
            target.deliver(message, null, session.batch()); // encoded or rendered as the target reads
        }
        echo(message, r.ref());
    }

    /** The sender's copy of a delivered private message, with its ref: the acknowledgement, remembered for a resume. */
    private void echo(PrivateMessage message, String ref) {
        PrivateMessage echo = new PrivateMessage(message.from(), message.to(), message.text(), message.action(),
                message.ts(), ref);
        session.send(echo);
        session.resume().acknowledged(ref, Acked.of(echo));
    }

    /** In a cluster: a private message to someone on another node, handed over through NATS. */
    private void elsewhere(Msg r) throws Refusal {
        String node;
        try {
            node = server.clusterNicks().holderNode(io.loomchat.protocol.Names.skeleton(r.to()));
        } catch (ClusterUnavailable e) {
            throw new Refusal(ErrorCode.UNAVAILABLE, "the cluster cannot reach " + r.to() + " now; try again in a moment");
        }
        if (node == null) {
            throw new Refusal(ErrorCode.NO_SUCH_NICK, "no one is called " + r.to());
        }
        PrivateMessage message = new PrivateMessage(session.nick(), r.to(), r.text(), r.action(), server.clock().instant(), null);
        switch (server.mesh().sendPrivate(node, message)) {
            case DELIVERED -> echo(message, r.ref());
            case NOT_THERE -> throw new Refusal(ErrorCode.NO_SUCH_NICK, "no one is called " + r.to());
            case UNAVAILABLE -> throw new Refusal(ErrorCode.UNAVAILABLE, "the node of " + r.to()
                    + " does not answer now; the message was not delivered");
        }
    }

    private static void requireText(String text) throws Refusal {
        if (text.isBlank()) {
            throw new Refusal(ErrorCode.INVALID_TEXT, "text is empty");
        }
    }
}
