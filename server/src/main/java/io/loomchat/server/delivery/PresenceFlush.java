package io.loomchat.server.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes, a moment later, the writers of clients that were only sent presence (someone joined or left a
 * room). Those lines are queued at once and in order like any other, but need not cost a write each: a
 * room filling up by a thousand joins a second would otherwise make every member's writer wake and write
 * a thousand times a second. Within {@link #DELAY_NANOS} they go out together, or sooner with the next
 * line that is not presence (a message wakes the writer at once and takes them along).
 *
 * <p>One thread, which waits while nothing is pending, so an idle server never wakes for it.
 */
public final class PresenceFlush {

    /** The most a join or leave notice waits for company: far below what a person notices. */
    static final long DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition due = lock.newCondition();
    private List<Outbox> pending = new ArrayList<>(); // guarded by lock; duplicate-free by Outbox's wake state
    private List<Outbox> spare = new ArrayList<>(); // flusher only
    private boolean stopped; // guarded by lock
    private Thread flusher;

    public void start() {
        flusher = Thread.ofVirtual().name("loomchat-presence").start(this::run);
    }

    public void stop() {
        lock.lock();
        try {
            stopped = true;
            due.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Called by an outbox, under its own lock: it has presence queued and its writer asleep. */
    void add(Outbox outbox) {
        lock.lock();
        try {
            pending.add(outbox);
            if (pending.size() == 1) {
                due.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        try {
            while (true) {
                List<Outbox> now;
                lock.lock();
                try {
                    while (pending.isEmpty() && !stopped) {
                        due.await();
                    }
                    if (stopped) {
                        return;
                    }
                    // Let the notices of the next moment gather, then wake everyone owed a wake-up.
                    long left = DELAY_NANOS;
                    while (left > 0 && !stopped) {
                        left = due.awaitNanos(left);
                    }
                    now = pending;
                    pending = spare;
                } finally {
                    lock.unlock();
                }
                for (int i = 0; i < now.size(); i++) {
                    now.get(i).wake();
                }
                now.clear();
                spare = now;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
