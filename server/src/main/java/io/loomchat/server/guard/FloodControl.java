package io.loomchat.server.guard;

import io.loomchat.server.config.ServerConfig;
import java.time.Clock;

/**
 * A token bucket over one connection's lines: {@code burst} lines at once, then {@code linesPerSecond}.
 * A line over the limit is refused (the client is told), never silently dropped or queued; a connection
 * that keeps flooding is disconnected once {@code disconnectAfter} lines were refused within a minute.
 * Used by its session's read loop only.
 */
public final class FloodControl {

    private final Clock clock;
    private final double linesPerMilli;
    private final int burst;
    private final int disconnectAfter;
    private double tokens;
    private long lastMillis;
    private int refusedInARow;
    private int refusedThisMinute;
    private long minuteStartMillis;

    public FloodControl(ServerConfig config, Clock clock) {
        this(clock, config.floodLinesPerSecond(), config.floodBurst(), config.floodDisconnectAfter());
    }

    /**
     * A bucket of other units than lines (a WebSocket's frames), with the same rules: {@code burst} at once,
     * then {@code perSecond}; cut once {@code disconnectAfter} were refused within a minute.
     */
    public FloodControl(Clock clock, double perSecond, int burst, int disconnectAfter) {
        this.clock = clock;
        this.linesPerMilli = perSecond / 1000.0;
        this.burst = Math.max(1, burst);
        this.disconnectAfter = disconnectAfter;
        this.tokens = this.burst;
        this.lastMillis = clock.millis();
        this.minuteStartMillis = lastMillis;
    }

    /** Takes a token for one line; false if the line must be refused. */
    public boolean allow() {
        long now = clock.millis();
        tokens = Math.min(burst, tokens + Math.max(0, now - lastMillis) * linesPerMilli);
        lastMillis = now;
        if (tokens >= 1) {
            tokens -= 1;
            refusedInARow = 0;
            return true;
        }
        refusedInARow++;
        if (now - minuteStartMillis >= 60_000) {
            minuteStartMillis = now;
            refusedThisMinute = 0;
        }
        refusedThisMinute++;
        return false;
    }

    /** True once so many lines were refused within a minute that the client is flooding on purpose. */
    public boolean persistent() {
        return disconnectAfter > 0 && refusedThisMinute >= disconnectAfter;
    }

    public int refusedInARow() {
        return refusedInARow;
    }

    /** How long until the next line would be accepted. */
    public long millisUntilNext() {
        return (long) Math.ceil((1 - tokens) / linesPerMilli);
    }
}
