package io.loomchat.server.delivery;

/**
 * A monotonic clock in nanoseconds, for deadlines and pings. Injected so that tests can move time by hand
 * instead of waiting; the server uses {@link System#nanoTime()}.
 */
@FunctionalInterface
public interface Ticker {

    long nanoTime();

    static Ticker system() {
        return System::nanoTime;
    }
}
