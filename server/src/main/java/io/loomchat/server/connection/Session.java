package io.loomchat.server.connection;

import io.loomchat.server.ChatServer;
import io.loomchat.server.ServerConfig;
import io.loomchat.server.chat.Commands;
import io.loomchat.server.chat.Member;
import io.loomchat.server.chat.Room;
import io.loomchat.server.chat.Rooms;
import io.loomchat.server.guard.FloodControl;

import io.loomchat.protocol.BoundedLineReader;
import io.loomchat.protocol.Codec;
import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.Bye;
import io.loomchat.protocol.Event.ErrorReply;
import io.loomchat.protocol.ProtocolException;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.SafeText;
import io.loomchat.protocol.TextRenderer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.CountDownLatch;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, from accept to close.
 *
 * <p>Threading: {@link #readLoop} runs on the connection's own virtual thread and is the only code that
 * changes this session's registration and room memberships; the commands it runs live in {@link Commands}.
 * Other threads only read {@link #nick()} and hand lines to {@link #deliver}, which queues them for the
 * connection's writer thread. Whoever ends the connection first sets the {@link CloseReason}; the read
 * loop's {@code finally} cleans up and logs it, once.
 */
public final class Session implements Member {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    /** Text-mode lines show times in the server's time zone. */
    private static final TextRenderer TEXT = new TextRenderer(ZoneId.systemDefault());
    /** Refused lines in a row whose ref is still echoed in the rate_limited error. */
    private static final int FLOOD_REFS_ECHOED = 10;

    private final long id;
    private final Socket socket;
    private final String peer;
    private final ChatServer server;
    private final Outbox outbox;
    private final DeliveryBatch batch = new DeliveryBatch(); // read loop only
    private final AtomicReference<CloseReason> closeReason = new AtomicReference<>();
    private volatile String closeDetail = "";
    private Thread writer;

    private volatile String nick; // null until hello succeeds; written by the read loop only
    private volatile String away; // null unless the client said it is away
    private volatile String operator; // the operator account this client logged in as, or null
    private int operFailures; // read loop only
    // Rooms an operator removed this client from: its read loop drops them from `rooms` before its next request.
    private final java.util.concurrent.ConcurrentLinkedQueue<Room> kickedFrom = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final ResumeState resume = new ResumeState(); // read loop; a successor reads it after `released`
    private final CountDownLatch released = new CountDownLatch(1); // rooms left and nick freed
    private volatile String currentRoom; // the last room joined, for rendering text-mode lines
    private volatile boolean textMode; // decided by the first line: anything but a JSON object
    private boolean modeDecided; // read loop only
    private final Map<String, Room> rooms = new LinkedHashMap<>(); // read loop only; the last one is the current room

    private final long connectedNanos;
    private volatile long lastLineNanos;
    private volatile long pingSentNanos; // 0 unless a keep-alive ping awaits an answer

    public Session(long id, Socket socket, ChatServer server) {
        this.id = id;
        this.socket = socket;
        // The numeric address: a name lookup here would block the accept path on DNS.
        this.peer = socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
        this.server = server;
        this.connectedNanos = server.ticker().nanoTime();
        this.lastLineNanos = connectedNanos;
        this.outbox = new Outbox(server.config().maxOutboxBytes(), server.metrics(), server.ticker(), server.outboxBudget());
    }

    long id() {
        return id;
    }

    @Override
    public String nick() {
        return nick;
    }

    public void setNick(String newNick) {
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

    /** From an operator's read loop: this client was kicked from {@code room}. */
    public void kickedFrom(Room room) {
        kickedFrom.add(room);
    }

    /** Read loop: forgets the rooms it was kicked from, before handling its next request. */
    public void applyKicks() {
        boolean changed = false;
        for (Room room; (room = kickedFrom.poll()) != null; ) {
            changed |= rooms.remove(room.name(), room);
        }
        if (changed) {
            roomsChanged();
        }
    }

    public void setAway(String reason) {
        away = reason;
    }

    /** A fresh resume token for this session, sent to the client in its welcome. */
    public String newResumeToken() {
        return resume.newToken();
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

    /** Read loop, before joining {@code room}: its replay is rendered as the current room's, untagged. */
    public void joining(String room) {
        currentRoom = room;
    }

    /** Read loop: the join did not happen after all; the current room stays what it was. */
    public void notJoined() {
        roomsChanged();
    }

    /** Read loop: this client is now in {@code room}, its current room. */
    public void joined(Room room) {
        rooms.put(room.name(), room);
        roomsChanged();
    }

    /** Read loop: this client left {@code room}. */
    public void left(Room room) {
        rooms.remove(room.name(), room);
        roomsChanged();
    }

    /** Read loop: this client leaves every room; returns them. */
    public java.util.List<Room> leftAll() {
        java.util.List<Room> all = new java.util.ArrayList<>(rooms.values());
        rooms.clear();
        roomsChanged();
        return all;
    }

    /** Read loop: the room this client is in by that name, or null. */
    public Room joinedRoom(String name) {
        return rooms.get(name);
    }

    /** Read loop: the rooms this client is in, the current one last. */
    public java.util.Collection<Room> joinedRooms() {
        return java.util.Collections.unmodifiableCollection(rooms.values());
    }

    /** Read loop: the room lines without a room go to (the one joined last), or null in none. */
    public Room currentJoinedRoom() {
        Room last = null;
        for (Room room : rooms.values()) {
            last = room;
        }
        return last;
    }

    /** Whenever its rooms change, so that other threads can render for this client. */
    private void roomsChanged() {
        Room current = currentJoinedRoom();
        currentRoom = current == null ? null : current.name();
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
        return socket.getInetAddress();
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

    long lastLineNanos() {
        return lastLineNanos;
    }

    long pingSentNanos() {
        return pingSentNanos;
    }

    /** From the watchdog: asks a silent client to show it is still there. */
    void ping(long nowNanos) {
        pingSentNanos = nowNanos;
        Event ping = new Event.Ping(null);
        byte[] line = ownLine(ping);
        refused(outbox.offer(line, null));
    }

    /** Starts the writer and runs the read loop on the calling (virtual) thread until the connection ends. */
    public void run() {
        LOG.info("connect #{} from {}", id, peer);
        writer = server.startConnectionThread("loomchat-writer-" + id, this::writeLoop);
        Commands commands = new Commands(this);
        FloodControl flood = server.config().floodControl() ? new FloodControl(server.config(), server.clock()) : null;
        try {
            readLoop(commands, flood);
        } finally {
            end(commands);
        }
    }

    /**
     * Lines handled, or bytes read, after which the read loop lets other virtual threads run. Virtual
     * threads are not time-sliced: a client whose input is always ready would otherwise keep its carrier
     * for as long as it sends, and two such clients on two cores would stop the whole server. Not much
     * more often: every yield lets the writers catch up and park, and waking them again costs the fan-out
     * path (at 64 lines a turn, full-speed fan-out lost about a sixth of its rate).
     */
    static final int LINES_PER_TURN = 1_024;
    static final int BYTES_PER_TURN = 64 * 1024;
    /** What a closing connection may still send before the server stops reading it (for a clean close). */
    static final int DRAIN_AFTER_BYE_BYTES = 64 * 1024;

    private void readLoop(Commands commands, FloodControl flood) {
        try {
            FairInput input = new FairInput(socket.getInputStream(), BYTES_PER_TURN);
            // Every further max-line-bytes of a line that does not end counts as a line, for flood control.
            BoundedLineReader lines = new BoundedLineReader(input, server.config().maxLineBytes(), batch::settle, true);
            int linesThisTurn = 0;
            long drainedFrom = -1; // bytes read when the bye was queued; -1 while open
            while (true) {
                int length = lines.next();
                if (length == BoundedLineReader.EOF) {
                    disconnect(CloseReason.CLIENT_CLOSED, "");
                    return;
                }
                if (++linesThisTurn >= LINES_PER_TURN) {
                    linesThisTurn = 0;
                    input.yieldTurn();
                }
                if (outbox.isClosing()) {
                    // Said bye: read on briefly so that closing does not reset what the client has in
                    // flight (a reset can destroy the bye before the client reads it), then stop reading.
                    drainedFrom = drainedFrom < 0 ? input.total() : drainedFrom;
                    if (input.total() - drainedFrom > DRAIN_AFTER_BYE_BYTES) {
                        return;
                    }
                    continue;
                }
                lastLineNanos = server.ticker().nanoTime();
                pingSentNanos = 0; // any line shows the client is alive
                server.metrics().linesIn.increment();
                server.metrics().bytesIn.add(length < 0 ? lines.maxLineBytes() : length + 1L);
                // Every line counts, empty or too long, registered or not: otherwise a stream of bare
                // newlines is never slowed down.
                if (flood != null && !flood.allow()) {
                    refuseFlood(flood, lines, length);
                    continue;
                }
                if (length == BoundedLineReader.STILL_TOO_LONG) {
                    continue; // counted above; its error went out when it first crossed the cap
                }
                if (length == BoundedLineReader.TOO_LONG) {
                    send(new ErrorReply(ErrorCode.LINE_TOO_LONG, "line exceeds max-line-bytes="
                            + lines.maxLineBytes() + "; it was discarded", null));
                    continue;
                }
                if (length == 0) {
                    continue; // a bare Enter from a person on nc is not an error
                }
                if (!modeDecided) {
                    modeDecided = true;
                    textMode = !startsLikeJson(lines.line(), length);
                    if (textMode) {
                        sendText(TextRenderer.NOTICE + (server.config().password() == null
                                ? " loomchat text mode: type your nick to start; /help lists the commands"
                                : " loomchat text mode: type your nick and the server password on one line to start"));
                    }
                }
                if (textMode) {
                    commands.handleText(new String(lines.line(), 0, length, StandardCharsets.UTF_8));
                    continue;
                }
                Request request;
                try {
                    request = Codec.decodeRequest(lines.line(), 0, length);
                } catch (ProtocolException e) {
                    send(e.toReply());
                    continue;
                }
                commands.handle(request);
            }
        } catch (SocketException e) {
            // Closed under us: by our own close (reason already set) or by the peer resetting.
            disconnect(CloseReason.READ_ERROR, e.getMessage());
        } catch (IOException e) {
            disconnect(CloseReason.READ_ERROR, e.toString());
        } catch (RuntimeException e) {
            LOG.error("bug while serving #{} {}", id, peer, e);
            disconnect(CloseReason.READ_ERROR, "internal error");
        }
    }

    /** A protocol client's first line is a JSON object; anything else (a person on nc) means text mode. */
    private static boolean startsLikeJson(byte[] line, int length) {
        for (int i = 0; i < length; i++) {
            if (line[i] != ' ' && line[i] != '\t') {
                return line[i] == '{';
            }
        }
        return false;
    }

    /** Tells a flooding client its line was refused, or, if it keeps on, disconnects it. */
    private void refuseFlood(FloodControl flood, BoundedLineReader lines, int length) {
        ServerConfig c = server.config();
        if (flood.persistent()) {
            disconnect(CloseReason.FLOOD, c.floodDisconnectAfter() + " lines in a row over flood-lines-per-second="
                    + c.floodLinesPerSecond());
            return;
        }
        String ref = null;
        // Echoing the ref means decoding the refused line: worth it for a script that went a little too
        // fast, not for a flood, which gets the same error without it.
        if (length > 0 && flood.refusedInARow() <= FLOOD_REFS_ECHOED) {
            try {
                ref = Codec.decodeRequest(lines.line(), 0, length).ref();
            } catch (ProtocolException e) {
                ref = e.ref();
            }
        }
        long retryMillis = flood.millisUntilNext();
        send(new ErrorReply(ErrorCode.RATE_LIMITED, "flood control: over flood-lines-per-second="
                + c.floodLinesPerSecond() + " (flood-burst=" + c.floodBurst() + "); line refused, retry in "
                + retryMillis + " ms", ref));
        if (flood.refusedInARow() > FLOOD_REFS_ECHOED) {
            // Told often enough: stop reading from this client until its next line could be accepted
            // (ergo's "fakelag"). TCP then slows the flooder down, and refusing costs the server nothing.
            batch.settle();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(retryMillis, 1_000)));
        }
    }

    private void writeLoop() {
        try {
            outbox.drainTo(socket.getOutputStream());
            socket.shutdownOutput(); // the bye is out: tell the client nothing more comes
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
        if (reason.expected()) {
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
        Outbox.Offer offer = outbox.offer(line, batch);
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

    /** An event of the server's own for this client (a ping, its bye), as a text or a JSON line. */
    private byte[] ownLine(Event event) {
        return textMode ? (TEXT.render(event, "", null) + "\n").getBytes(StandardCharsets.UTF_8) : Codec.encode(event);
    }

    /** Sends this client a reply from its own read loop. */
    public void send(Event event) {
        if (event instanceof ErrorReply error) {
            server.metrics().error(error.code());
        }
        deliver(event, textMode ? null : Codec.encode(event), batch);
    }

    /**
     * Queues an event already encoded as JSON ({@code json}, shared by every recipient) or, for a text-mode
     * client, rendered for this client as a human-readable line.
     */
    @Override
    public void deliver(Event event, byte[] json, DeliveryBatch batch) {
        if (!textMode) {
            deliver(json != null ? json : Codec.encode(event), batch);
            return;
        }
        String text = TEXT.render(event, nick == null ? "" : nick, currentRoom);
        if (text != null) {
            deliver((TextRenderer.wrap(text, TextRenderer.TEXT_MODE_WIDTH) + "\n").getBytes(StandardCharsets.UTF_8), batch);
        }
    }

    /** A line for a text-mode client from its own read loop (help, problems). */
    public void sendText(String line) {
        deliver((line + "\n").getBytes(StandardCharsets.UTF_8), batch);
    }

    /**
     * Ends the connection for {@code reason} unless it is already ending: the client gets a {@code bye}
     * (after what is queued, unless the reason drops it) and the output is shut. Never blocks.
     */
    public void disconnect(CloseReason reason, String detail) {
        if (!closeReason.compareAndSet(null, reason)) {
            return;
        }
        closeDetail = detail == null ? "" : detail;
        String text = closeDetail.isEmpty() ? reason.summary() : reason.summary() + ": " + closeDetail;
        Bye bye = new Bye(reason.code(), text);
        byte[] last = ownLine(bye);
        outbox.close(last, reason.dropsPending());
    }

    boolean isClosing() {
        return closeReason.get() != null;
    }

    /** Closes the socket from outside: unblocks a read loop or a write stuck on a peer that stopped reading. */
    public void closeSocket() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("closing #{}: {}", id, e.toString());
        }
    }

    @Override
    public String toString() {
        return "#" + id + " " + (nick == null ? "" : nick + " ") + peer;
    }
}
