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
 * One connection as the chat knows it: the {@link Person} it is (nick, away mark, rooms: shared with the
 * person's other connections), its operator login, what lets it resume, and in a cluster its lineage.
 * Rooms hold the person; how this connection's lines are written is its {@link Device}'s business.
 *
 * <p>Threading: the connection's own read loop runs its requests (through {@link Commands}), in the
 * person's turn; other threads read the volatile fields and hand it lines with {@link #deliver}.
 */
public final class Client implements Member {

    /** Lines one client may have on their way to the cluster's stream at once; more wait (and slow that client alone). */
    public static final int LINES_IN_FLIGHT = 64;

    /** The rooms of a connection that is nobody yet: none, and nobody joins any before hello. */
    private static final JoinedRooms NO_ROOMS = new JoinedRooms();

    private final Device device;
    private volatile Person person; // null until hello succeeds; set by Nicknames, on the read loop
    private volatile String operator; // the operator account this client logged in as, or null
    private volatile String account; // before hello: the account logged in to, or null (a guest)
    private boolean gaveServerPassword; // read loop: before hello, the server's password was given (IRC PASS)
    private volatile String lineage; // in a cluster: see lineage()
    private volatile String username; // how an IRC client introduced itself (USER); null otherwise
    private volatile String realname;
    private volatile boolean awayNotify; // an IRC client that asked to hear others' away changes
    private int operFailures; // read loop only
    private final ResumeState resume = new ResumeState(); // read loop; a successor reads it after `released`
    private final CountDownLatch released = new CountDownLatch(1); // rooms left and nick freed
    private final Semaphore linesInFlight = new Semaphore(LINES_IN_FLIGHT);

    public Client(Device device) {
        this.device = device;
    }

    public Device device() {
        return device;
    }

    /** The person this connection is; null until hello succeeds. */
    public Person person() {
        return person;
    }

    /** From {@link Nicknames}, on this client's read loop: this connection is {@code who} now. */
    void becomes(Person who) {
        person = who;
        device.registered(who.nick());
    }

    @Override
    public Member member() {
        Person p = person;
        return p == null ? this : p;
    }

    @Override
    public String nick() {
        Person p = person;
        return p == null ? null : p.nick();
    }

    public boolean registered() {
        return person != null;
    }

    @Override
    public String away() {
        Person p = person;
        return p == null ? null : p.away();
    }

    public String operator() {
        return operator;
    }

    void setOperator(String name) {
        operator = name;
    }

    /** The account this client is logged in to, as it is registered; null for a guest. */
    public String account() {
        Person p = person;
        return p != null ? p.account() : account;
    }

    /** Before hello: logged in to {@code name}; the person made at hello is that account. */
    void setAccount(String name) {
        account = name;
    }

    /** Whether this connection has shown it knows the server's password (by hello, or IRC's PASS). */
    boolean gaveServerPassword() {
        return gaveServerPassword || registered();
    }

    void serverPasswordGiven() {
        gaveServerPassword = true;
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

    /** The rooms this client's person is in; changed in the person's turn only. */
    public JoinedRooms rooms() {
        Person p = person;
        return p == null ? NO_ROOMS : p.rooms();
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
        String nick = nick();
        return "#" + device.id() + " " + (nick == null ? "" : nick + " ") + device.peer();
    }
}
