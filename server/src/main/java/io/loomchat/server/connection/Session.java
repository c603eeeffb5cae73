package io.loomchat.server.connection;

import io.loomchat.server.ChatServer;
import io.loomchat.server.chat.Commands;
import io.loomchat.server.chat.Member;
import io.loomchat.server.chat.JoinedRooms;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.Bye;
import io.loomchat.protocol.Event.ErrorReply;
import io.loomchat.protocol.SafeText;
import io.loomchat.protocol.TextRenderer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.CountDownLatch;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, from accept to close.
 *
 * <p>Threading: the {@link ReadLoop} runs on the connection's own virtual thread and is the only code that
 * changes this session's registration and its {@link JoinedRooms}; the commands it runs live in
 * {@link Commands}. Other threads only read {@link #nick()} and hand lines to {@link #deliver}, which
 * queues them in the {@link Outbox} for the connection's writer thread, the only one that writes to its
 * {@link Transport} (a TCP socket or a WebSocket). Whoever ends the connection first sets the {@link CloseReason}; the read
 * loop's {@code finally} cleans up and logs it, once.
 */
public final class Session implements Member {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    /** Text-mode lines show times in the server's time zone. */
    private static final TextRenderer TEXT = new TextRenderer(ZoneId.systemDefault());

    private final long id;
    private final Transport transport;
    private final String peer;
    private final ChatServer server;
    private final Outbox outbox;
    private final DeliveryBatch batch; // read loop only
    private final AtomicReference<CloseReason> closeReason = new AtomicReference<>();
    private volatile String closeDetail = "";
    private Thread writer;

    private volatile String nick; // null until hello succeeds; written by the read loop only
    private volatile String away; // null unless the client said it is away
    private volatile String operator; // the operator account this client logged in as, or null
    private volatile String lineage; // in a cluster: see lineage()
    private final java.util.concurrent.Semaphore linesInFlight =
            new java.util.concurrent.Semaphore(io.loomchat.server.cluster.ClusterLink.LINES_IN_FLIGHT);
    private int operFailures; // read loop only
    private final ResumeState resume = new ResumeState(); // read loop; a successor reads it after `released`
    private final CountDownLatch released = new CountDownLatch(1); // rooms left and nick freed
    private volatile boolean textMode; // decided by the first line: anything but a JSON object
    private volatile io.loomchat.server.irc.IrcRendering irc; // set by the first line when it is IRC
    private static final int GREETING_DUE = 0;
    private static final int GREETING_SENT = 1;
    private static final int GREETING_SKIPPED = 2;
    private final java.util.concurrent.atomic.AtomicInteger greeting = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.locks.ReentrantLock greetingLock = new java.util.concurrent.locks.ReentrantLock();
    private final JoinedRooms rooms = new JoinedRooms(); // changed by the read loop only

    private final long connectedNanos;
    private volatile long lastLineNanos;
    private volatile long pingSentNanos; // 0 unless a keep-alive ping awaits an answer

    public Session(long id, Transport transport, ChatServer server) {
        this.id = id;
        this.transport = transport;
        this.peer = transport.peer();
        this.server = server;
        this.connectedNanos = server.ticker().nanoTime();
        this.lastLineNanos = connectedNanos;
        this.outbox = new Outbox(server.config().maxOutboxBytes(), server.metrics(), server.ticker(), server.outboxBudget());
        this.batch = new DeliveryBatch(server.presenceFlush());
    }

    public long id() {
        return id;
    }

    @Override
    public String nick() {
        return nick;
    }

    public void setNick(String newNick) {
        if (nick == null) {
            LOG.info("connect #{} {} from {}", id, newNick, peer); // logged once it is someone: see run()
        }
        nick = newNick;
    }

    @Override
    public String away() {
        return away;
    }

    public String operator() {
        return operator;
    }

    public void setOperator(String name) {
        operator = name;
    }

    /** Counts a failed operator login; returns how many this connection has had. */
    public int operFailed() {
        return ++operFailures;
    }

    public void setAway(String reason) {
        away = reason;
    }

    /** A fresh resume token for this session, sent to the client in its welcome. */
    public String newResumeToken() {
        return resume.newToken();
    }

    /** In a cluster: this client's lines on their way to the stream (see ClusterLink.say). */
    public java.util.concurrent.Semaphore linesInFlight() {
        return linesInFlight;
    }

    /**
     * An answer that comes later, from another thread (the cluster's answer to a line): queued at once, its
     * writer woken at once.
     */
    public void deliverLater(Event event) {
        if (event instanceof ErrorReply error) {
            server.metrics().error(error.code());
        }
        DeliveryBatch now = new DeliveryBatch();
        deliver(event, null, now);
        now.settle();
    }

    /** The resume token this session handed out; null before hello. */
    public String resumeToken() {
        return resume.token();
    }

    /** In a cluster: the id shared by this session and the ones it resumed or that resume it; null on one node. */
    public String lineage() {
        return lineage;
    }

    public void setLineage(String lineage) {
        this.lineage = lineage;
    }

    /** Whether {@code token} is this session's resume token; compared in constant time. */
    public boolean resumableWith(String token) {
        return resume.matches(token);
    }

    /**
     * Ends this session for its successor and waits (bounded) until it has left its rooms and freed its
     * nick. Returns the refs it acknowledged, its own and those it inherited, for the successor to
     * recognize resent lines; empty if it did not finish in time.
     */
    public Map<String, Acked> handOver(Duration wait) throws InterruptedException {
        resume.handOver(); // before it ends: its acknowledgements go to the successor, not to Resumptions
        disconnect(CloseReason.REPLACED, "");
        closeSocket(); // unblocks its read loop: the old connection is most likely dead already
        if (!released.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            return Map.of();
        }
        return resume.allAcks();
    }

    /** What this session's resume needs of its read loop: acknowledged and inherited refs. */
    public ResumeState resume() {
        return resume;
    }

    /** How many bytes of history may be queued for this client at once without making it a slow consumer. */
    @Override
    public long replayBudget() {
        return outbox.headroom();
    }

    /** The rooms this client is in; changed by its own read loop only. */
    public JoinedRooms rooms() {
        return rooms;
    }

    public boolean textMode() {
        return textMode;
    }

    public boolean registered() {
        return nick != null;
    }

    public String peer() {
        return peer;
    }

    public InetAddress address() {
        return transport.address();
    }

    public ChatServer server() {
        return server;
    }

    Outbox outbox() {
        return outbox;
    }

    long connectedNanos() {
        return connectedNanos;
    }

    /** Read loop: a line arrived, so the client is alive (an unanswered ping counts as answered). */
    void heard(long nowNanos) {
        lastLineNanos = nowNanos;
        if (pingSentNanos != 0) {
            pingSentNanos = 0; // per line: read the volatile, write it only when a ping was out
        }
    }

    /** Read loop, on the first line: a JSON object means a protocol client, anything else a person. */
    void decideMode(boolean text) {
        textMode = text;
    }

    Transport transport() {
        return transport;
    }

    long lastLineNanos() {
        return lastLineNanos;
    }

    long pingSentNanos() {
        return pingSentNanos;
    }

    /** From the watchdog: asks a silent client to show it is still there. */
    void ping(long nowNanos) {
        pingSentNanos = nowNanos;
        refused(outbox.offer(lineFor(new Event.Ping(null), null), null));
    }

    /** Sends the greeting unless it went out already or the client turned out to speak IRC. Any thread. */
    void greet() {
        greetingLock.lock(); // the read loop's call returns only once the timer's greeting is queued
        try {
            if (greeting.compareAndSet(GREETING_DUE, GREETING_SENT)) {
                refused(outbox.offer(server.greeting(), null));
            }
        } finally {
            greetingLock.unlock();
        }
    }

    /** The client's first line was IRC: no greeting (unless it went out already). */
    void skipGreeting() {
        greeting.compareAndSet(GREETING_DUE, GREETING_SKIPPED);
    }

    /** Starts the writer and runs the read loop on the calling (virtual) thread until the connection ends. */
    public void run() {
        // Logged at registration (setNick): a loop of connections that never register must not fill the disk
        // through the log; how they end is logged in bounded form (ChatServer.closedUnregistered).
        LOG.debug("connect #{} from {}", id, peer);
        writer = server.startConnectionThread("loomchat-writer-" + id, this::writeLoop);
        // Like NATS's INFO, a greeting: a person on nc, or a program that waits to be told, learns how to
        // begin instead of hearing nothing until the handshake timeout. Where IRC is on, it waits a moment
        // for the client to speak first (see Greeter).
        if (server.config().irc()) {
            transport.whenReady(() -> server.greeter().listenFirst(this)); // TLS: counted from its handshake
        } else {
            greet();
        }
        Commands commands = new Commands(this);
        try {
            new ReadLoop(this, commands).run();
        } finally {
            end(commands);
        }
    }

    private void writeLoop() {
        try {
            outbox.drainTo(transport.output());
            transport.finishOutput(); // the bye is out: tell the client nothing more comes
        } catch (IOException e) {
            disconnect(CloseReason.READ_ERROR, "write failed: " + e.getMessage());
            closeSocket();
        } catch (InterruptedException e) {
            closeSocket();
        } finally {
            outbox.abandon(); // what was not written no longer counts against the server's outbox memory
        }
    }

    /** Leaves every room, frees the nick, waits briefly for the bye to go out, closes, logs once. */
    private void end(Commands commands) {
        disconnect(CloseReason.READ_ERROR, "read loop ended"); // a no-op unless something unforeseen got here
        CloseReason reason = closeReason.get();
        String token = resume.token();
        if (token != null && !resume.handedOver() && reason != CloseReason.QUIT) {
            // The client may come back after we noticed it was gone: leave it what it was acknowledged.
            // Before the nick is freed, so that a returning client finds it either held or left here.
            server.resumptions().keep(token, nick, resume.allAcks());
        }
        commands.leaveAll(reason == CloseReason.QUIT ? "quit" : reason.code());
        released.countDown();
        batch.settle();
        try {
            writer.join(server.config().closeLinger());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeSocket();
        String who = nick == null ? "(unregistered)" : nick;
        // The detail may hold a client's words (a quit reason): neutralized, so a log viewer's terminal
        // cannot be driven and no fake log line can be forged with an embedded newline.
        String detail = closeDetail.isEmpty() ? "" : " (" + SafeText.neutralize(closeDetail) + ")";
        if (nick == null) {
            server.closedUnregistered(transport, reason, detail.strip());
        } else if (reason.expected()) {
            LOG.info("disconnect #{} {} {}: {}{}", id, who, peer, reason.code(), detail);
        } else {
            LOG.warn("disconnect #{} {} {}: {}{}", id, who, peer, reason.code(), detail);
        }
        server.metrics().closed(reason);
        server.forget(this); // last: shutdown waits for this, and its own log line should come after ours
    }

    /** The deliveries of this session's read loop; for that read loop only. */
    public DeliveryBatch batch() {
        return batch;
    }

    /**
     * Queues one encoded line for this client as part of {@code batch}, the batch of the read loop that is
     * running; its writer is woken when that read loop next waits for input. A client that cannot keep up
     * is disconnected, never waited for.
     */
    void deliver(byte[] line, DeliveryBatch batch) {
        taken(outbox.offer(line, batch), batch);
    }

    /** A room's held lines: JSON goes in one offer; IRC and text are rendered line by line. */
    @Override
    public void deliverAll(Burst burst, DeliveryBatch batch) {
        if (irc != null || textMode) {
            Member.super.deliverAll(burst, batch);
        } else {
            taken(outbox.offer(burst, this, batch), batch);
        }
    }

    private void taken(Outbox.Offer offer, DeliveryBatch batch) {
        if (offer == Outbox.Offer.ACCEPTED_BACKLOGGED) {
            batch.backlogged(outbox);
        } else {
            refused(offer);
        }
    }

    /** A client whose outbox refused a line cannot keep up: it is cut off, never waited for. */
    private void refused(Outbox.Offer offer) {
        if (offer == Outbox.Offer.OVERFLOW) {
            disconnect(CloseReason.SLOW_CONSUMER,
                    "more than max-outbox-bytes=" + server.config().maxOutboxBytes() + " unsent");
        } else if (offer == Outbox.Offer.SHED) {
            disconnect(CloseReason.SLOW_CONSUMER, "behind while all clients' unsent lines fill outbox-memory="
                    + server.outboxBudget().limit());
        }
    }

    /** Sends this client a reply from its own read loop. */
    public void send(Event event) {
        if (event instanceof ErrorReply error) {
            server.metrics().error(error.code());
        }
        batch.releaseHeld(); // an answer never overtakes what this client said before it
        deliver(event, null, batch);
    }

    /**
     * Queues {@code event} for this client: as JSON ({@code json} if the caller encoded it once for every
     * recipient, else encoded here) or, for a text-mode client, rendered as a person reads it.
     */
    @Override
    public void deliver(Event event, byte[] json, DeliveryBatch batch) {
        byte[] line = lineFor(event, json);
        if (line != null) {
            deliver(line, batch);
        }
    }

    /** Read loop, on the first line: an IRC client; its events are written as IRC from now on. */
    void speakIrc(io.loomchat.server.irc.IrcRendering rendering) {
        irc = rendering;
    }

    /** How this client's events are written as IRC; null unless it speaks IRC. */
    public io.loomchat.server.irc.IrcRendering irc() {
        return irc;
    }

    /** Whether this is an IRC client that asked to hear others' away changes (IRCv3 away-notify). */
    public boolean wantsAwayNotify() {
        io.loomchat.server.irc.IrcRendering asIrc = irc;
        return asIrc != null && asIrc.isEnabled("away-notify");
    }

    /** An IRC client's own lines (numerics, PONG), from its read loop: written as they are. */
    public void sendRaw(byte[] lines) {
        batch.releaseHeld();
        deliver(lines, batch);
    }

    /** The one place that chooses between a JSON line, an IRC line and a text line; null if nobody need see it. */
    private byte[] lineFor(Event event, byte[] json) {
        io.loomchat.server.irc.IrcRendering asIrc = irc;
        if (asIrc != null) {
            return asIrc.render(event);
        }
        if (!textMode) {
            return json != null ? json : Codec.encode(event);
        }
        String text = TEXT.render(event, nick == null ? "" : nick, rooms.currentName());
        return text == null ? null : (TextRenderer.wrap(text, TextRenderer.TEXT_MODE_WIDTH) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** A line for a text-mode client from its own read loop (help, problems). */
    public void sendText(String line) {
        batch.releaseHeld();
        deliver((line + "\n").getBytes(StandardCharsets.UTF_8), batch);
    }

    /**
     * Ends the connection for {@code reason} unless it is already ending: the client gets a {@code bye}
     * (after what is queued, unless the reason drops it) and the output is shut. Never blocks. Returns
     * false if it was ending already.
     */
    public boolean disconnect(CloseReason reason, String detail) {
        if (!closeReason.compareAndSet(null, reason)) {
            return false;
        }
        closeDetail = detail == null ? "" : detail;
        String text = closeDetail.isEmpty() ? reason.summary() : reason.summary() + ": " + closeDetail;
        Bye bye = new Bye(reason.code(), text);
        outbox.close(lineFor(bye, null), reason.dropsPending());
        return true;
    }

    boolean isClosing() {
        return closeReason.get() != null;
    }

    /** Closes the socket from outside: unblocks a read loop or a write stuck on a peer that stopped reading. */
    public void closeSocket() {
        transport.abort();
    }

    @Override
    public String toString() {
        return "#" + id + " " + (nick == null ? "" : nick + " ") + peer;
    }
}
