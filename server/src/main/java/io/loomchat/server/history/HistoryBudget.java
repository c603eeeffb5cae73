package io.loomchat.server.history;

import io.loomchat.protocol.Event.ChatMessage;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The memory all rooms' kept messages may take together ({@code --history-memory}). Each room's history is
 * bounded in lines ({@code --history-size}), but lines are up to 16 KiB and rooms are many: without a total,
 * a few hundred clients can fill the heap with history. Past the budget, the oldest kept messages of the
 * largest rooms go first, down to nine tenths of the budget so that eviction does not run on every line.
 * With a data dir the journal still holds them on disk.
 */
public final class HistoryBudget {

    /** Roughly what a kept message costs besides its text: the record, its strings' headers, the timestamp. */
    static final int OVERHEAD_BYTES = 160;

    private final long limit;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();
    private final Set<KeptHistory> rooms = ConcurrentHashMap.newKeySet();
    private final ReentrantLock evicting = new ReentrantLock();

    public HistoryBudget(long limit) {
        this.limit = limit;
    }

    /** The bytes a kept message is counted for (Java strings take up to two bytes a character). */
    static long cost(ChatMessage m) {
        return OVERHEAD_BYTES + 2L * (m.text().length() + m.from().length());
    }

    long limit() {
        return limit;
    }

    public long used() {
        return used.get();
    }

    /** Messages dropped from memory to keep within the budget, since the start. */
    public long evicted() {
        return evicted.get();
    }

    public void register(KeptHistory room) {
        rooms.add(room);
    }

    public void unregister(KeptHistory room) {
        rooms.remove(room);
    }

    void add(long bytes) {
        used.addAndGet(bytes);
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /**
     * If over the budget, trims the largest rooms' oldest messages until nine tenths of it are used. Never
     * called under a room's lock (it takes other rooms' locks, one at a time); one caller trims, others
     * go on.
     */
    public void trimIfOver() {
        if (used.get() <= limit || !evicting.tryLock()) {
            return;
        }
        try {
            long target = limit / 10 * 9;
            // The rooms' sizes are read once, into a heap, rather than rescanned for every cut: with
            // thousands of rooms a rescan per cut would keep this thread (a client's read loop) busy for
            // seconds without ever blocking.
            record Kept(KeptHistory room, long bytes) {
            }
            PriorityQueue<Kept> largestFirst = new PriorityQueue<>(Comparator.comparingLong(Kept::bytes).reversed());
            for (KeptHistory room : rooms) {
                long bytes = room.keptBytes();
                if (bytes > 0) {
                    largestFirst.add(new Kept(room, bytes));
                }
            }
            for (int cuts = 1; used.get() > target && !largestFirst.isEmpty(); cuts++) {
                Kept largest = largestFirst.poll();
                Kept next = largestFirst.peek();
                // Down to the next largest, or a quarter of it, whichever is more: the next gets its turn soon.
                long toFree = Math.min(used.get() - target,
                        Math.max(Math.max(largest.bytes() / 4, 1), next == null ? 0 : largest.bytes() - next.bytes()));
                int dropped = largest.room().dropOldestKept(toFree);
                evicted.addAndGet(dropped);
                long left = largest.room().keptBytes();
                if (dropped > 0 && left > 0) {
                    largestFirst.add(new Kept(largest.room(), left));
                }
                if (cuts % 256 == 0) {
                    Thread.yield(); // a long trim takes turns with the other connections
                }
            }
        } finally {
            evicting.unlock();
        }
    }
}
