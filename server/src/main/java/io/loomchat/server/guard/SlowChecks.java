package io.loomchat.server.guard;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Password hashing and checking, one at a time for the whole server: PBKDF2 is slow on purpose, so a
 * storm of logins (operators' or accounts') costs at most one core and the chat keeps the other. A lock,
 * not {@code synchronized}: the waiting threads are virtual.
 */
public final class SlowChecks {

    private final ReentrantLock lock = new ReentrantLock(true); // fair: a login waits its turn, no longer

    public <T> T oneAtATime(Supplier<T> check) {
        lock.lock();
        try {
            return check.get();
        } finally {
            lock.unlock();
        }
    }
}
