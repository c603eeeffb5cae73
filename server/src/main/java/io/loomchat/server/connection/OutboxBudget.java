package io.loomchat.server.connection;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory all outboxes may hold together ({@code --outbox-memory}). Each outbox is bounded by
 * max-outbox-bytes, but connections are many: ten thousand readers that stop reading could hold 2.5 GiB
 * before each is cut off on its own. Past this budget, an outbox more than half full, or more than a
 * quarter full while its writer has been stuck in one write for a while (the client stopped reading), takes
 * no more: its client is cut off as a slow consumer at once. Clients that keep up, even through a burst,
 * are never touched. The budget is soft: all outboxes together stay below the budget plus half of
 * max-outbox-bytes for each client that is behind, instead of all of it.
 */
public final class OutboxBudget {

    private final long limit;
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    public OutboxBudget(long limit) {
        this.limit = limit;
    }

    /** No total: each outbox only by its own limit. */
    public static OutboxBudget unlimited() {
        return new OutboxBudget(Long.MAX_VALUE);
    }

    boolean spent() {
        return queued.get() > limit;
    }

    void add(long bytes) {
        long now = queued.addAndGet(bytes);
        if (now > peak.get()) {
            peak.accumulateAndGet(now, Math::max);
        }
    }

    void release(long bytes) {
        queued.addAndGet(-bytes);
    }

    public long limit() {
        return limit;
    }

    /** Bytes queued in all outboxes now. */
    public long queued() {
        return queued.get();
    }

    /** The most that was ever queued at once. */
    public long peak() {
        return peak.get();
    }
}
