package io.loomchat.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomchat.server.connection.Session;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Thousands of connections come and go (clean quits, abrupt closes, closes mid-line) while two clients
 * talk. Afterwards no session, thread or reference is left behind, the heap is back to its baseline, and the
 * talkers lost nothing.
 */
class ChurnTest extends ServerTestSupport {

    private static final int CONNECTIONS = 2_000;
    private static final int WORKERS = 20;
    private static final int TALK = 300;

    @Test
    void connectDisconnectChurnLeavesNoThreadSessionReferenceOrHeapBehindAndLosesNoMessage() throws Exception {
        start(testConfig().toBuilder().maxConnections(CONNECTIONS + 10).build());
        TestClient talker = register("talker");
        TestClient listener = register("listener");
        talker.await("joined");
        listener.discardReceived();
        long heapBefore = heapAfterGc();
        ConcurrentLinkedQueue<WeakReference<Session>> seen = new ConcurrentLinkedQueue<>();
        AtomicInteger failures = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(WORKERS);
        for (int w = 0; w < WORKERS; w++) {
            int worker = w;
            Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < CONNECTIONS / WORKERS; i++) {
                        churnOne(worker * 1000 + i);
                        server.sessions().forEach(s -> seen.add(new WeakReference<>(s)));
                    }
                } catch (Exception e) {
                    failures.incrementAndGet();
                } finally {
                    done.countDown();
                }
            });
        }
        for (int i = 0; i < TALK; i++) {
            talker.say("steady " + i);
        }
        done.await();
        assertEquals(0, failures.get(), "a churn client failed to connect or register");
        for (int i = 0; i < TALK; i++) {
            String expected = "steady " + i;
            listener.awaitMatching(expected, n -> expected.equals(n.path("text").asText()));
        }

        await("the churn to drain").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> server.connectionCount() == 2 && server.connectionThreads() == 4);
        assertEquals(List.of("listener", "talker"), server.rooms().find("lobby").members().stream()
                .map(io.loomchat.server.delivery.Member::nick).sorted().toList());
        await("every churned session to be collectable").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    System.gc();
                    long alive = seen.stream().map(WeakReference::get)
                            .filter(s -> s != null && !"talker".equals(s.client().nick()) && !"listener".equals(s.client().nick()))
                            .count();
                    return alive == 0;
                });
        // The heap comes back too: what 2,000 connections held (buffers, threads, sessions) is gone. The slack
        // covers what legitimately stays: the room's kept history of the talk and the test's own bookkeeping.
        seen.clear(); // the test's own bookkeeping, and the thousands of join notices the two clients got
        talker.discardReceived();
        listener.discardReceived();
        long[] heapAfter = {0};
        await("the heap to return to its baseline").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> (heapAfter[0] = heapAfterGc()) <= heapBefore + HEAP_SLACK_BYTES);
        System.out.printf("churn of %,d connections: heap %,d KiB before, %,d KiB after%n",
                CONNECTIONS, heapBefore / 1024, heapAfter[0] / 1024);
    }

    private static final long HEAP_SLACK_BYTES = 1L << 20; // measured: about 150 KiB stay (the talk kept as history)

    private static long heapAfterGc() {
        System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** One short-lived client, ending in one of three ways. */
    private void churnOne(int n) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("{\"type\":\"hello\",\"nick\":\"c" + n + "\"}\n").getBytes(StandardCharsets.UTF_8));
            byte[] welcome = new byte[64];
            if (socket.getInputStream().read(welcome) <= 0) {
                throw new IllegalStateException("no welcome for c" + n);
            }
            switch (n % 3) {
                case 0 -> out.write("{\"type\":\"quit\"}\n".getBytes(StandardCharsets.UTF_8));
                case 1 -> out.write("{\"type\":\"say\",\"text\":\"cut off in the mid".getBytes(StandardCharsets.UTF_8));
                default -> {
                    // just close
                }
            }
        }
    }
}
