package io.loomchat.server.delivery;

import java.util.concurrent.atomic.LongAdder;

/**
 * The memory all outboxes may hold together ({@code --outbox-memory}). Each outbox is bounded by
 * max-outbox-bytes, but connections are many: ten thousand readers that stop reading could hold 2.5 GiB
 * before each is cut off on its own. Past this budget, an outbox more than half full, or more than a
 * quarter full while its writer has been stuck in one write for a while (the client stopped reading), takes
 * no more: its client is cut off as a slow consumer at once. Clients that keep up, even through a burst,
 * are never touched. The budget is soft: all outboxes together stay below the budget plus half of
 * max-outbox-bytes for each client that is behind, instead of all of it. An outbox counts only what it holds
 * beyond an eighth of max-outbox-bytes, in steps of a 32nd rounded up: a client that keeps up costs the
 * shared counter nothing, one that is behind touches it once a step instead of once a line, and the count
 * is never below what the outboxes hold.
 */
public final class OutboxBudget {

    private final long limit;
    // A LongAdder, not an AtomicLong: every queued and every written line of every client updates it, and
    // one contended counter would cost the fan-out path dearly. It is summed only when an outbox is behind.
    private final LongAdder queued = new LongAdder();

    public OutboxBudget(long limit) {
        this.limit = limit;
    }

    /** No total: each outbox only by its own limit. */
    public static OutboxBudget unlimited() {
        return new OutboxBudget(Long.MAX_VALUE);
    }

    /** How long a sum is trusted: summing counters other cores keep writing costs more than the offer. */
    private static final long RECHECK_NANOS = 1_000_000;

    private volatile long notSpentAt = System.nanoTime() - RECHECK_NANOS; // when a sum last said "not spent"

    /**
     * Whether the budget is spent. Asked on every line to a client that is behind, which at full-speed
     * fan-out is most of them, so a "no" is trusted for a millisecond; a "yes", which cuts clients off, is
     * always summed afresh. A millisecond-old "no" adds to the softness, not to the bound: each outbox still
     * stops at its own limit.
     */
    boolean spent() {
        if (limit == Long.MAX_VALUE) {
            return false;
        }
        long now = System.nanoTime();
        if (now - notSpentAt < RECHECK_NANOS) {
            return false;
        }
        boolean spent = queued.sum() > limit;
        if (!spent) {
            notSpentAt = now; // two threads may both sum: harmless
        }
        return spent;
    }

    void add(long bytes) {
        queued.add(bytes);
    }

    void release(long bytes) {
        queued.add(-bytes);
    }

    public long limit() {
        return limit;
    }

    /** Bytes queued in all outboxes now (a sum of counters: exact only when nothing moves). */
    public long queued() {
        return queued.sum();
    }
}
