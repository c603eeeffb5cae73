package io.loomchat.server.guard;

import java.net.InetAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A token bucket per address, for work that a client can ask for on a connection that is not a session
 * (an HTTP request to the web port): {@code burst} at once, then {@code perSecond}. Per address, not per
 * connection, so that opening a new connection buys nothing. Shared by the threads of one door; nothing
 * blocks under its lock.
 */
public final class AddressRate {

    private static final int PRUNE_EVERY = 1_024;

    private static final class Bucket {
        double tokens;
        long lastMillis;
    }

    private final Clock clock;
    private final double perMilli;
    private final int burst;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<InetAddress, Bucket> buckets = new HashMap<>(); // guarded by lock
    private int sincePrune; // guarded by lock

    public AddressRate(Clock clock, double perSecond, int burst) {
        this.clock = clock;
        this.perMilli = perSecond / 1000.0;
        this.burst = burst;
    }

    /** Takes a token for {@code address}; false when it has none left. */
    public boolean allow(InetAddress address) {
        long now = clock.millis();
        lock.lock();
        try {
            if (++sincePrune >= PRUNE_EVERY) {
                sincePrune = 0;
                long refillMillis = (long) Math.ceil(burst / perMilli);
                buckets.values().removeIf(b -> now - b.lastMillis >= refillMillis); // full again: forget it
            }
            Bucket b = buckets.computeIfAbsent(address, a -> {
                Bucket fresh = new Bucket();
                fresh.tokens = burst;
                fresh.lastMillis = now;
                return fresh;
            });
            b.tokens = Math.min(burst, b.tokens + Math.max(0, now - b.lastMillis) * perMilli);
            b.lastMillis = now;
            if (b.tokens < 1) {
                return false;
            }
            b.tokens -= 1;
            return true;
        } finally {
            lock.unlock();
        }
    }

    public double perSecond() {
        return perMilli * 1000.0;
    }

    public int burst() {
        return burst;
    }
}
