package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest extends ServerTestSupport {

    @Test
    void aConnectionThatSendsNothingGetsAByeAndIsClosed() throws Exception {
        start(testConfig().withTimeouts(Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofSeconds(60)));
        TestClient silent = connect();
        JsonNode bye = silent.awaitClose();
        assertNotNull(bye, "a bye before the close");
        assertEquals("handshake_timeout", bye.get("code").asText());
        assertTrue(bye.get("reason").asText().contains("handshake-timeout=300ms"), bye.toString());
    }

    @Test
    void aRegisteredClientIsNotSubjectToTheHandshakeTimeout() throws Exception {
        start(testConfig().withTimeouts(Duration.ofSeconds(10), Duration.ofMillis(300), Duration.ofSeconds(60)));
        TestClient alice = register("alice");
        TestClient probe = connect();
        probe.awaitClose(); // a full handshake timeout has now passed
        alice.send("{\"type\":\"ping\",\"ref\":\"alive\"}");
        assertEquals("alive", alice.expect("pong").get("ref").asText());
    }

    @Test
    void quitGetsAByeAndTheOthersSeeTheReason() throws Exception {
        start();
        TestClient alice = register("alice");
        TestClient bob = register("bob");
        bob.send("{\"type\":\"quit\",\"reason\":\"gone fishing\"}");
        JsonNode bye = bob.awaitClose();
        assertEquals("quit", bye.get("code").asText());
        JsonNode left = alice.await("left");
        assertEquals("bob", left.get("nick").asText());
        assertEquals("quit: gone fishing", left.get("reason").asText());
    }

    @Test
    void shutdownSaysByeToEveryClientAfterWhatWasQueued() throws Exception {
        start();
        List<TestClient> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clients.add(register("c" + i));
        }
        TestClient anon = connect();
        clients.get(0).say("last words");
        clients.get(0).await("message");
        server.close();
        for (TestClient c : clients.subList(1, clients.size())) {
            c.awaitMatching("the last message", n -> "last words".equals(n.path("text").asText()));
        }
        for (TestClient c : clients) {
            JsonNode bye = c.awaitClose();
            assertNotNull(bye, c.nick + " got no bye");
            assertEquals("shutdown", bye.get("code").asText());
        }
        assertEquals("shutdown", anon.awaitClose().get("code").asText());
        assertEquals(0, server.connectionCount());
    }

    @Test
    void connectionsBeyondTheLimitAreToldTheServerIsFull() throws Exception {
        start(testConfig().withMaxConnections(2));
        register("a");
        register("b");
        TestClient third = connect();
        JsonNode bye = third.awaitClose();
        assertEquals("server_full", bye.get("code").asText());
        assertTrue(bye.get("reason").asText().contains("max-connections=2"));
    }
}
