package io.loomchat.server.guard;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A token bucket per key: {@code burst} at once, then {@code perSecond}. Keyed by address for work that a
 * client can ask for on a connection that is not a session (an HTTP request to the web port), so that
 * opening a new connection buys nothing; by account for failed logins. Shared by many threads; nothing
 * blocks under its lock, and buckets that have filled up again are forgotten.
 */
public final class TokenBuckets<K> {

    private static final int PRUNE_EVERY = 1_024;

    private static final class Bucket {
        double tokens;
        long lastMillis;
    }

    private final Clock clock;
    private final double perMilli;
    private final int burst;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<K, Bucket> buckets = new HashMap<>(); // guarded by lock
    private int sincePrune; // guarded by lock

    public TokenBuckets(Clock clock, double perSecond, int burst) {
        this.clock = clock;
        this.perMilli = perSecond / 1000.0;
        this.burst = burst;
    }

    /** Takes a token for {@code key}; false when it has none left. */
    public boolean allow(K key) {
        return tokens(key, true);
    }

    /** Gives back a token taken for {@code key} (an attempt that turned out right costs nothing). */
    public void refund(K key) {
        lock.lock();
        try {
            Bucket b = refilled(key, clock.millis());
            b.tokens = Math.min(burst, b.tokens + 1);
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code key} has a token left, without taking it. */
    public boolean hasToken(K key) {
        return tokens(key, false);
    }

    /** Seconds until {@code key} has a token again; 0 if it has one. */
    public long secondsUntilToken(K key) {
        lock.lock();
        try {
            Bucket b = refilled(key, clock.millis());
            return b.tokens >= 1 ? 0 : (long) Math.ceil((1 - b.tokens) / perMilli / 1000.0);
        } finally {
            lock.unlock();
        }
    }

    private boolean tokens(K key, boolean take) {
        long now = clock.millis();
        lock.lock();
        try {
            if (++sincePrune >= PRUNE_EVERY) {
                sincePrune = 0;
                long refillMillis = (long) Math.ceil(burst / perMilli);
                buckets.values().removeIf(b -> now - b.lastMillis >= refillMillis); // full again: forget it
            }
            Bucket b = refilled(key, now);
            if (b.tokens < 1) {
                return false;
            }
            if (take) {
                b.tokens -= 1;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock. */
    private Bucket refilled(K key, long now) {
        Bucket b = buckets.computeIfAbsent(key, k -> {
            Bucket fresh = new Bucket();
            fresh.tokens = burst;
            fresh.lastMillis = now;
            return fresh;
        });
        b.tokens = Math.min(burst, b.tokens + Math.max(0, now - b.lastMillis) * perMilli);
        b.lastMillis = now;
        return b;
    }

    public double perSecond() {
        return perMilli * 1000.0;
    }

    public int burst() {
        return burst;
    }
}
