package io.loomchat.server.connection;

import io.loomchat.server.delivery.CloseReason;
import io.loomchat.server.delivery.Ticker;
import io.loomchat.server.guard.ConnectThrottle;
import io.loomchat.server.guard.RefusalLog;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The connections a door has accepted that are not sessions yet: on the web port, every HTTP connection
 * until it becomes a WebSocket (page loads, kept-alive connections, requests under way or never finished,
 * TLS handshakes). The chat port's acceptor and its sessions' deadlines already bound that state there;
 * this gives the web port the same rules, below Helidon:
 * <ul>
 * <li>admitted like a chat connection: not banned, within the address's connect rate (the same throttle
 *     as the chat port's), and at most {@code perAddress} at once from one address (loopback exempt
 *     unless --limit-loopback); a refusal is logged through the bounded {@link RefusalLog};</li>
 * <li>a deadline: a connection that has not completed a request within {@code timeout} of being accepted,
 *     or of its last request, is closed, whatever it is doing (silent, trickling a header a byte a second,
 *     stuck in a TLS handshake, kept alive and idle). Checked by the server's watchdog, a platform thread.</li>
 * </ul>
 * Keyed by the remote address and port, which is unique among a listener's open connections.
 */
public final class Doorway {

    /** One connection at the door. */
    private static final class Entry {
        final InetAddress address;
        final BooleanSupplier open;
        final Closeable connection;
        volatile long deadlineNanos;

        Entry(InetAddress address, BooleanSupplier open, Closeable connection, long deadlineNanos) {
            this.address = address;
            this.open = open;
            this.connection = connection;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final String door;
    private final ConnectThrottle throttle;
    private final RefusalLog refusals;
    private final Predicate<InetAddress> banned;
    private final int perAddress;
    private final boolean limitLoopback;
    private final long timeoutNanos;
    private final Ticker ticker;
    private final Map<InetSocketAddress, Entry> waiting = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetAddress, Integer> counts = new ConcurrentHashMap<>();

    public Doorway(String door, ConnectThrottle throttle, RefusalLog refusals, Predicate<InetAddress> banned,
                   int perAddress, boolean limitLoopback, Duration timeout, Ticker ticker) {
        this.door = door;
        this.throttle = throttle;
        this.refusals = refusals;
        this.banned = banned;
        this.perAddress = perAddress;
        this.limitLoopback = limitLoopback;
        this.timeoutNanos = timeout.toNanos();
        this.ticker = ticker;
    }

    /**
     * A connection was just accepted: null if it may stay (it is counted and timed from now), else why it
     * must be closed at once ({@code too_many_from_address (max-connections-per-address=64)}).
     */
    public String admit(InetSocketAddress remote, BooleanSupplier open, Closeable connection) {
        InetAddress address = remote.getAddress();
        boolean exempt = address.isLoopbackAddress() && !limitLoopback;
        CloseReason reason = banned.test(address) ? CloseReason.BANNED
                : !exempt && !throttle.admit(address) ? CloseReason.THROTTLED
                : !exempt && !count(address) ? CloseReason.TOO_MANY_FROM_ADDRESS
                : null;
        if (reason != null) {
            String detail = switch (reason) {
                case THROTTLED -> "(connects-per-address-per-minute=" + throttle.perMinute() + ")";
                case TOO_MANY_FROM_ADDRESS -> "(max-connections-per-address=" + perAddress + ")";
                default -> "";
            };
            refusals.refused(door, address, reason.code(), detail);
            return detail.isEmpty() ? reason.code() : reason.code() + " " + detail;
        }
        Entry entry = new Entry(address, open, connection, ticker.nanoTime() + timeoutNanos);
        Entry old = waiting.put(remote, entry);
        if (old != null) {
            release(old); // the same address and port again: the old connection is gone, whatever we thought
        }
        return null;
    }

    /** The connection at {@code remote} has completed a request: it has another {@code timeout} for the next. */
    public void requested(InetSocketAddress remote) {
        Entry entry = waiting.get(remote);
        if (entry != null) {
            entry.deadlineNanos = ticker.nanoTime() + timeoutNanos;
        }
    }

    /**
     * The connection at {@code remote} became a session (a WebSocket): no longer counted or timed here; the
     * session is, by the chat port's rules.
     */
    public void becameSession(InetSocketAddress remote) {
        Entry entry = waiting.remove(remote);
        if (entry != null) {
            release(entry);
        }
    }

    /**
     * The watchdog's round: forgets connections that have closed, and closes those past their deadline
     * (the next round forgets them).
     */
    public void check() {
        long now = ticker.nanoTime();
        for (Map.Entry<InetSocketAddress, Entry> e : waiting.entrySet()) {
            Entry entry = e.getValue();
            if (!entry.open.getAsBoolean()) {
                if (waiting.remove(e.getKey(), entry)) {
                    release(entry);
                }
            } else if (now - entry.deadlineNanos > 0) {
                try {
                    entry.connection.close(); // ends the blocked read of its thread at once
                } catch (IOException ignored) {
                    // closed anyway
                }
            }
        }
    }

    /** Connections at the door now; for tests and metrics. */
    public int waiting() {
        return waiting.size();
    }

    private boolean count(InetAddress address) {
        boolean[] admitted = {false};
        counts.compute(address, (a, n) -> {
            int count = n == null ? 0 : n;
            admitted[0] = count < perAddress;
            return admitted[0] ? count + 1 : count;
        });
        return admitted[0];
    }

    private void release(Entry entry) {
        if (entry.address.isLoopbackAddress() && !limitLoopback) {
            return;
        }
        counts.computeIfPresent(entry.address, (a, n) -> n <= 1 ? null : n - 1);
    }
}
