package io.loomchat.cli;

import io.loomchat.cli.chat.ChatState;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The {@link ChatState} shared by a link's reader thread, the person's input thread and the reconnect loop,
 * behind one lock, with waits for it to change and for the chat to end. The lock is only ever held for
 * the state's in-memory work, never across a socket write or a screen update that could block.
 */
final class LockedChat {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ChatState state; // guarded by lock
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicBoolean ended = new AtomicBoolean();

    LockedChat(ChatState state) {
        this.state = state;
    }

    /** Reads the state. */
    <T> T read(Function<ChatState, T> query) {
        lock.lock();
        try {
            return query.apply(state);
        } finally {
            lock.unlock();
        }
    }

    /** Changes the state and wakes everyone waiting for it. */
    <T> T update(Function<ChatState, T> change) {
        lock.lock();
        try {
            return change.apply(state);
        } finally {
            changed.signalAll();
            lock.unlock();
        }
    }

    /** Changes the state and wakes everyone waiting for it. */
    void change(Consumer<ChatState> change) {
        update(s -> {
            change.accept(s);
            return null;
        });
    }

    /** Wakes everyone waiting, e.g. after a link ended. */
    void signal() {
        update(s -> null);
    }

    /** Waits until {@code condition} holds, the chat ends or time runs out; whether it holds. */
    boolean await(Duration timeout, Predicate<ChatState> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!condition.test(state) && closed.getCount() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return condition.test(state);
        } finally {
            lock.unlock();
        }
    }

    /** Waits {@code wait}, or less if the person quits meanwhile (even after the chat ended); true if they did. */
    boolean quitsWithin(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        lock.lock();
        try {
            while (!state.isQuitting()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Marks the chat ended for good; true for the one caller that did it. */
    boolean end() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        closed.countDown();
        signal();
        return true;
    }

    boolean isEnded() {
        return closed.getCount() == 0;
    }

    boolean awaitEnd(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
