package io.loomchat.cli;

import java.util.concurrent.locks.LockSupport;

/**
 * Keeps a script's lines under the server's default flood control (a burst of 20, then 5 lines a second)
 * with a margin, so that a long piped file is sent slowly but whole, instead of having lines refused.
 */
final class ScriptPacer {

    static final int BURST = 15;
    static final double LINES_PER_SECOND = 4;

    private double tokens = BURST;
    private long last = System.nanoTime();

    /** Waits, if needed, until one more line may be sent. */
    void awaitTurn() {
        while (true) {
            long now = System.nanoTime();
            tokens = Math.min(BURST, tokens + (now - last) / 1e9 * LINES_PER_SECOND);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return;
            }
            LockSupport.parkNanos((long) ((1 - tokens) / LINES_PER_SECOND * 1e9));
        }
    }
}
