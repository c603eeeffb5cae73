package io.loomchat.cli.connection;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lines waiting to go out on one link, written by one virtual thread of their own, so that whoever
 * sends (the reader answering a ping, the person typing) never waits on the socket. Its contract:
 * <ul>
 *   <li>{@link #offer} MUST NOT block on the network: it only queues;</li>
 *   <li>lines MUST go out whole and in the order offered;</li>
 *   <li>only the writer thread touches the stream.</li>
 * </ul>
 * A server that stops reading makes the queue grow: past {@link #MAX_QUEUED_BYTES} the link is given up
 * (the reconnect re-sends every line not acknowledged), rather than holding lines without end.
 */
final class Outbox {

    /** Far more than a person or a paced script can type while a healthy server reads. */
    static final int MAX_QUEUED_BYTES = 1024 * 1024;

    private final OutputStream out;
    private final Runnable giveUp;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition waiting = lock.newCondition();
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>(); // guarded by lock
    private long queuedBytes; // guarded by lock
    private boolean closed; // guarded by lock

    /** {@code giveUp} closes the link, when a write fails or the queue overflows. */
    Outbox(OutputStream socketOut, Runnable giveUp) {
        this.out = new BufferedOutputStream(socketOut, 16 * 1024);
        this.giveUp = giveUp;
    }

    void start() {
        Thread.ofVirtual().name("loomchat-cli-writer").start(this::writeLoop);
    }

    /** Queues one encoded line; fails if the link is closed or the server has stopped reading. */
    void offer(byte[] line) throws IOException {
        boolean overflow;
        lock.lock();
        try {
            if (closed) {
                throw new IOException("connection closed");
            }
            overflow = queuedBytes + line.length > MAX_QUEUED_BYTES;
            if (!overflow) {
                queue.add(line);
                queuedBytes += line.length;
                waiting.signal();
            }
        } finally {
            lock.unlock();
        }
        if (overflow) {
            giveUp.run();
            throw new IOException("the server has not read the last " + MAX_QUEUED_BYTES + " bytes sent");
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            waiting.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Takes everything queued, writes it and flushes once per batch. */
    private void writeLoop() {
        List<byte[]> batch = new ArrayList<>();
        try {
            while (true) {
                lock.lock();
                try {
                    while (queue.isEmpty() && !closed) {
                        waiting.await();
                    }
                    if (closed) {
                        return; // the socket is being closed: nothing more can go out
                    }
                    batch.addAll(queue);
                    queue.clear();
                    queuedBytes = 0;
                } finally {
                    lock.unlock();
                }
                for (byte[] line : batch) {
                    out.write(line);
                }
                out.flush();
                batch.clear();
            }
        } catch (IOException e) {
            giveUp.run(); // the reader then sees the end of the connection, which decides what comes next
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            giveUp.run();
        }
    }
}
