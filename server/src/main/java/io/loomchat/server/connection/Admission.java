package io.loomchat.server.connection;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event.Bye;
import io.loomchat.protocol.SafeText;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.delivery.CloseReason;
import io.loomchat.server.guard.ConnectThrottle;
import io.loomchat.server.guard.Moderation;
import io.loomchat.server.guard.RefusalLog;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may connect: decides on the accepting thread whether a new socket is served (not stopping, not
 * banned, room under max-connections, within its address's connect rate and share) and sends a refused
 * one its {@code bye}. Keeps the count of connections per address.
 */
public final class Admission {

    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);
    /**
     * Refusals in flight each hold a descriptor for up to the close linger: bounded, so that a connect
     * storm beyond max-connections cannot spend the descriptors kept in reserve.
     */
    static final int MAX_REFUSALS_IN_FLIGHT = 32;
    /** The most a refused client's input is read before closing, so that the close does not reset. */
    private static final int DRAIN_BYTES = 64 * 1024;

    private final ConnectionContext context;
    private final ServerConfig config;
    private final BiConsumer<String, Runnable> threads; // starts a counted connection thread
    private final int maxConnections;
    private final ConnectThrottle throttle;
    private final RefusalLog refusalLog;
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final Semaphore refusals = new Semaphore(MAX_REFUSALS_IN_FLIGHT);

    Admission(ConnectionContext context, int maxConnections, RefusalLog refusals, BiConsumer<String, Runnable> threads) {
        this.context = context;
        this.config = context.config();
        this.threads = threads;
        this.maxConnections = maxConnections;
        this.throttle = new ConnectThrottle(context.clock(), config.connectsPerAddressPerMinute());
        this.refusalLog = refusals;
    }

    /** The connect throttle, shared with the other doors: one allowance per address, whichever port. */
    public ConnectThrottle throttle() {
        return throttle;
    }

    /** Logs a refusal, bounded: one line per address and reason per minute, with the count. */
    public void logRefusal(String door, InetAddress address, CloseReason reason) {
        String detail = detail(reason, address);
        refusalLog.refused(door, address, reason.code(), detail.isEmpty() ? "" : "(" + detail + ")");
    }

    /**
     * Accepting thread: why this connection must be refused, or null to serve it, in which case it now
     * counts against its address until {@link #released}. Counted on the one accepting thread, so the
     * limits are exact.
     */
    CloseReason check(InetAddress address, boolean stopping, int connected) {
        return stopping ? CloseReason.SHUTDOWN
                : context.chat().moderation().banOf(address) != null ? CloseReason.BANNED
                : connected >= maxConnections ? CloseReason.SERVER_FULL
                : !withinConnectRate(address) ? CloseReason.THROTTLED
                : !admitAddress(address) ? CloseReason.TOO_MANY_FROM_ADDRESS
                : null;
    }

    /** A served connection from {@code address} has ended. */
    void released(InetAddress address) {
        if (address.isLoopbackAddress() && !config.limitLoopback()) {
            return;
        }
        perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    /**
     * Sends a refused client its bye and closes, on a thread of its own that lingers a little so the bye
     * is read; in a storm of refusals, at once without lingering, so no descriptor is held for it.
     */
    void refuse(long id, Socket socket, CloseReason reason) {
        if (refusals.tryAcquire()) {
            threads.accept("loomchat-refuse-" + id, () -> {
                try {
                    refuseWithLinger(id, socket, reason);
                } finally {
                    refusals.release();
                }
            });
        } else {
            refuseAtOnce(socket, reason);
        }
    }

    private boolean withinConnectRate(InetAddress address) {
        return (address.isLoopbackAddress() && !config.limitLoopback()) || throttle.admit(address);
    }

    private boolean admitAddress(InetAddress address) {
        if (address.isLoopbackAddress() && !config.limitLoopback()) {
            return true;
        }
        boolean[] admitted = {false};
        perAddress.compute(address, (a, n) -> {
            int count = n == null ? 0 : n;
            admitted[0] = count < config.maxConnectionsPerAddress();
            return admitted[0] ? count + 1 : count;
        });
        return admitted[0];
    }

    /** Writes the bye into the fresh socket's empty send buffer (which cannot block) and closes. */
    private void refuseAtOnce(Socket socket, CloseReason reason) {
        context.metrics().closed(reason.code());
        logRefusal("the chat port", socket.getInetAddress(), reason);
        try (socket) {
            socket.getOutputStream().write(Codec.encode(new Bye(reason.code(), reason.summary())));
        } catch (IOException e) {
            LOG.debug("refusing {}: {}", socket.getInetAddress().getHostAddress(), e.toString());
        }
    }

    /** The bye a refused connection gets: the reason, and the limit or ban behind it. */
    public Bye byeFor(CloseReason reason, InetAddress address) {
        String detail = detail(reason, address);
        return new Bye(reason.code(), reason.summary() + (detail.isEmpty() ? "" : ": " + detail));
    }

    private String detail(CloseReason reason, InetAddress address) {
        return switch (reason) {
            case SERVER_FULL -> "max-connections=" + maxConnections;
            case TOO_MANY_FROM_ADDRESS -> "max-connections-per-address=" + config.maxConnectionsPerAddress();
            case THROTTLED -> "connects-per-address-per-minute=" + config.connectsPerAddressPerMinute();
            case BANNED -> {
                Moderation.Sanction ban = context.chat().moderation().banOf(address);
                yield ban == null ? "" : SafeText.neutralize(context.chat().moderation().left(ban)
                        + (ban.reason() == null ? "" : ": " + ban.reason()));
            }
            default -> "";
        };
    }

    private void refuseWithLinger(long id, Socket socket, CloseReason reason) {
        Bye bye = byeFor(reason, socket.getInetAddress());
        logRefusal("the chat port", socket.getInetAddress(), reason);
        context.metrics().closed(reason.code());
        try (socket) {
            OutputStream out = socket.getOutputStream();
            out.write(Codec.encode(bye));
            out.flush();
            socket.shutdownOutput();
            // Read what the client already sent (its hello, say) before closing: closing with unread input
            // sends a reset, which can destroy the bye before the client reads it.
            drainBriefly(socket);
        } catch (IOException e) {
            LOG.debug("refusing #{}: {}", id, e.toString());
        }
    }

    /** Reads and drops input until the peer closes, for at most the close linger and 64 KiB. */
    private void drainBriefly(Socket socket) throws IOException {
        // Real time, not the ticker: socket timeouts are real time too.
        long deadline = System.nanoTime() + config.closeLinger().toNanos();
        byte[] sink = new byte[4096];
        int total = 0;
        while (total < DRAIN_BYTES) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return;
            }
            socket.setSoTimeout((int) left);
            int n = socket.getInputStream().read(sink);
            if (n < 0) {
                return;
            }
            total += n;
        }
    }
}
