package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomchat.server.config.ServerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Deadlines and keep-alive pings on virtual time: the test moves the ticker, nobody waits for minutes. */
class WatchdogTest extends ServerTestSupport {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private void startOnVirtualTime() throws Exception {
        server = ChatServer.start(testConfig(), Clock.systemUTC(), now::get, null);
    }

    @Test
    void aSilentConnectionIsClosedAtTheHandshakeDeadline() throws Exception {
        startOnVirtualTime();
        TestClient silent = connect();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 1);
        now.addAndGet(ServerConfig.DEFAULT_HANDSHAKE_TIMEOUT.plusSeconds(1).toNanos());
        assertEquals("handshake_timeout", silent.awaitClose().get("code").asText());
    }

    @Test
    void aSilentMemberIsPingedThenDisconnectedAndOneThatAnswersStays() throws Exception {
        startOnVirtualTime();
        TestClient answers = register("alice");
        TestClient silent = register("bob");
        answers.await("joined"); // bob's join
        now.addAndGet(ServerConfig.DEFAULT_PING_INTERVAL.plusSeconds(1).toNanos());
        answers.await("ping");
        silent.await("ping");
        answers.send("{\"type\":\"pong\"}");
        answers.expectNothingPending(); // the pong was read before time moves on
        now.addAndGet(ServerConfig.DEFAULT_PING_TIMEOUT.plusSeconds(1).toNanos());
        assertEquals("idle_timeout", silent.awaitClose().get("code").asText());
        now.addAndGet(ServerConfig.DEFAULT_CLOSE_LINGER.plusSeconds(1).toNanos()); // the linger after bye, too
        answers.awaitMatching("bob's leave", n -> "left".equals(n.path("type").asText()));
        answers.expectNothingPending();
    }
}
