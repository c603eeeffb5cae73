package io.loomchat.server;

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
final class Outbox {

    enum Offer { ACCEPTED, CLOSED, OVERFLOW }

    /** Big enough that a burst of chat lines goes out in one write; allocated only once a burst happens. */
    private static final int COALESCE_BYTES = 16 * 1024;

    private final int maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readyOrClosing = lock.newCondition();
    private ArrayDeque<byte[]> queue = new ArrayDeque<>(); // guarded by lock
    private ArrayDeque<byte[]> spare = new ArrayDeque<>(); // writer only, swapped with queue
    private long pendingBytes; // guarded by lock: queued plus being written
    private boolean closing; // guarded by lock
    private byte[] finalLine; // guarded by lock
    private byte[] coalesce; // writer only

    private volatile long writeStartedNanos; // 0 while the writer is not inside a write
    private volatile long closingSinceNanos; // 0 while open

    Outbox(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    Offer offer(byte[] line) {
        lock.lock();
        try {
            if (closing) {
                return Offer.CLOSED;
            }
            if (pendingBytes + line.length > maxBytes) {
                return Offer.OVERFLOW;
            }
            queue.addLast(line);
            pendingBytes += line.length;
            readyOrClosing.signal();
            return Offer.ACCEPTED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops taking lines. The writer writes what is queued (unless {@code dropPending}), then
     * {@code lastLine}, and returns. Returns false if the outbox was already closing.
     */
    boolean close(byte[] lastLine, boolean dropPending) {
        lock.lock();
        try {
            if (closing) {
                return false;
            }
            closing = true;
            closingSinceNanos = System.nanoTime();
            finalLine = lastLine;
            if (dropPending) {
                pendingBytes -= queuedBytes();
                queue.clear();
            }
            readyOrClosing.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    boolean isClosing() {
        return closingSinceNanos != 0;
    }

    /** When the writer entered the write it is still in, by {@link System#nanoTime()}; 0 if none. */
    long writeStartedNanos() {
        return writeStartedNanos;
    }

    /** When {@link #close} was called, by {@link System#nanoTime()}; 0 while open. */
    long closingSinceNanos() {
        return closingSinceNanos;
    }

    /** The writer loop. Runs on the connection's writer thread until the outbox is closed and drained. */
    void drainTo(OutputStream out) throws IOException, InterruptedException {
        while (true) {
            ArrayDeque<byte[]> batch;
            byte[] last = null;
            boolean done;
            lock.lock();
            try {
                while (queue.isEmpty() && !closing) {
                    readyOrClosing.await();
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
            long written = write(out, batch, last);
            spare = batch;
            lock.lock();
            try {
                pendingBytes -= written;
            } finally {
                lock.unlock();
            }
            if (done) {
                return;
            }
        }
    }

    private long write(OutputStream out, ArrayDeque<byte[]> batch, byte[] last) throws IOException {
        if (last != null) {
            batch.addLast(last);
        }
        long total = 0;
        writeStartedNanos = System.nanoTime();
        try {
            if (batch.size() == 1) {
                byte[] only = batch.pollFirst();
                out.write(only);
                total = only.length;
            } else {
                total = writeCoalesced(out, batch);
            }
            out.flush();
        } finally {
            writeStartedNanos = 0;
        }
        batch.clear();
        return last == null ? total : total - last.length;
    }

    private long writeCoalesced(OutputStream out, ArrayDeque<byte[]> batch) throws IOException {
        if (coalesce == null) {
            coalesce = new byte[COALESCE_BYTES];
        }
        long total = 0;
        int filled = 0;
        for (byte[] line; (line = batch.pollFirst()) != null; ) {
            total += line.length;
            if (line.length > coalesce.length - filled) {
                if (filled > 0) {
                    out.write(coalesce, 0, filled);
                    filled = 0;
                }
                if (line.length > coalesce.length) {
                    out.write(line);
                    continue;
                }
            }
            System.arraycopy(line, 0, coalesce, filled, line.length);
            filled += line.length;
        }
        if (filled > 0) {
            out.write(coalesce, 0, filled);
        }
        return total;
    }

    private long queuedBytes() {
        long sum = 0;
        for (byte[] line : queue) {
            sum += line.length;
        }
        return sum;
    }
}
