package io.loomchat.server.chat;

import io.loomchat.protocol.Event;
import io.loomchat.server.delivery.Burst;
import io.loomchat.server.delivery.CloseReason;
import io.loomchat.server.delivery.DeliveryBatch;
import io.loomchat.server.delivery.Member;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One person in the chat: the member rooms hold and the holder of a nick, on one connection or on several
 * (a guest has one; an account may be connected from a handful of clients at once). What is said to the
 * person reaches every one of its {@link Client}s; what one of them asked gets its answer (the copy with
 * the ref), and the others the same line as anyone sees it, so that every device shows the same chat.
 *
 * <p>Threading: each device runs its requests on its own read loop, one device at a time ({@link #turn}),
 * so the person's rooms and nick keep one writer at a time. Other threads only deliver.
 */
public final class Person implements Member {

    private volatile String account; // null for a guest, or once the account is dropped
    private final CopyOnWriteArrayList<Client> devices = new CopyOnWriteArrayList<>();
    private final JoinedRooms rooms = new JoinedRooms(); // changed by the device whose turn it is
    private final ReentrantLock turn = new ReentrantLock();
    private volatile String nick; // written by Nicknames only
    private volatile String away; // null unless someone said they are away
    private boolean gone; // in turn: its last device left, its rooms and nick are let go

    Person(String account) {
        this.account = account;
    }

    /** The account this person is, or null for a guest. */
    public String account() {
        return account;
    }

    /** A guest logged in: the person is {@code name} from now on. */
    void becomeAccount(String name) {
        account = name;
    }

    /** An operator dropped the account: the person is a guest from now on. */
    void loseAccount() {
        account = null;
    }

    @Override
    public String nick() {
        return nick;
    }

    void setNick(String newNick) {
        nick = newNick;
    }

    /** Why the person is away: as it said, or "offline" while an account has no client connected. */
    @Override
    public String away() {
        String said = away;
        return said == null && devices.isEmpty() ? "offline" : said;
    }

    void setAway(String reason) {
        away = reason;
    }

    /** The rooms this person is in; changed only by the device whose turn it is. */
    public JoinedRooms rooms() {
        return rooms;
    }

    /** The person's connections now, the first connected first. */
    public List<Client> devices() {
        return devices;
    }

    /** Whether any of its connections logged in as an operator; its name, or null. */
    public String operator() {
        for (Client device : devices) {
            if (device.operator() != null) {
                return device.operator();
            }
        }
        return null;
    }

    /** Where its first connection comes from (a ban "with address" bans that one); null with none. */
    public java.net.InetAddress address() {
        Client first = firstDevice();
        return first == null ? null : first.address();
    }

    /** The first connection, for what IRC's WHOIS shows of a person (user name, real name). */
    public Client firstDevice() {
        return devices.isEmpty() ? null : devices.getFirst();
    }

    void attach(Client device) {
        devices.add(device);
    }

    /**
     * In turn: removes {@code device}; returns whether the person is gone with it: a guest's last connection.
     * An account stays, in its rooms, until it leaves them.
     */
    boolean detach(Client device) {
        devices.remove(device);
        gone = devices.isEmpty() && account == null;
        return gone;
    }

    /** In turn: an account with no connection was dropped; it goes. */
    void leaving() {
        gone = true;
    }

    /** In turn: whether its last connection left, so that a new one cannot join it. */
    boolean gone() {
        return gone;
    }

    /** Takes the person's turn: its only writer until {@link #endTurn}. (No work object: once per request.) */
    void takeTurn() {
        turn.lock();
    }

    void endTurn() {
        turn.unlock();
    }

    /** Runs {@code work} as the person's only writer: one device's request at a time. */
    void inTurn(Runnable work) {
        turn.lock();
        try {
            work.run();
        } finally {
            turn.unlock();
        }
    }

    /** Ends every connection of this person (a ban). Returns how many were ending now. */
    int disconnectAll(CloseReason reason, String detail) {
        int ended = 0;
        for (Client device : devices) {
            ended += device.disconnect(reason, detail) ? 1 : 0;
        }
        return ended;
    }

    @Override
    public void deliver(Event event, byte[] json, DeliveryBatch batch) {
        for (Client device : devices) {
            device.deliver(event, json, batch);
        }
    }

    @Override
    public void deliverAll(Burst burst, DeliveryBatch batch) {
        for (Client device : devices) {
            device.deliverAll(burst, batch); // the device that said a line gets its own copy, by identity
        }
    }

    @Override
    public void deliverOwn(Member requester, Event ownEvent, byte[] ownJson, Event event, byte[] json,
                           DeliveryBatch batch, DeliveryBatch others) {
        for (Client device : devices) {
            if (device == requester || requester == this) {
                device.deliver(ownEvent, ownJson, batch);
            } else {
                device.deliver(event, json, others);
            }
        }
    }

    /** What the smallest outbox among its devices takes at once: a replay must fit every one. */
    @Override
    public long replayBudget() {
        long budget = Long.MAX_VALUE;
        for (Client device : devices) {
            budget = Math.min(budget, device.replayBudget());
        }
        return budget == Long.MAX_VALUE ? 0 : budget;
    }

    @Override
    public String toString() {
        return (nick == null ? "?" : nick) + (account == null ? "" : " (account " + account + ")") + " on "
                + devices.size() + " connection(s)";
    }
}
