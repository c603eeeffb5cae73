package io.loomchat.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The soak: well-behaved people chatting at a human rate while abusive clients flood, send garbage, stop
 * reading and churn, all against a Loomchat server with its default limits on. Every line a well-behaved
 * client sends must reach every other well-behaved client.
 */
final class Soak {

    record Setup(int people, int flooders, int garbage, int stuck, int seconds) {
    }

    private static final long PERSON_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int ABUSER = 100_000; // sender ids of abusers start here

    private Soak() {
    }

    static Map<String, Double> run(java.nio.file.Path serverJar, Setup setup, Map<String, String> errorsOut) throws Exception {
        int metricsPort = ServerProcess.freePort();
        try (ServerProcess server = ServerProcess.start(Peer.LOOMCHAT, serverJar, List.of(),
                List.of("--metrics-port", String.valueOf(metricsPort)))) {
            server.collectGarbage();
            long rssBefore = server.rssKiB();
            List<LoadClient> people = new ArrayList<>();
            for (int i = 0; i < setup.people(); i++) {
                people.add(Peer.LOOMCHAT.connect(server.port, "p" + i, Scale.localAddress(i)));
            }
            Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
            AtomicLong delivered = new AtomicLong();
            AtomicLong sent = new AtomicLong();
            AtomicInteger peopleLost = new AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < people.size(); i++) {
                LoadClient c = people.get(i);
                int me = i;
                threads.add(Thread.ofVirtual().start(() -> {
                    long[] p = new long[3];
                    Histogram mine = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
                    try {
                        while (c.nextDelivery(p)) {
                            if (p[2] < ABUSER && p[2] != me) { // others' lines only; no allocation per delivery
                                mine.recordValue(Math.max(0, (System.nanoTime() - p[1]) / 1000));
                                delivered.incrementAndGet();
                            }
                        }
                        if (!closing.get()) {
                            peopleLost.incrementAndGet(); // the server closed a well-behaved client
                        }
                    } catch (IOException e) {
                        // closed by us at the end
                    }
                    mergeInto(latency, mine);
                }));
            }
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(setup.seconds());
            List<Thread> workers = new ArrayList<>();
            for (int i = 0; i < people.size(); i++) {
                LoadClient c = people.get(i);
                int me = i;
                workers.add(Thread.ofVirtual().start(
                        () -> ChatRoomWorkload.talk(c, me, PERSON_INTERVAL_NANOS, 1, start, end, sent)));
            }
            AtomicLong abuserConnections = new AtomicLong();
            for (int i = 0; i < setup.flooders(); i++) {
                int me = ABUSER + i;
                workers.add(Thread.ofVirtual().start(() -> flood(server.port, me, end, abuserConnections)));
            }
            for (int i = 0; i < setup.garbage(); i++) {
                int me = ABUSER + 1000 + i;
                workers.add(Thread.ofVirtual().start(() -> garbage(server.port, me, end, abuserConnections)));
            }
            for (int i = 0; i < setup.stuck(); i++) {
                int me = ABUSER + 2000 + i;
                workers.add(Thread.ofVirtual().start(() -> stuck(server.port, me, end, abuserConnections)));
            }
            for (Thread t : workers) {
                t.join();
            }
            // Let the last lines arrive: until all have, or nothing has moved for 10 s.
            long expectedSoFar = sent.get() * (setup.people() - 1);
            long last = -1;
            long stillSince = System.nanoTime();
            while (delivered.get() < expectedSoFar && System.nanoTime() - stillSince < TimeUnit.SECONDS.toNanos(10)) {
                if (delivered.get() != last) {
                    last = delivered.get();
                    stillSince = System.nanoTime();
                }
                Thread.sleep(200); // sampling a counter; nothing to block on
            }
            String metrics = scrape(metricsPort);
            closing.set(true);
            people.forEach(LoadClient::close);
            for (Thread t : threads) {
                t.join(2000);
            }
            server.collectGarbage();
            long rssAfter = server.rssKiB();
            for (String line : metrics.split("\n")) {
                if (line.startsWith("loomchat_errors_total{") || line.startsWith("loomchat_disconnects_total{")) {
                    String[] kv = line.split(" ");
                    if (!kv[1].equals("0")) {
                        errorsOut.put(kv[0], kv[1]);
                    }
                }
            }
            long expected = sent.get() * (setup.people() - 1);
            Map<String, Double> result = new LinkedHashMap<>();
            result.put("people_sent", (double) sent.get());
            result.put("people_expected", (double) expected);
            result.put("people_delivered", (double) delivered.get());
            result.put("people_lost", (double) (expected - delivered.get()));
            result.put("people_disconnected", (double) peopleLost.get());
            result.put("abuser_connections", (double) abuserConnections.get());
            result.put("p50_us", (double) latency.getValueAtPercentile(50));
            result.put("p99_us", (double) latency.getValueAtPercentile(99));
            result.put("max_us", (double) latency.getMaxValue());
            result.put("rss_before_mib", rssBefore / 1024.0);
            result.put("rss_after_mib", rssAfter / 1024.0);
            return result;
        }
    }

    private static void mergeInto(Histogram into, Histogram from) {
        LOCK.lock();
        try {
            into.add(from);
        } finally {
            LOCK.unlock();
        }
    }

    private static final java.util.concurrent.locks.ReentrantLock LOCK = new java.util.concurrent.locks.ReentrantLock();

    /** Sends as fast as it can, reading what comes back; reconnects when cut off. */
    private static void flood(int port, int me, long end, AtomicLong connections) {
        while (System.nanoTime() < end) {
            try (LoadClient c = Peer.LOOMCHAT.connect(port, "f" + me, null)) {
                connections.incrementAndGet();
                Thread drain = Thread.ofVirtual().start(c::drain);
                long seq = 0;
                while (System.nanoTime() < end) {
                    c.send(Payload.make(seq++, System.nanoTime(), me));
                }
                drain.interrupt();
            } catch (IOException e) {
                // cut off for flooding: come back
            }
        }
    }

    /** Registers, then sends junk of every kind at 50 lines a second; reconnects when cut off. */
    private static void garbage(int port, int me, long end, AtomicLong connections) {
        byte[][] junk = {
                "not json at all\n".getBytes(StandardCharsets.UTF_8),
                "{\"type\":\"say\",\"text\":\n".getBytes(StandardCharsets.UTF_8),
                "{\"type\":\"frobnicate\"}\n".getBytes(StandardCharsets.UTF_8),
                ("{\"type\":\"say\",\"text\":\"" + "x".repeat(40_000) + "\"}\n").getBytes(StandardCharsets.UTF_8),
                {0, 0, 0, '{', (byte) 0xff, (byte) 0xfe, '\n'},
                ("[".repeat(5000) + "\n").getBytes(StandardCharsets.UTF_8)};
        while (System.nanoTime() < end) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                connections.incrementAndGet();
                Thread drain = Thread.ofVirtual().start(() -> {
                    try {
                        s.getInputStream().transferTo(OutputStream.nullOutputStream());
                    } catch (IOException e) {
                        // closed
                    }
                });
                OutputStream out = s.getOutputStream();
                out.write(("{\"type\":\"hello\",\"nick\":\"g" + me + "\",\"history\":0}\n").getBytes(StandardCharsets.UTF_8));
                for (int i = 0; System.nanoTime() < end; i++) {
                    out.write(junk[i % junk.length]);
                    out.flush();
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
                drain.interrupt();
            } catch (IOException e) {
                // cut off: come back
            }
        }
    }

    /** Registers with a tiny receive window and never reads; comes back each time it is cut off. */
    private static void stuck(int port, int me, long end, AtomicLong connections) {
        while (System.nanoTime() < end) {
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(4096);
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                connections.incrementAndGet();
                s.getOutputStream().write(("{\"type\":\"hello\",\"nick\":\"s" + me + "\",\"history\":0}\n").getBytes(StandardCharsets.UTF_8));
                // Wait until the server cuts us off (a write to us fails, or it closes): probe by writing pings.
                while (System.nanoTime() < end) {
                    s.getOutputStream().write("{\"type\":\"pong\"}\n".getBytes(StandardCharsets.UTF_8));
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
                }
            } catch (IOException e) {
                // cut off as a slow consumer: come back
            }
        }
    }

    private static String scrape(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
