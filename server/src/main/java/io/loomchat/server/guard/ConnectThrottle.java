package io.loomchat.server.guard;

import java.net.InetAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Limits how many connections one address may open per minute (ergo: 32 per 10 minutes), so that a
 * reconnect loop or a scan cannot churn the server. Used by the accepting thread only.
 */
public final class ConnectThrottle {

    private static final long WINDOW_MILLIS = 60_000;
    private static final int PRUNE_EVERY = 1_024;

    private record Window(long startMillis, int count) {
    }

    private final Clock clock;
    private final int perMinute;
    private final Map<InetAddress, Window> windows = new HashMap<>();
    private int sincePrune;

    public ConnectThrottle(Clock clock, int perMinute) {
        this.clock = clock;
        this.perMinute = perMinute;
    }

    /** Counts a connection from {@code address}; false if it has used up this minute's allowance. */
    public boolean admit(InetAddress address) {
        long now = clock.millis();
        if (++sincePrune >= PRUNE_EVERY) {
            sincePrune = 0;
            windows.values().removeIf(w -> now - w.startMillis() >= WINDOW_MILLIS); // forget quiet addresses
        }
        Window w = windows.get(address);
        if (w == null || now - w.startMillis() >= WINDOW_MILLIS) {
            windows.put(address, new Window(now, 1));
            return true;
        }
        if (w.count() >= perMinute) {
            return false;
        }
        windows.put(address, new Window(w.startMillis(), w.count() + 1));
        return true;
    }
}
