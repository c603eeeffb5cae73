package io.loomchat.server.chat;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.PrivateMessage;
import io.loomchat.protocol.Request.Msg;
import io.loomchat.protocol.Request.Say;
import io.loomchat.server.guard.Moderation;

/**
 * Saying something: a line to a room ({@code say}) or to one person ({@code msg}). A line re-sent after
 * a reconnect with a ref the server already acknowledged is acknowledged again and said once.
 */
final class MessageCommands {

    private final Client client;
    private final ChatContext chat;
    private final Commands commands; // the shared preconditions

    MessageCommands(Client client, ChatContext chat, Commands commands) {
        this.client = client;
        this.chat = chat;
        this.commands = commands;
    }

    void say(Say r) throws Refusal {
        requireText(r.text());
        Room room = commands.memberRoom(r.room());
        Acked earlier = client.resume().resentLine(r.ref());
        if (earlier != null && earlier.isSay() && earlier.sameText(r.text())) {
            // Said on a connection that died before the ack arrived: acknowledge it again, say it once.
            client.send(earlier.message(r.text(), r.action(), r.ref()));
            return;
        }
        Moderation.Sanction muted = chat.moderation().muteOf(room.name(), client.nick());
        if (muted != null) {
            throw new Refusal(ErrorCode.MUTED, "you are muted in " + room.name() + " " + chat.moderation().left(muted));
        }
        int maxStored = 2 * chat.config().maxLineBytes();
        // Six bytes a character at most: only a text that long can be over, so most lines are not measured.
        int stored = 6L * r.text().length() + 2 <= maxStored ? 0 : Codec.jsonStringBytes(r.text());
        if (stored > maxStored) {
            // Escaping can make a line up to six times longer on the wire and in the journal: a line of
            // control characters would cost every member and the disk far more than it cost its sender.
            throw new Refusal(ErrorCode.INVALID_TEXT, "the text takes " + stored + " bytes once escaped, more than "
                    + "twice max-line-bytes=" + chat.config().maxLineBytes() + " (mostly control characters?)");
        }
        chat.lines().say(room, client, r.text(), r.action(), r.ref());
    }

    void msg(Msg r) throws Refusal {
        requireText(r.text());
        Acked earlier = client.resume().resentLine(r.ref());
        if (earlier != null && !earlier.isSay() && earlier.sameText(r.text())) {
            client.send(earlier.privateMessage(r.text(), r.action(), r.ref())); // echo again, deliver once
            return;
        }
        Person target = chat.nicknames().find(r.to());
        if (target == null || (target.devices().isEmpty() && target.account() != null)) {
            // An account none of whose clients is here: the message waits for it.
            PrivateMessage waiting = new PrivateMessage(client.nick(), r.to(), r.text(), r.action(), chat.clock().instant(), null);
            if (commands.alwaysOn().keptFor(target != null && target.account() != null ? target.account() : r.to(), waiting)) {
                client.send(new Event.Away(target == null ? r.to() : target.nick(), "offline: the message waits", null));
                echo(waiting, r.ref());
            } else {
                elsewhere(r);
            }
            return;
        }
        PrivateMessage message = new PrivateMessage(client.nick(), target.nick(), r.text(), r.action(),
                chat.clock().instant(), null);
        String away = target.away();
        Person sender = client.person();
        if (away != null && target != sender) {
            client.send(new Event.Away(target.nick(), away, null)); // as IRC's RPL_AWAY: they may not answer soon
        }
        if (target != sender) {
            target.deliver(message, null, client.batch()); // encoded or rendered as the target reads
        }
        echo(message, r.ref());
    }

    /**
     * The sender's copy of a delivered private message, with its ref: the acknowledgement, remembered for a
     * resume; the sender's other connections get it too, as sent, so that each shows the conversation.
     */
    private void echo(PrivateMessage message, String ref) {
        PrivateMessage echo = new PrivateMessage(message.from(), message.to(), message.text(), message.action(),
                message.ts(), ref);
        client.person().deliverOwn(client, echo, null, message, null, client.batch(), client.batch());
        client.resume().acknowledged(ref, Acked.of(echo));
    }

    /** Nobody here by that name: in a cluster, maybe someone on another node. */
    private void elsewhere(Msg r) throws Refusal {
        PrivateMessage message = new PrivateMessage(client.nick(), r.to(), r.text(), r.action(), chat.clock().instant(), null);
        switch (chat.elsewhere().sendPrivate(message)) {
            case DELIVERED -> echo(message, r.ref());
            case NOT_THERE -> throw new Refusal(ErrorCode.NO_SUCH_NICK, "no one is called " + r.to());
            case CLUSTER_AWAY -> throw new Refusal(ErrorCode.UNAVAILABLE, "the cluster cannot reach " + r.to()
                    + " now; try again in a moment");
            case NODE_SILENT -> throw new Refusal(ErrorCode.UNAVAILABLE, "the node of " + r.to()
                    + " does not answer now; the message was not delivered");
        }
    }

    private static void requireText(String text) throws Refusal {
        if (text.isBlank()) {
            throw new Refusal(ErrorCode.INVALID_TEXT, "text is empty");
        }
    }
}
