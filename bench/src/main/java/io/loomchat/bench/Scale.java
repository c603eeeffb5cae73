package io.loomchat.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Workload 2: N idle clients in one room. Measures the time to connect them all, the server's resident
 * memory per connection, and the time for one message to reach all N.
 */
final class Scale {

    /** Loopback source addresses to spread clients over, so that 50,000 fit in the ephemeral ports. */
    private static final int SOURCE_ADDRESSES = 8;
    private static final int GIVE_UP_AFTER_ERRORS = 50;

    private Scale() {
    }

    /** 127.0.0.2 .. 127.0.0.9 in turn (all loopback). */
    static InetAddress localAddress(int i) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + i % SOURCE_ADDRESSES)});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Connecting stops after this long: a peer that accepts slowly is reported with what it reached. */
    private static final long CONNECT_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int WARMUP_BROADCASTS = 5;
    private static final int MEASURED_BROADCASTS = 5;

    static Map<String, Double> run(ServerProcess server, int connections) throws Exception {
        server.collectGarbage();
        long baseline = server.rssKiB();
        List<LoadClient> clients = new ArrayList<>(connections);
        int errors = 0;
        String firstError = null;
        long start = System.nanoTime();
        for (int i = 0; i < connections && errors < GIVE_UP_AFTER_ERRORS
                && System.nanoTime() - start < CONNECT_BUDGET_NANOS; i++) {
            try {
                clients.add(server.peer.connect(server.portFor(i), "i" + i, localAddress(i)));
            } catch (IOException e) {
                errors++;
                firstError = firstError == null ? e.getMessage() : firstError;
            }
        }
        double connectSeconds = (System.nanoTime() - start) / 1e9;
        server.collectGarbage();
        long loaded = server.rssKiB();

        // Broadcasts to everyone: a few to warm up (a JIT compiles the path), then the median of several.
        Broadcasts broadcasts = new Broadcasts(clients);
        LoadClient sender = server.peer.connect(server.port, "announcer", null);
        Thread echo = Thread.ofVirtual().start(sender::drain);
        List<Double> millis = new ArrayList<>();
        long reached = 0;
        for (int b = 0; b < WARMUP_BROADCASTS + MEASURED_BROADCASTS; b++) {
            Broadcasts.Result r = broadcasts.send(sender, b);
            reached = r.reached();
            if (b >= WARMUP_BROADCASTS) {
                millis.add(r.millis());
            }
            if (r.reached() < clients.size()) {
                break; // some never got it: no point in more rounds
            }
        }
        millis.sort(Double::compare);
        sender.close();
        broadcasts.close();
        echo.join(1000);
        Map<String, Double> result = new LinkedHashMap<>();
        result.put("connected", (double) clients.size());
        result.put("errors", (double) errors);
        result.put("connect_s", connectSeconds);
        result.put("rss_mib", loaded / 1024.0);
        result.put("kib_per_conn", clients.isEmpty() ? Double.NaN : (loaded - baseline) / (double) clients.size());
        result.put("broadcast_ms", millis.isEmpty() || reached < clients.size() ? Double.NaN : Stats.median(millis));
        result.put("reached", (double) reached);
        if (firstError != null) {
            System.err.printf("  %s: %d connection errors, first: %s%n", server.peer.label, errors, firstError);
        }
        return result;
    }

    /** Every client read by its own virtual thread; one broadcast at a time is timed to its last arrival. */
    private static final class Broadcasts {
        record Result(long reached, double millis) {
        }

        private final List<LoadClient> clients;
        private final List<Thread> readers = new ArrayList<>();
        private volatile CountDownLatch arrivals = new CountDownLatch(0);
        private final AtomicLong lastArrival = new AtomicLong();

        Broadcasts(List<LoadClient> clients) {
            this.clients = clients;
            for (LoadClient c : clients) {
                readers.add(Thread.ofVirtual().start(() -> {
                    long[] p = new long[3];
                    try {
                        while (c.nextDelivery(p)) {
                            lastArrival.accumulateAndGet(System.nanoTime(), Math::max);
                            arrivals.countDown();
                        }
                    } catch (IOException e) {
                        // closed
                    }
                }));
            }
        }

        Result send(LoadClient sender, int seq) throws Exception {
            CountDownLatch latch = new CountDownLatch(clients.size());
            arrivals = latch;
            lastArrival.set(0);
            long sent = System.nanoTime();
            sender.send(Payload.make(seq, sent, -1));
            boolean all = latch.await(60, TimeUnit.SECONDS);
            long reached = clients.size() - latch.getCount();
            return new Result(reached, all ? (lastArrival.get() - sent) / 1e6 : Double.NaN);
        }

        void close() throws InterruptedException {
            clients.forEach(LoadClient::close);
            for (Thread t : readers) {
                t.join(1000);
            }
        }
    }
}
