package io.loomchat.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Workload 3: C clients in one room, each talking at a human rate (a line every couple of seconds), a few
 * of them bursty (pasting ten lines at once); everyone receives everything. Reports latency and the
 * server's CPU time per delivered message.
 */
final class ChatRoomWorkload {

    /** {@code overWeb}: every second client connects over the web client's WebSocket instead of TCP. */
    record Setup(int clients, int bursty, int seconds, boolean overWeb) {
        Setup(int clients, int bursty, int seconds) {
            this(clients, bursty, seconds, false);
        }
    }

    private static final long HUMAN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long BURST_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int BURST_LINES = 10;

    private ChatRoomWorkload() {
    }

    static Map<String, Double> run(ServerProcess server, Setup setup) throws Exception {
        List<RoomClient> clients = new ArrayList<>();
        for (int i = 0; i < setup.clients(); i++) {
            clients.add(setup.overWeb() && i % 2 == 1 ? WebLoadClient.connect(server.webPort(), "c" + i)
                    : server.peer.connect(server.portFor(i), "c" + i, Scale.localAddress(i)));
        }
        List<Histogram> histograms = new ArrayList<>();
        AtomicLong deliveries = new AtomicLong();
        AtomicLong sentCount = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            RoomClient c = clients.get(i);
            int me = i;
            Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
            histograms.add(h);
            threads.add(Thread.ofVirtual().start(() -> {
                long[] p = new long[3];
                try {
                    while (c.nextDelivery(p)) {
                        if (p[2] != me) { // others' lines only: not every peer echoes a sender's own
                            h.recordValue(Math.max(0, (System.nanoTime() - p[1]) / 1000));
                            deliveries.incrementAndGet();
                        }
                    }
                } catch (IOException e) {
                    // closed at the end
                }
            }));
        }
        long cpuBefore = server.cpuNanos();
        long deliveriesBefore = deliveries.get();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(setup.seconds());
        List<Thread> talkers = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            RoomClient c = clients.get(i);
            int me = i;
            boolean bursty = i < setup.bursty();
            talkers.add(Thread.ofVirtual().start(() -> talk(c, me, bursty, start, end, sentCount)));
        }
        for (Thread t : talkers) {
            t.join();
        }
        // Let the last lines arrive: wait until deliveries stop growing for half a second.
        long last = -1;
        while (deliveries.get() != last) {
            last = deliveries.get();
            Thread.sleep(500); // sampling a counter; nothing to block on
        }
        long cpu = server.cpuNanos() - cpuBefore;
        long delivered = deliveries.get() - deliveriesBefore;
        clients.forEach(RoomClient::close);
        for (Thread t : threads) {
            t.join(1000);
        }
        Histogram all = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        histograms.forEach(all::add);
        long expected = sentCount.get() * (setup.clients() - 1);
        Map<String, Double> result = new LinkedHashMap<>();
        result.put("sent", (double) sentCount.get());
        result.put("delivered", (double) delivered);
        result.put("lost", (double) Math.max(0, expected - delivered));
        result.put("p50_us", (double) all.getValueAtPercentile(50));
        result.put("p99_us", (double) all.getValueAtPercentile(99));
        result.put("p999_us", (double) all.getValueAtPercentile(99.9));
        result.put("max_us", (double) all.getMaxValue());
        result.put("cpu_us_per_delivery", delivered == 0 ? Double.NaN : cpu / 1000.0 / delivered);
        return result;
    }

    private static void talk(RoomClient c, int me, boolean bursty, long start, long end, AtomicLong sent) {
        talk(c, me, bursty ? BURST_INTERVAL_NANOS : HUMAN_INTERVAL_NANOS, bursty ? BURST_LINES : 1, start, end, sent);
    }

    /**
     * Talks like a person until {@code end}: {@code lines} lines at a time, on average once per
     * {@code interval}, with jitter; the first turn falls anywhere in the first interval.
     */
    static void talk(RoomClient c, int me, long interval, int lines, long start, long end, AtomicLong sent) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long next = start + random.nextLong(interval); // spread the first lines out
        long seq = 0;
        try {
            while (next < end) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                for (int i = 0; i < lines; i++) {
                    c.send(Payload.make(seq++, System.nanoTime(), me));
                    sent.incrementAndGet();
                }
                next += interval / 2 + random.nextLong(interval); // jitter: on average one per interval
            }
        } catch (IOException e) {
            // the server went away; the counts (and the reader) show it
        }
    }
}
