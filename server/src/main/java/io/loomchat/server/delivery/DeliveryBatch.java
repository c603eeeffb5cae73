package io.loomchat.server.delivery;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The deliveries of one read loop's batch: what that read loop owes the outboxes it queued lines to,
 * settled each time it has handled all the input of one read. Settling first has the room that holds
 * this read loop's latest lines (a {@link Burst}) queue them to its members, then wakes their writers
 * (once per read, not once per line), then, if some of them are more than half full but still draining,
 * gives them a moment to catch up before reading more (and so slows down the sender). Owned by that read
 * loop alone; whoever queues a line on its behalf (a room broadcasting a message it said) is handed its
 * batch.
 */
public final class DeliveryBatch {

    /**
     * How long a read loop waits per read for readers that are behind but draining: 10 ms for one just
     * over half full, growing in proportion to 100 ms for one at its limit, the fuller the longer, as
     * nats-server 2.9 does (from 100 ms at half its pending limit to 1 s at the limit). With 10 ms flat,
     * a full-speed fan-out to 100 cut readers of the load generator, which shares two cores with the
     * server, in 3 of 8 runs once the read loop had become faster (docs/BENCHMARKS.md).
     */
    static final long MIN_STALL_NANOS = 10_000_000L;
    static final long MAX_STALL_NANOS = 100_000_000L;

    private final List<Outbox> toWake = new ArrayList<>(); // kept duplicate-free by Outbox's wake state
    private final Set<Outbox> backlogged = new HashSet<>(); // a set: a busy read may back one member up often
    private BurstHolder holding; // the room holding lines this read loop said, not yet queued; null if none
    private final PresenceFlush later; // non-null only in a presence view
    private final DeliveryBatch owner; // the batch a presence view belongs to; this for a batch
    private final DeliveryBatch presence; // this batch's presence view

    /** A batch whose presence lines wake their writers at once, like every other line. */
    public DeliveryBatch() {
        this((PresenceFlush) null);
    }

    /** A batch whose presence lines (see {@link #presence}) wake their writers through {@code later}. */
    public DeliveryBatch(PresenceFlush later) {
        this.later = null;
        this.owner = this;
        this.presence = later == null ? this : new DeliveryBatch(this, later);
    }

    private DeliveryBatch(DeliveryBatch owner, PresenceFlush later) {
        this.later = later;
        this.owner = owner;
        this.presence = this;
    }

    /**
     * The same batch for lines that may wait a moment for company (join and leave notices to the other
     * members): their writers are woken by the {@link PresenceFlush}, or sooner by any other line.
     */
    public DeliveryBatch presence() {
        return presence;
    }

    /** True for a presence view: writers owed a wake-up are woken later, not when this batch settles. */
    boolean deferred() {
        return later != null;
    }

    void add(Outbox outbox) {
        if (later != null) {
            later.add(outbox);
        } else {
            toWake.add(outbox);
        }
    }

    public void backlogged(Outbox outbox) {
        owner.backlogged.add(outbox);
    }

    /** A room that holds lines said in it (a {@link Burst}) until the batch of their read loop settles. */
    public interface BurstHolder {
        /** Queues the held lines to every member now, the writers' wake-ups owed to {@code batch}. */
        void releaseBurst(DeliveryBatch batch);
    }

    /** {@code room} holds lines of this batch's read loop, to be queued when it settles at the latest. */
    public void holding(BurstHolder room) {
        owner.holding = room;
    }

    /**
     * Has the room holding this read loop's lines queue them now, unless it is {@code room}. Called with no
     * room's lock held (it takes that room's lock): before a line is said in another room, and before
     * anything else the read loop does, so that nothing it sends overtakes what it said before.
     */
    public void releaseHeldExcept(BurstHolder room) {
        BurstHolder held = owner.holding;
        if (held != null && held != room) {
            owner.holding = null;
            held.releaseBurst(owner);
        }
    }

    /** Has the room holding this read loop's lines queue them now. */
    public void releaseHeld() {
        releaseHeldExcept(null);
    }

    /**
     * Queues the lines a room holds for this read loop, wakes every writer owed a wake-up, then waits
     * (bounded) for backlogged but draining ones.
     */
    public void settle() {
        releaseHeld();
        for (int i = 0; i < toWake.size(); i++) {
            toWake.get(i).wake();
        }
        toWake.clear();
        if (backlogged.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        try {
            for (Outbox outbox : backlogged) {
                if (outbox.isDraining()) {
                    outbox.awaitBacklogBelowHalf(now + MIN_STALL_NANOS, now + MAX_STALL_NANOS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            backlogged.clear();
        }
    }
}
