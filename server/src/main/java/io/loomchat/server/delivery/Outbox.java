package io.loomchat.server.delivery;

import io.loomchat.server.ops.Metrics;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The write path of one connection: a byte-bounded queue of encoded lines and the single writer that drains
 * it into the socket.
 *
 * <p>{@link #offer} is called by any thread that has something for this client (its own read loop, a room
 * broadcasting, a private message). It:
 * <ul>
 *   <li>MUST NOT block: it only queues, under a lock held for a few instructions, never during I/O;</li>
 *   <li>MUST NOT reorder: lines are written in the order their offers returned;</li>
 *   <li>MUST give mutual exclusion: only the writer loop ({@link #drainTo}) touches the stream.</li>
 * </ul>
 * A client that lets more than {@code maxBytes} pile up (counting the batch being written) is a slow
 * consumer: the offer is refused and the caller ends the connection.
 *
 * <p>The writer takes everything queued at once and writes it with as few system calls as the batch
 * needs, flushing once per batch instead of once per line.
 */
public final class Outbox {

    /** ACCEPTED_BACKLOGGED: queued, but more than half the limit is now waiting. */
    public enum Offer { ACCEPTED, ACCEPTED_BACKLOGGED, CLOSED, OVERFLOW, SHED }

    /**
     * A writer whose current write has lasted this long is not draining: it is stuck, not just behind, and
     * a fast sender is no longer slowed for it. Not much shorter: at 50 ms, readers of a full-speed
     * fan-out whose thread had not run for a moment (the load generator shares two cores with the server)
     * counted as stuck, were not waited for and were cut as slow consumers, in 3 of 8 runs to 100.
     */
    private static final long STUCK_NANOS = 200_000_000L;

    /** Tries for the lock before queueing for it: a few microseconds at most (see lockBriefly). */
    private static final int SPINS = 64;

    private final int maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readyOrClosing = lock.newCondition();
    private final Condition drained = lock.newCondition();
    private ArrayDeque<byte[]> queue = new ArrayDeque<>(); // guarded by lock
    private ArrayDeque<byte[]> spare = new ArrayDeque<>(); // writer only, swapped with queue
    private long pendingBytes; // guarded by lock: queued plus being written
    private boolean closing; // guarded by lock
    /** Who will wake the writer for what is queued: nobody needs to (it was signalled), a read loop, or the presence flush. */
    private enum Wake { NONE, NOW, LATER }

    private Wake wake = Wake.NONE; // guarded by lock
    private boolean writerAsleep; // guarded by lock: the writer waits for lines (not writing, not about to look)
    private byte[] finalLine; // guarded by lock
    private final Coalescer coalescer = new Coalescer(); // writer only

    private volatile long writeStartedNanos; // 0 while the writer is not inside a write
    private volatile long closingSinceNanos; // 0 while open

    private final Metrics metrics;

    private final Ticker ticker; // stamps the write and close times the watchdog compares

    private final OutboxBudget budget;
    private final BudgetShare share; // guarded by lock

    public Outbox(int maxBytes, Metrics metrics, Ticker ticker, OutboxBudget budget) {
        this.maxBytes = maxBytes;
        this.metrics = metrics;
        this.ticker = ticker;
        this.budget = budget;
        this.share = new BudgetShare(budget, maxBytes);
    }

    /**
     * Queues a line. The writer, which waits only on an empty queue, is woken at once, or, when
     * {@code wakeups} is given, once the caller's read loop has handled all the input it has: a burst of
     * lines then costs one wake-up and one write per recipient, not one per line (NATS's flushClients).
     */
    public Offer offer(byte[] line, DeliveryBatch wakeups) {
        lockBriefly();
        try {
            if (closing) {
                return Offer.CLOSED;
            }
            boolean wasEmpty = queue.isEmpty();
            Offer refused = queue(line, pendingBytes > maxBytes / 4 && budget.spent());
            if (refused != null) {
                return refused;
            }
            share.update(pendingBytes);
            owe(wasEmpty, wakeups);
            return pendingBytes > maxBytes / 2 ? Offer.ACCEPTED_BACKLOGGED : Offer.ACCEPTED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues every line of {@code burst} as {@code member} receives it, in order, under one lock: as
     * {@link #offer(byte[], DeliveryBatch)} line by line, but one lock, one budget count and at most one
     * wake-up for all of them. If a line is refused, the lines before it stay queued and the refusal is
     * returned (the caller ends the connection, as it would have at that line).
     */
    public Offer offer(Burst burst, Object member, DeliveryBatch wakeups) {
        lockBriefly();
        try {
            if (closing) {
                return Offer.CLOSED;
            }
            boolean wasEmpty = queue.isEmpty();
            Offer refused = null;
            int budgetLook = 0; // the shared budget, asked once per burst (summing it is not free): 0 not yet, 1 spent, 2 not
            for (int i = 0, n = burst.size(); i < n && refused == null; i++) {
                if (budgetLook == 0 && pendingBytes > maxBytes / 4) {
                    budgetLook = budget.spent() ? 1 : 2;
                }
                refused = queue(burst.json(i, member), budgetLook == 1);
            }
            share.update(pendingBytes);
            if (!queue.isEmpty()) {
                owe(wasEmpty, wakeups);
            }
            return refused != null ? refused : pendingBytes > maxBytes / 2 ? Offer.ACCEPTED_BACKLOGGED : Offer.ACCEPTED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under lock: queues one line, or says why not (null when queued). {@code budgetSpent}: whether all
     * clients' unsent lines fill the shared budget, as asked when this client was more than a quarter full.
     */
    private Offer queue(byte[] line, boolean budgetSpent) {
        if (pendingBytes + line.length > maxBytes) {
            return Offer.OVERFLOW;
        }
        if (budgetSpent && pendingBytes > maxBytes / 4 && (pendingBytes > maxBytes / 2 || !isDraining())) {
            return Offer.SHED;
        }
        queue.addLast(line);
        pendingBytes += line.length;
        return null;
    }

    /** Under lock, after lines were queued: sees that the writer is woken for them, now or when {@code wakeups} settles. */
    private void owe(boolean wasEmpty, DeliveryBatch wakeups) {
        // A queue that held lines had its writer woken already, unless only presence is waiting for a
        // later wake-up: then a line that may not wait wakes it sooner, and takes the presence along.
        if (!writerAsleep) {
            // The writer is writing, or about to look: it takes these lines on its next turn, no wake-up
            // needed (it looks at the queue under this lock before it sleeps, so none is lost).
        } else if (wasEmpty || wake == Wake.LATER) {
            if (wakeups == null) {
                wake = Wake.NONE;
                readyOrClosing.signal();
            } else if (!wakeups.deferred()) {
                if (wake != Wake.NOW) {
                    wake = Wake.NOW;
                    wakeups.add(this);
                }
            } else if (wake == Wake.NONE) {
                wake = Wake.LATER;
                wakeups.add(this);
            }
        }
    }

    /** Wakes the writer for lines queued with a deferred wake-up. */
    void wake() {
        lockBriefly();
        try {
            wake = Wake.NONE;
            readyOrClosing.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops taking lines. The writer writes what is queued (unless {@code dropPending}), then
     * {@code lastLine}, and returns. Returns false if the outbox was already closing.
     */
    public boolean close(byte[] lastLine, boolean dropPending) {
        lock.lock();
        try {
            if (closing) {
                return false;
            }
            closing = true;
            closingSinceNanos = ticker.nanoTime();
            finalLine = lastLine;
            if (dropPending) {
                pendingBytes -= queuedBytes();
                share.update(pendingBytes);
                queue.clear();
            }
            readyOrClosing.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The writer has ended (the connection is gone): whatever is still pending will never be written, and
     * no longer counts against the budget; nothing more is taken.
     */
    public void abandon() {
        lock.lock();
        try {
            closing = true;
            pendingBytes = 0;
            share.update(pendingBytes);
            queue.clear();
            spare.clear();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until at most half the limit is pending, the outbox closes, or the deadline passes: {@code
     * halfFullDeadline} for a backlog just over half the limit, later in proportion to how far beyond
     * half it is, {@code fullDeadline} at the limit. Used to slow a fast producer to the pace of a reader
     * that is behind but draining (NATS stalls fast producers the same way), instead of dropping that
     * reader as slow.
     */
    void awaitBacklogBelowHalf(long halfFullDeadline, long fullDeadline) throws InterruptedException {
        lock.lock();
        try {
            long half = maxBytes / 2;
            while (pendingBytes > half && !closing) {
                double beyond = Math.min(1.0, (double) (pendingBytes - half) / Math.max(1, maxBytes - half));
                long deadline = halfFullDeadline + (long) ((fullDeadline - halfFullDeadline) * beyond);
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                drained.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** False while the writer is stuck in one write: waiting for it would only pass its stall on. */
    public boolean isDraining() {
        long started = writeStartedNanos;
        return started == 0 || ticker.nanoTime() - started < STUCK_NANOS;
    }

    /** True while the writer waits for lines; tests wait for it before they count wake-ups. */
    public boolean isWriterWaiting() {
        lock.lock();
        try {
            return writerAsleep;
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosing() {
        return closingSinceNanos != 0;
    }

    /** When the writer entered the write it is still in, by the ticker; 0 if none. */
    public long writeStartedNanos() {
        return writeStartedNanos;
    }

    /** When {@link #close} was called, by the ticker; 0 while open. */
    public long closingSinceNanos() {
        return closingSinceNanos;
    }

    /** The writer loop. Runs on the connection's writer thread until the outbox is closed and drained. */
    public void drainTo(OutputStream out) throws IOException, InterruptedException {
        long written = 0; // by the previous turn, counted under this turn's lock: one lock a turn, not two
        while (true) {
            ArrayDeque<byte[]> batch;
            byte[] last = null;
            boolean done;
            lockBriefly();
            try {
                countWritten(written);
                if (queue.isEmpty()) {
                    coalescer.drop(); // an idle connection holds no write buffer
                }
                while (queue.isEmpty() && !closing) {
                    writerAsleep = true;
                    try {
                        readyOrClosing.await();
                    } finally {
                        writerAsleep = false;
                    }
                }
                batch = queue;
                queue = spare;
                done = closing;
                if (done) {
                    last = finalLine;
                }
            } finally {
                lock.unlock();
            }
            written = write(out, batch, last);
            spare = batch;
            if (done) {
                coalescer.drop();
                lock.lock();
                try {
                    countWritten(written);
                } finally {
                    lock.unlock();
                }
                return;
            }
        }
    }

    /** Under lock: {@code written} bytes have left; a producer slowed for this client may go on. */
    private void countWritten(long written) {
        if (written == 0) {
            return;
        }
        pendingBytes -= written;
        share.update(pendingBytes);
        if (pendingBytes <= maxBytes / 2) {
            drained.signalAll();
        }
    }

    /**
     * Takes the lock, trying a few times before queueing for it. Every hold of this lock lasts a few
     * instructions (nothing blocks under it; the waits let go of it), while a thread that queues parks, and
     * the holder must then unpark it as it lets go: at full-speed fan-out to 1,000, the read loop unparking
     * writers that had bumped into it on their outbox was a third of the server's samples. Bounded: at most
     * {@link #SPINS} tries, then the lock's own queue.
     */
    private void lockBriefly() {
        for (int i = 0; i < SPINS; i++) {
            if (lock.tryLock()) {
                return;
            }
            Thread.onSpinWait();
        }
        lock.lock();
    }

    private long write(OutputStream out, ArrayDeque<byte[]> batch, byte[] last) throws IOException {
        if (last != null) {
            batch.addLast(last);
        }
        long total = 0;
        int lines = batch.size();
        writeStartedNanos = ticker.nanoTime();
        try {
            if (batch.size() == 1) {
                byte[] only = batch.pollFirst();
                out.write(only);
                total = only.length;
            } else {
                total = coalescer.write(out, batch);
            }
            out.flush();
        } finally {
            writeStartedNanos = 0;
        }
        batch.clear();
        metrics.linesOut.add(lines);
        metrics.bytesOut.add(total);
        return last == null ? total : total - last.length;
    }

    /** Bytes that may still be queued before the outbox counts as backlogged (half its limit). */
    public long headroom() {
        lock.lock();
        try {
            return Math.max(0, maxBytes / 2 - pendingBytes);
        } finally {
            lock.unlock();
        }
    }

    private long queuedBytes() {
        long sum = 0;
        for (byte[] line : queue) {
            sum += line.length;
        }
        return sum;
    }
}
