package io.loomchat.server.connection;

import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.Bye;
import io.loomchat.protocol.Event.ErrorReply;
import io.loomchat.protocol.SafeText;
import io.loomchat.server.chat.Client;
import io.loomchat.server.chat.Commands;
import io.loomchat.server.chat.Device;
import io.loomchat.server.delivery.Burst;
import io.loomchat.server.delivery.CloseReason;
import io.loomchat.server.delivery.DeliveryBatch;
import io.loomchat.server.delivery.Outbox;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, from accept to close: its transport, its outbox and the writer thread that drains
 * it, its greeting, and the {@link Dialect} it speaks. Who the client is (nick, rooms, resume) is the chat's
 * {@link Client}; this is its {@link Device}.
 *
 * <p>Threading: the {@link ReadLoop} runs on the connection's own virtual thread; the commands it runs live
 * in {@link Commands}. Other threads hand lines to {@link #deliver}, which queues them in the {@link Outbox}
 * for the connection's writer thread, the only one that writes to its {@link Transport} (a TCP socket or a
 * WebSocket). Whoever ends the connection first sets the {@link CloseReason}; the read loop's
 * {@code finally} cleans up and logs it, once.
 */
public final class Session implements Device {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);

    private final long id;
    private final Transport transport;
    private final String peer;
    private final ConnectionContext context;
    private final Sessions sessions;
    private final Client client;
    private final Outbox outbox;
    private final DeliveryBatch batch; // read loop only
    private final Greeting greeting;
    private final AtomicReference<CloseReason> closeReason = new AtomicReference<>();
    private volatile String closeDetail = "";
    private volatile Dialect dialect; // JSON until the first line says otherwise
    private Thread writer;

    private final long connectedNanos;
    private volatile long lastLineNanos;
    private volatile long pingSentNanos; // 0 unless a keep-alive ping awaits an answer

    Session(long id, Transport transport, ConnectionContext context, Sessions sessions) {
        this.id = id;
        this.transport = transport;
        this.peer = transport.peer();
        this.context = context;
        this.sessions = sessions;
        this.client = new Client(this);
        this.connectedNanos = context.ticker().nanoTime();
        this.lastLineNanos = connectedNanos;
        this.outbox = new Outbox(context.config().maxOutboxBytes(), context.metrics(), context.ticker(), context.outboxBudget());
        this.batch = new DeliveryBatch(context.presenceFlush());
        this.greeting = new Greeting(this, context.greeting());
        this.dialect = new JsonDialect(this, null);
    }

    @Override
    public long id() {
        return id;
    }

    /** The live sessions this one is among (IRC's LUSERS counts them). */
    public Sessions sessions() {
        return sessions;
    }

    /** Who is on this connection, as the chat knows them. */
    public Client client() {
        return client;
    }

    @Override
    public void registered(String nick) {
        LOG.info("connect #{} {} from {}", id, nick, peer); // logged once it is someone: see run()
    }

    public boolean registered() {
        return client.registered();
    }

    @Override
    public String peer() {
        return peer;
    }

    @Override
    public InetAddress address() {
        return transport.address();
    }

    @Override
    public boolean typedByHand() {
        return dialect instanceof TextDialect;
    }

    ConnectionContext context() {
        return context;
    }

    Outbox outbox() {
        return outbox;
    }

    Transport transport() {
        return transport;
    }

    Greeting greeting() {
        return greeting;
    }

    long connectedNanos() {
        return connectedNanos;
    }

    long lastLineNanos() {
        return lastLineNanos;
    }

    long pingSentNanos() {
        return pingSentNanos;
    }

    /** Read loop: a line arrived, so the client is alive (an unanswered ping counts as answered). */
    void heard(long nowNanos) {
        lastLineNanos = nowNanos;
        if (pingSentNanos != 0) {
            pingSentNanos = 0; // per line: read the volatile, write it only when a ping was out
        }
    }

    /** Read loop, on the first line: how this client speaks from now on. */
    void speak(Dialect spoken) {
        dialect = spoken;
    }

    Dialect dialect() {
        return dialect;
    }

    /** From the watchdog: asks a silent client to show it is still there. */
    void ping(long nowNanos) {
        pingSentNanos = nowNanos;
        refused(outbox.offer(lineFor(new Event.Ping(null), null), null));
    }

    /** Queues bytes that are ready to go (the greeting) outside any batch; a full outbox cuts the client off. */
    void offer(byte[] line) {
        refused(outbox.offer(line, null));
    }

    /** Starts the writer and runs the read loop on the calling (virtual) thread until the connection ends. */
    public void run() {
        // Logged at registration: a loop of connections that never register must not fill the disk through
        // the log; how they end is logged in bounded form (Sessions.closedUnregistered).
        LOG.debug("connect #{} from {}", id, peer);
        writer = sessions.startConnectionThread("loomchat-writer-" + id, this::writeLoop);
        greeting.start(context);
        Commands commands = new Commands(client, context.chat());
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
        String nick = client.nick();
        commands.ended(reason);
        batch.settle();
        try {
            writer.join(context.config().closeLinger());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeSocket();
        // The detail may hold a client's words (a quit reason): neutralized, so a log viewer's terminal
        // cannot be driven and no fake log line can be forged with an embedded newline.
        String detail = closeDetail.isEmpty() ? "" : " (" + SafeText.neutralize(closeDetail) + ")";
        if (nick == null) {
            sessions.closedUnregistered(transport, reason, detail.strip());
        } else if (reason.expected()) {
            LOG.info("disconnect #{} {} {}: {}{}", id, nick, peer, reason.code(), detail);
        } else {
            LOG.warn("disconnect #{} {} {}: {}{}", id, nick, peer, reason.code(), detail);
        }
        context.metrics().closed(reason.code());
        sessions.forget(this); // last: shutdown waits for this, and its own log line should come after ours
    }

    @Override
    public DeliveryBatch batch() {
        return batch;
    }

    @Override
    public long replayBudget() {
        return outbox.headroom();
    }

    /**
     * Queues one encoded line for this client as part of {@code batch}, the batch of the read loop that is
     * running; its writer is woken when that read loop next waits for input. A client that cannot keep up
     * is disconnected, never waited for.
     */
    private void deliver(byte[] line, DeliveryBatch batch) {
        taken(outbox.offer(line, batch), batch);
    }

    /** A room's held lines: JSON goes in one offer; IRC and text are rendered line by line. */
    @Override
    public void deliverAll(Burst burst, Object member, DeliveryBatch batch) {
        if (dialect.takesEncodedBursts()) {
            taken(outbox.offer(burst, member, batch), batch);
            return;
        }
        for (int i = 0, n = burst.size(); i < n; i++) {
            deliver(burst.event(i, member), burst.json(i, member), batch);
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
                    "more than max-outbox-bytes=" + context.config().maxOutboxBytes() + " unsent");
        } else if (offer == Outbox.Offer.SHED) {
            disconnect(CloseReason.SLOW_CONSUMER, "behind while all clients' unsent lines fill outbox-memory="
                    + context.outboxBudget().limit());
        }
    }

    @Override
    public void send(Event event) {
        if (event instanceof ErrorReply error) {
            context.metrics().error(error.code());
        }
        batch.releaseHeld(); // an answer never overtakes what this client said before it
        deliver(event, null, batch);
    }

    @Override
    public void deliverLater(Event event) {
        if (event instanceof ErrorReply error) {
            context.metrics().error(error.code());
        }
        DeliveryBatch now = new DeliveryBatch();
        deliver(event, null, now);
        now.settle();
    }

    /**
     * Queues {@code event} for this client as its dialect writes it: {@code json} if the caller encoded it
     * once for every recipient, else encoded here; rendered for a person or an IRC client.
     */
    @Override
    public void deliver(Event event, byte[] json, DeliveryBatch batch) {
        byte[] line = lineFor(event, json);
        if (line != null) {
            deliver(line, batch);
        }
    }

    /** A dialect's own lines (IRC numerics, PONG), from the read loop: written as they are. */
    public void sendRaw(byte[] lines) {
        batch.releaseHeld();
        deliver(lines, batch);
    }

    @Override
    public void sendText(String line) {
        sendRaw((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The one place that turns an event into this client's bytes; null if it need not see it. */
    private byte[] lineFor(Event event, byte[] json) {
        return dialect.render(event, json);
    }

    @Override
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

    @Override
    public void closeSocket() {
        transport.abort();
    }

    @Override
    public String toString() {
        return client.toString();
    }
}
