package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One client that stops reading must never slow the others; it is cut off instead. */
class SlowConsumerTest extends ServerTestSupport {

    private static final int MESSAGES = 10_000;
    private static final int WINDOW = 50;

    @Test
    void aClientThatNeverReadsIsDroppedAsSlowWhileTheOthersReceiveEverything() throws Exception {
        start(testConfig());
        List<TestClient> readers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            readers.add(register("reader" + i));
        }
        Socket stuck = track(TestClient.stalled(server.port(), "stuck"));
        for (TestClient r : readers) {
            r.awaitMatching("stuck's join", n -> "stuck".equals(n.path("nick").asText()));
        }
        TestClient sender = register("sender");
        // ~1 KB lines: 10 MB in all, more than the kernel's socket buffers (up to 4 MiB here) plus the outbox can hide.
        String padding = "p".repeat(1000);
        long started = System.nanoTime();
        // Like a real client, the sender keeps a bounded window of unacknowledged lines in flight.
        for (int i = 0; i < MESSAGES; i++) {
            sender.say(i + " " + padding);
            if (i % WINDOW == WINDOW - 1) {
                String expected = i + " " + padding;
                sender.awaitMatching("the ack of line " + i, n -> expected.equals(n.path("text").asText()));
            }
        }
        boolean sawSlowLeave = false;
        for (TestClient r : readers) {
            int next = 0;
            while (next < MESSAGES) {
                JsonNode node = r.next();
                String type = node.path("type").asText();
                if (type.equals("message")) {
                    assertEquals(next + " " + padding, node.get("text").asText(), r.nick + " lost or reordered");
                    next++;
                } else if (node.isTextual()) {
                    throw new AssertionError(r.nick + " was disconnected after " + next + " messages");
                } else if (type.equals("left")) {
                    assertEquals("stuck", node.get("nick").asText());
                    assertEquals("slow_consumer", node.get("reason").asText());
                    sawSlowLeave = true;
                }
            }
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (!sawSlowLeave) {
            readers.get(0).awaitMatching("the slow client's departure",
                    n -> "left".equals(n.path("type").asText()) && "slow_consumer".equals(n.path("reason").asText()));
        }
        // The stuck client's connection is closed by the server once it lingered; what it can still read
        // is a prefix of the stream, never the whole 10,000.
        InputStream in = stuck.getInputStream();
        stuck.setSoTimeout((int) TestClient.WAIT.toMillis());
        byte[] all = in.readAllBytes();
        String text = new String(all, StandardCharsets.UTF_8);
        assertTrue(all.length < MESSAGES * 1000L, "the slow client got only part of the stream, got " + all.length);
        // From the start: the greeting, then the welcome.
        assertTrue(text.startsWith("{\"type\":\"notice\""), text.substring(0, Math.min(80, text.length())));
        String afterGreeting = text.substring(text.indexOf('\n') + 1);
        assertTrue(afterGreeting.startsWith("{\"type\":\"welcome\""), afterGreeting.substring(0, Math.min(80, afterGreeting.length())));
        System.out.printf("slow-consumer test: %d messages to 3 readers in %d ms while one reader was stuck%n",
                MESSAGES, took.toMillis());
    }

    @Test
    void aWriteBlockedLongerThanTheWriteTimeoutEndsThatClientOnly() throws Exception {
        // An outbox too large to overflow: only the write deadline can catch this client.
        start(testConfig().withMaxOutboxBytes(64 * 1024 * 1024)
                .withTimeouts(Duration.ofMillis(500), Duration.ofSeconds(10), Duration.ofSeconds(60)));
        TestClient alice = register("alice");
        track(TestClient.stalled(server.port(), "stuck"));
        alice.awaitMatching("stuck's join", n -> "stuck".equals(n.path("nick").asText()));
        String padding = "w".repeat(1000);
        JsonNode left = null;
        for (int i = 0; i < 20_000 && left == null; i++) {
            alice.say(padding);
            JsonNode node;
            do {
                node = alice.next();
            } while (!node.path("type").asText().equals("message") && !node.path("type").asText().equals("left"));
            if (node.path("type").asText().equals("left")) {
                left = node;
            }
        }
        assertTrue(left != null, "the stuck client was never cut off");
        assertEquals("stuck", left.get("nick").asText());
        assertEquals("write_timeout", left.get("reason").asText());
        alice.send("{\"type\":\"ping\",\"ref\":\"ok\"}");
        alice.awaitMatching("pong", n -> "pong".equals(n.path("type").asText()));
    }
}
