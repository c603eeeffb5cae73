package io.loomchat.server.guard;

import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The log of refused connections, bounded whatever comes in. The first refusal of an address for a reason
 * is logged at once; the ones after it within {@link #INTERVAL_MILLIS} are counted and said in one line
 * when the interval is over ("refused 10.0.0.9 on the chat port 5,611 more times in the last 60 s:
 * throttled"). One address connecting and closing in a loop thus writes two lines a minute, not one per
 * attempt (which was 600 KB/s: a disk filled through the log is exactly the fault that stops journals).
 * At most {@link #MAX_ADDRESSES} addresses are tallied one by one; past that, refusals are summed up as
 * "other addresses", so many addresses cannot grow it either. Nothing blocks under its lock but the
 * logging, which slf4j-simple does to a buffered stream.
 */
public final class RefusalLog {

    static final long INTERVAL_MILLIS = 60_000;
    static final int MAX_ADDRESSES = 4_096;
    private static final String OTHERS = "other addresses";

    private record Key(String what, String door, String who, String reason) {
    }

    private static final class Tally {
        long startMillis;
        long count; // refusals since the line that opened this interval
    }

    private final Consumer<String> log; // a logger's warn
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Key, Tally> tallies = new LinkedHashMap<>(); // guarded by lock, oldest interval first
    private long lastSweepMillis; // guarded by lock

    public RefusalLog(Consumer<String> log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /** One refused connection from {@code address} at {@code door}, for {@code reason} (and its detail). */
    public void refused(String door, InetAddress address, String reason, String detail) {
        note("refused", door, address, reason, detail);
    }

    /**
     * One connection from {@code address} at {@code door} that ended for {@code reason} before it was
     * anything ({@code what}: "closed unregistered"): the same bound as refusals, since a loop of them is as
     * cheap to make.
     */
    public void note(String what, String door, InetAddress address, String reason, String detail) {
        long now = clock.millis();
        List<String> lines = new ArrayList<>(2);
        lock.lock();
        try {
            sweep(now, lines);
            Key key = new Key(what, door, address.getHostAddress(), reason);
            Tally tally = tallies.get(key);
            if (tally == null && tallies.size() >= MAX_ADDRESSES) {
                key = new Key(what, door, OTHERS, reason);
                tally = tallies.get(key);
            }
            if (tally == null) {
                tally = new Tally();
                tally.startMillis = now;
                tallies.put(key, tally);
                lines.add(what + " " + key.who() + " on " + door + ": " + reason + (detail.isEmpty() ? "" : " " + detail)
                        + " (more of these are counted and logged once a minute)");
            } else {
                tally.count++;
            }
        } finally {
            lock.unlock();
        }
        lines.forEach(log);
    }

    /** Writes the summaries of intervals that are over; called now and then, so that the last one is said. */
    public void flush() {
        List<String> lines = new ArrayList<>();
        lock.lock();
        try {
            sweep(clock.millis(), lines);
        } finally {
            lock.unlock();
        }
        lines.forEach(log);
    }

    /** Under the lock, at most once a second: closes the intervals that are over. */
    private void sweep(long now, List<String> lines) {
        if (now - lastSweepMillis < 1_000) {
            return;
        }
        lastSweepMillis = now;
        for (Iterator<Map.Entry<Key, Tally>> it = tallies.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Tally> e = it.next();
            Tally tally = e.getValue();
            if (now - tally.startMillis < INTERVAL_MILLIS) {
                continue;
            }
            if (tally.count == 0) {
                it.remove(); // quiet for a whole interval: its next refusal is news again
                continue;
            }
            Key key = e.getKey();
            lines.add(String.format("%s %s on %s %,d more time(s) in the last %d s: %s", key.what(), key.who(), key.door(),
                    tally.count, (now - tally.startMillis) / 1000, key.reason()));
            tally.count = 0;
            tally.startMillis = now;
        }
    }

    /** Addresses (and the "others" bucket) being tallied now; for tests. */
    int tallied() {
        lock.lock();
        try {
            return tallies.size();
        } finally {
            lock.unlock();
        }
    }
}
