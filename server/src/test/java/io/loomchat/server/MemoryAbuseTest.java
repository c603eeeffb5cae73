package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.server.config.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** History cannot fill the heap: one budget for all rooms, and a server that stays answerable and stoppable. */
class MemoryAbuseTest extends ServerTestSupport {

    @TempDir
    Path dir;

    @Test
    void keptHistoryStaysWithinItsBudgetAndTheLargestRoomGivesUpItsOldestFirst() throws Exception {
        long budget = 1 << 20;
        start(testConfig().toBuilder().historyMemoryBytes(budget).build());
        TestClient alice = register("alice");
        alice.send("{\"type\":\"join\",\"room\":\"small\"}");
        List<Long> small = HistoryTest.sayAll(alice, "small", 10, "short ");
        TestClient bob = register("bob");
        bob.send("{\"type\":\"join\",\"room\":\"big\"}");
        List<Long> big = HistoryTest.sayAll(bob, "big", 300, "y".repeat(4_000) + " ");
        assertTrue(server.historyBudget().used() <= budget, "history takes " + server.historyBudget().used());
        assertTrue(server.historyBudget().evicted() > 0);

        TestClient carol = register("carol");
        carol.send("{\"type\":\"history\",\"room\":\"lobby\",\"limit\":0}"); // nothing: just in sync
        carol.send("{\"type\":\"join\",\"room\":\"small\",\"history\":500}");
        assertEquals(small, ids(carol, "small"), "the small room kept everything");
        int keptBig = server.rooms().find("big").keptCount();
        assertTrue(keptBig < 300 && keptBig > 50, keptBig + " kept in the big room");
        // Paging from the start shows what is kept: the newest, the oldest went.
        carol.send("{\"type\":\"join\",\"room\":\"big\",\"after\":0}");
        List<Long> first = ids(carol, "big");
        assertEquals(big.get(300 - keptBig), first.getFirst(), "the oldest kept is the first of the newest " + keptBig);
    }

    @Test
    void readersThatStopReadingCannotHoldMoreThanTheOutboxMemoryBetweenThem() throws Exception {
        long budget = 512 * 1024;
        start(testConfig().toBuilder().outboxMemoryBytes(budget).build());
        List<TestClient> readers = registerQuietly("alice", "bob");
        List<java.net.Socket> stalled = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            stalled.add(track(TestClient.stalled(server.port(), "stuck" + i)));
            for (TestClient reader : readers) {
                String nick = "stuck" + i;
                reader.awaitMatching(nick + "'s join", n -> nick.equals(n.path("nick").asText()));
            }
        }
        // 8 stalled readers could hold 8 x 256 KiB = 2 MiB on their own limits; the budget is 512 KiB. 6 MB
        // each: more than the kernel's socket buffers (up to 4 MiB) take before the outboxes fill.
        java.util.concurrent.atomic.AtomicLong highest = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicBoolean talking = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (talking.get()) {
                highest.accumulateAndGet(server.outboxBudget().queued(), Math::max);
                java.util.concurrent.locks.LockSupport.parkNanos(200_000); // a sample every 0.2 ms
            }
        });
        List<Long> said = HistoryTest.sayAll(readers.get(0), "lobby", 1_500, "x".repeat(4_000) + " ");
        List<Long> heard = new ArrayList<>();
        while (heard.size() < said.size()) {
            JsonNode n = readers.get(1).next();
            if ("message".equals(n.path("type").asText())) {
                heard.add(n.get("id").asLong());
            }
        }
        assertEquals(said, heard, "a reader that keeps up gets everything");
        talking.set(false);
        sampler.join();
        long peak = highest.get();
        System.out.printf("outbox memory peaked at %d KiB with a budget of %d KiB%n", peak / 1024, budget / 1024);
        // Soft: the budget plus half an outbox per stalled reader (1.5 MiB), where 8 full outboxes are 2 MiB.
        assertTrue(peak <= budget + 8L * ServerConfig.DEFAULT_MAX_OUTBOX_BYTES / 2, "all outboxes together peaked at " + peak);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 2);
        assertTrue(server.outboxBudget().queued() <= budget, "what the cut-off clients held is released: "
                + server.outboxBudget().queued());
    }

    private static List<Long> ids(TestClient client, String room) {
        List<Long> ids = new ArrayList<>();
        while (true) {
            JsonNode n = client.next();
            if ("history_end".equals(n.path("type").asText()) && room.equals(n.path("room").asText())) {
                return ids;
            }
            if ("message".equals(n.path("type").asText()) && room.equals(n.path("room").asText())) {
                ids.add(n.get("id").asLong());
            }
        }
    }

    @Test
    void aSmallHeapUnderAHistoryFloodStaysAnswerableAndStopsOnSigterm() throws Exception {
        try (ChildServer child = ChildServer.launch(dir, 0, List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"),
                "--flood-lines-per-second", "0")) {
            long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            List<Thread> flooders = new ArrayList<>();
            for (int c = 0; c < 20; c++) {
                int client = c;
                flooders.add(Thread.ofPlatform().daemon().start(() -> floodHistory(child.port(), client, until)));
            }
            for (Thread t : flooders) {
                t.join(Duration.ofSeconds(30));
            }
            assertTrue(child.process().isAlive(), "still running: " + tail(child));
            try (TestClient late = TestClient.register(child.port(), "late")) {
                late.send("{\"type\":\"ping\",\"ref\":\"p\"}");
                late.await("pong");
            }
            assertEquals(0, child.stop(Duration.ofSeconds(15)), tail(child));
        }
    }

    /** One client in 32 rooms of its own, saying 16 KB lines round the rooms as fast as it can. */
    private static void floodHistory(int port, int client, long until) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            Thread.ofPlatform().daemon().start(() -> {
                byte[] sink = new byte[64 * 1024];
                try {
                    while (in.read(sink) >= 0) {
                        // read and drop: the acks carry the text
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            StringBuilder hello = new StringBuilder("{\"type\":\"hello\",\"nick\":\"f" + client + "\"}\n");
            for (int r = 0; r < 31; r++) {
                hello.append("{\"type\":\"join\",\"room\":\"f").append(client).append('-').append(r).append("\"}\n");
            }
            out.write(hello.toString().getBytes(StandardCharsets.UTF_8));
            String text = "z".repeat(16_000);
            for (int i = 0; System.nanoTime() < until; i++) {
                out.write(("{\"type\":\"say\",\"room\":\"f" + client + "-" + (i % 31) + "\",\"text\":\"" + text + "\"}\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // cut off: the server may drop a flooder; what matters is that it stays up
        }
    }

    private static String tail(ChildServer child) {
        try {
            String out = child.output();
            return out.substring(Math.max(0, out.length() - 2_000));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
