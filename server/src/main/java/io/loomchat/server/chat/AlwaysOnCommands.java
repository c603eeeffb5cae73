package io.loomchat.server.chat;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.PrivateMessage;
import io.loomchat.protocol.ProtocolException;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.Request.Replay;
import io.loomchat.server.account.AccountBook.Account;
import io.loomchat.server.account.AlwaysOn;
import io.loomchat.server.delivery.DeliveryBatch;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An account in the chat while none of its clients is connected, and when one comes back: it stays in
 * its rooms (across restarts too), its read markers move on every device at once, private messages wait
 * for it, and a device that logs in hears, room by room, what was said since its marker. What is kept lives
 * in {@link AlwaysOn}; this class keeps it in step with the chat. Run by a client's read loop, in its
 * person's turn (and once at start, by {@link #restore}).
 */
final class AlwaysOnCommands {

    private static final Logger LOG = LoggerFactory.getLogger(AlwaysOnCommands.class);

    private final Client client;
    private final ChatContext chat;
    private final Commands commands;

    AlwaysOnCommands(Client client, ChatContext chat, Commands commands) {
        this.client = client;
        this.chat = chat;
        this.commands = commands;
    }

    private AlwaysOn kept() {
        return chat.accounts().alwaysOn();
    }

    /** At start: every account back in the rooms it was in, with no device yet (shown offline). */
    static int restore(ChatContext chat, DeliveryBatch batch) {
        int people = 0;
        for (Map.Entry<String, List<String>> e : chat.accounts().alwaysOn().everyonesRooms().entrySet()) {
            Account account = chat.accounts().holderOf(e.getKey());
            Person person = account == null ? null : chat.nicknames().restore(account.name());
            if (person == null) {
                continue; // dropped meanwhile, or someone's nick
            }
            for (String name : e.getValue()) {
                Room room = chat.rooms().join(name, person, batch, null, Replay.last(0));
                if (room != null) {
                    person.rooms().joined(room);
                }
            }
            people++;
        }
        return people;
    }

    /** The person of this client is in {@code room} now: kept, if it is an account. */
    void joined(Room room) {
        String account = client.account();
        if (account != null) {
            try {
                kept().joined(account, room.name());
            } catch (IOException e) {
                LOG.error("keeping that {} is in {}: {}", account, room.name(), e.toString());
            }
        }
    }

    /** {@code person} left {@code room} (or was kicked from it): no longer kept. */
    static void left(ChatContext chat, Person person, Room room) {
        String account = person.account();
        if (account != null) {
            try {
                chat.accounts().alwaysOn().left(account, room.name());
            } catch (IOException e) {
                LOG.error("keeping that {} left {}: {}", account, room.name(), e.toString());
            }
        }
    }

    /** The replay a device of this person gets on coming back to {@code room}: what was said since its marker. */
    Replay sinceMarker(Room room, Replay asked) {
        long marker = client.account() == null ? 0 : kept().readUpTo(client.account(), room.name());
        return marker > 0 ? Replay.after(marker) : asked;
    }

    /** Tells this device where its account's marker is in {@code room}, and how much is unread after it. */
    void tellMarker(Room room) {
        if (client.account() != null) {
            long marker = kept().readUpTo(client.account(), room.name());
            client.send(new Event.Read(room.name(), marker, Math.max(0, room.lastId() - marker), null));
        }
    }

    /** The private messages that waited for this account, to this device, in order; no longer kept after. */
    void deliverWaiting() {
        if (client.account() == null) {
            return;
        }
        try {
            for (String line : kept().takeWaiting(client.account())) {
                client.send(Codec.decodeEvent(line));
            }
        } catch (IOException | ProtocolException e) {
            LOG.error("private messages waiting for {}: {}", client.account(), e.toString());
        }
    }

    /**
     * A private message to an account that no client of is connected: kept until it comes back. False if
     * {@code to} is no account; a refusal if too many wait already or it cannot be kept.
     */
    boolean keptFor(String to, PrivateMessage message) throws Refusal {
        Account account = chat.accounts().holderOf(to);
        if (account == null) {
            return false;
        }
        PrivateMessage addressed = new PrivateMessage(message.from(), account.name(), message.text(), message.action(),
                message.ts(), null);
        try {
            if (!kept().keepWaiting(account.name(), Codec.encodeToString(addressed))) {
                throw new Refusal(ErrorCode.UNAVAILABLE, account.name() + " has " + AlwaysOn.MAX_WAITING
                        + " private messages waiting already; try again once they have read them");
            }
        } catch (IOException e) {
            throw new Refusal(ErrorCode.STORAGE_FAILED, "the server could not keep the message for " + account.name()
                    + " (" + e.getMessage() + "); it was not sent");
        }
        return true;
    }

    /** The person has read {@code room} up to an id: every device of its account hears the marker move. */
    void markRead(Request.MarkRead r) throws Refusal {
        String account = client.account();
        if (account == null) {
            throw new Refusal(ErrorCode.NOT_LOGGED_IN, "read markers are kept for accounts: log in first");
        }
        Room room = commands.memberRoom(r.room());
        long last = room.lastId();
        long id = Math.min(r.id(), last); // a marker past the last message would hide the next ones
        boolean moved;
        try {
            moved = kept().markRead(account, room.name(), id);
        } catch (IOException e) {
            throw new Refusal(ErrorCode.STORAGE_FAILED, "the server could not keep the read marker (" + e.getMessage() + ")");
        }
        long marker = kept().readUpTo(account, room.name());
        Event.Read read = new Event.Read(room.name(), marker, Math.max(0, last - marker), null);
        Event.Read own = new Event.Read(room.name(), marker, read.unread(), r.ref());
        if (moved) {
            client.person().deliverOwn(client, own, null, read, null, client.batch(), client.batch());
        } else {
            client.send(own); // where it is: further already, from another device
        }
    }
}
