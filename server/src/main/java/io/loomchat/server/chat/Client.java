package io.loomchat.server.chat;

import io.loomchat.protocol.Event;
import io.loomchat.server.delivery.Burst;
import io.loomchat.server.delivery.CloseReason;
import io.loomchat.server.delivery.DeliveryBatch;
import io.loomchat.server.delivery.Member;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One person as the chat knows them while they are connected: nick, away mark, operator login, the rooms
 * they are in, what lets them resume, and in a cluster their lineage. Rooms hold clients as members; how a
 * client's lines are written is its {@link Device}'s business.
 *
 * <p>Threading: the client's own read loop is the only writer of its registration and rooms (through
 * {@link Commands}); other threads read the volatile fields and hand it lines with {@link #deliver}.
 */
public final class Client implements Member {

    /** Lines one client may have on their way to the cluster's stream at once; more wait (and slow that client alone). */
    public static final int LINES_IN_FLIGHT = 64;

    private final Device device;
    private volatile String nick; // null until hello succeeds; written by Nicknames only, on the read loop
    private volatile String away; // null unless the client said it is away
    private volatile String operator; // the operator account this client logged in as, or null
    private volatile String account; // the account this client logged in to, or null (a guest)
    private volatile String lineage; // in a cluster: see lineage()
    private volatile String username; // how an IRC client introduced itself (USER); null otherwise
    private volatile String realname;
    private volatile boolean awayNotify; // an IRC client that asked to hear others' away changes
    private int operFailures; // read loop only
    private final ResumeState resume = new ResumeState(); // read loop; a successor reads it after `released`
    private final CountDownLatch released = new CountDownLatch(1); // rooms left and nick freed
    private final JoinedRooms rooms = new JoinedRooms(); // changed by the read loop only
    private final Semaphore linesInFlight = new Semaphore(LINES_IN_FLIGHT);

    public Client(Device device) {
        this.device = device;
    }

    public Device device() {
        return device;
    }

    @Override
    public String nick() {
        return nick;
    }

    /** From {@link Nicknames}, the only writer, on this client's read loop: registered as, or renamed to, {@code newNick}. */
    void setNick(String newNick) {
        if (nick == null) {
            device.registered(newNick);
        }
        nick = newNick;
    }

    public boolean registered() {
        return nick != null;
    }

    @Override
    public String away() {
        return away;
    }

    void setAway(String reason) {
        away = reason;
    }

    public String operator() {
        return operator;
    }

    void setOperator(String name) {
        operator = name;
    }

    /** The account this client is logged in to, as it is registered; null for a guest. */
    public String account() {
        return account;
    }

    void setAccount(String name) {
        account = name;
    }

    /** Counts a failed operator login; returns how many this connection has had. */
    int operFailed() {
        return ++operFailures;
    }

    /** The USER name an IRC client gave (printable, at most 10 characters), or null. */
    public String username() {
        return username;
    }

    /** The real name an IRC client gave, or null. */
    public String realname() {
        return realname;
    }

    /** From an IRC client's USER line: who it says it is, already cut and cleaned by the IRC front. */
    public void identify(String username, String realname) {
        this.username = username;
        this.realname = realname;
    }

    /** Whether this client asked to hear others' away changes as they happen (IRCv3 away-notify). */
    public boolean wantsAwayNotify() {
        return awayNotify;
    }

    public void hearAwayChanges() {
        awayNotify = true;
    }

    /** The rooms this client is in; changed by its own read loop only. */
    public JoinedRooms rooms() {
        return rooms;
    }

    /** In a cluster: the id shared by this client and the sessions it resumed or that resume it; null on one node. */
    public String lineage() {
        return lineage;
    }

    void setLineage(String lineage) {
        this.lineage = lineage;
    }

    /** In a cluster: this client's lines on their way to the stream (see {@link LineStore}). */
    public Semaphore linesInFlight() {
        return linesInFlight;
    }

    /** What this client's resume needs: its token, acknowledged and inherited refs. */
    ResumeState resume() {
        return resume;
    }

    /** A fresh resume token, sent to the client in its welcome. */
    String newResumeToken() {
        return resume.newToken();
    }

    /** The resume token this client was handed; null before hello. */
    String resumeToken() {
        return resume.token();
    }

    /** Whether {@code token} is this client's resume token; compared in constant time. */
    boolean resumableWith(String token) {
        return resume.matches(token);
    }

    /**
     * Ends this client's connection for its successor and waits (bounded) until it has left its rooms and
     * freed its nick. Returns the refs it acknowledged, its own and those it inherited, for the successor to
     * recognize resent lines; empty if it did not finish in time.
     */
    Map<String, Acked> handOver(Duration wait) throws InterruptedException {
        resume.handOver(); // before it ends: its acknowledgements go to the successor, not to Resumptions
        device.disconnect(CloseReason.REPLACED, "");
        device.closeSocket(); // unblocks its read loop: the old connection is most likely dead already
        if (!released.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            return Map.of();
        }
        return resume.allAcks();
    }

    /** Read loop, at the end: rooms left and nick freed; a successor waiting in {@link #handOver} goes on. */
    void released() {
        released.countDown();
    }

    // ---- the device's side, as the chat uses it ------------------------------------------------------

    public InetAddress address() {
        return device.address();
    }

    public String peer() {
        return device.peer();
    }

    /** The deliveries of this client's read loop; for that read loop only. */
    public DeliveryBatch batch() {
        return device.batch();
    }

    /** A reply from this client's own read loop. */
    public void send(Event event) {
        device.send(event);
    }

    void sendText(String line) {
        device.sendText(line);
    }

    /** An answer that comes later, from another thread (the cluster's answer to a line). */
    public void deliverLater(Event event) {
        device.deliverLater(event);
    }

    public boolean disconnect(CloseReason reason, String detail) {
        return device.disconnect(reason, detail);
    }

    @Override
    public void deliver(Event event, byte[] json, DeliveryBatch batch) {
        device.deliver(event, json, batch);
    }

    @Override
    public void deliverAll(Burst burst, DeliveryBatch batch) {
        device.deliverAll(burst, this, batch);
    }

    @Override
    public long replayBudget() {
        return device.replayBudget();
    }

    @Override
    public String toString() {
        return "#" + device.id() + " " + (nick == null ? "" : nick + " ") + device.peer();
    }
}
