package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients whose input is always ready must not stop the server: virtual threads are not time-sliced, so a
 * read loop that never blocks keeps its carrier. As many flooders as there are cores send nothing but
 * newlines, unregistered, reconnecting whenever they are cut off, while two people chat.
 */
class FreezeAbuseTest extends ServerTestSupport {

    private static final Duration FLOOD_TIME = Duration.ofSeconds(4);
    private static final int MAX_RECONNECTS = 200;
    /** A line between the two people may take this long at most while the flood goes on. */
    private static final long MAX_DELAY_MILLIS = 1_500;

    @ParameterizedTest(name = "flood control {0}")
    @ValueSource(booleans = {true, false})
    void bareNewlinesFromEveryCoreNeitherStallOthersNorStarveTheDeadlines(boolean floodControl) throws Exception {
        start(testConfig().toBuilder().floodLinesPerSecond(floodControl ? 5 : 0)
                .registrationTimeout(Duration.ofSeconds(2)).build());
        List<TestClient> people = registerQuietly("alice", "bob");
        TestClient alice = people.get(0);
        TestClient bob = people.get(1);

        int flooders = Runtime.getRuntime().availableProcessors();
        long until = System.nanoTime() + FLOOD_TIME.toNanos();
        CountDownLatch flooding = new CountDownLatch(flooders);
        AtomicInteger cutOff = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < flooders; i++) {
            // Platform threads: the flood must go on whatever the server's virtual threads do.
            threads.add(Thread.ofPlatform().daemon().start(() -> flood(until, flooding, cutOff)));
        }
        assertTrue(flooding.await(10, TimeUnit.SECONDS), "the flooders are writing");

        long worst = 0;
        int lines = 0;
        while (System.nanoTime() < until - TimeUnit.MILLISECONDS.toNanos(500)) {
            long sent = System.nanoTime();
            alice.send("{\"type\":\"say\",\"text\":\"line " + lines + "\"}");
            String expected = "line " + lines;
            JsonNode got = bob.awaitMatching(expected, n -> expected.equals(n.path("text").asText()));
            assertEquals("alice", got.get("from").asText());
            worst = Math.max(worst, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
            lines++;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // a person's pace, not a wait for a condition
        }
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(10));
        }
        System.out.printf("flood control %s: %d lines during the flood, the slowest took %d ms%n",
                floodControl ? "on" : "off", lines, worst);
        assertTrue(lines >= 10, "the people chatted during the flood: " + lines + " lines");
        assertTrue(worst < MAX_DELAY_MILLIS, "a line took " + worst + " ms to arrive during the flood");
        // The registration deadline (or flood control) still cut the flooders off: the watchdog was not starved.
        assertTrue(cutOff.get() >= flooders, "flooders cut off: " + cutOff.get());
    }

    /** Writes 64 KiB chunks of newlines until the time is up, reconnecting (bounded) when cut off. */
    private void flood(long until, CountDownLatch flooding, AtomicInteger cutOff) {
        byte[] newlines = new byte[64 * 1024];
        Arrays.fill(newlines, (byte) '\n');
        boolean counted = false;
        for (int attempt = 0; attempt < MAX_RECONNECTS && System.nanoTime() < until; attempt++) {
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                socket.setSoTimeout(1_000);
                OutputStream out = socket.getOutputStream();
                while (System.nanoTime() < until) {
                    out.write(newlines);
                    if (!counted) {
                        counted = true;
                        flooding.countDown();
                    }
                }
                return;
            } catch (IOException e) {
                cutOff.incrementAndGet(); // the server closed this connection
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aLineThatNeverEndsCountsAgainstFloodControlAndEndsInAFloodBye() throws Exception {
        start(testConfig().toBuilder().floodLinesPerSecond(5).build());
        TestClient alice = register("alice");
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("{\"type\":\"hello\",\"nick\":\"endless\"}\n".getBytes());
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'A');
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            long sent = 0;
            try {
                while (System.nanoTime() < until) {
                    out.write(chunk); // no newline, ever
                    sent += chunk.length;
                }
                throw new AssertionError("still connected after 20 s and " + sent + " bytes");
            } catch (IOException cut) {
                // cut off: by the flood bye and the close after it
            }
            // A line of 16 KiB per count: 100 refusals within a minute come well before 20 s at this pace.
            assertTrue(sent < 200L * 1024 * 1024, "cut off after " + sent + " bytes");
        }
        alice.awaitMatching("endless's leave", n -> "left".equals(n.path("type").asText()) && "endless".equals(n.path("nick").asText()));
    }
}
