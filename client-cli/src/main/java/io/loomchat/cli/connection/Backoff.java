package io.loomchat.cli.connection;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before each reconnect attempt: exponential from {@link #FIRST}, capped at {@link #MAX},
 * each wait drawn between half and all of its step ("equal jitter"), so that a whole LAN of clients cut off
 * by one server restart does not come back in lockstep.
 */
public record Backoff(Duration first, Duration max, int attempts) {

    public static final Duration FIRST = Duration.ofMillis(250);
    public static final Duration MAX = Duration.ofSeconds(15);
    /** About four minutes of trying with the defaults above. */
    public static final int DEFAULT_ATTEMPTS = 20;

    public static Backoff standard(int attempts) {
        return new Backoff(FIRST, MAX, attempts);
    }

    /** The wait before attempt {@code n} (1-based). */
    public Duration before(int n) {
        long step = first.toMillis() << Math.min(n - 1, 20);
        long capped = Math.min(step, max.toMillis());
        long half = capped / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(capped - half + 1));
    }
}
