package io.loomchat.server;

import io.loomchat.server.chat.Commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Flood control, the per-address connection limit and the idle heartbeat, one test each and more. */
class LimitsTest extends ServerTestSupport {

    private ChatServer startWithFlood(ManualClock clock, double rate, int burst, int disconnectAfter) throws Exception {
        server = ChatServer.start(testConfig().toBuilder().floodLinesPerSecond(rate).floodBurst(burst)
                .floodDisconnectAfter(disconnectAfter).build(), clock);
        return server;
    }

    @Test
    void linesBeyondTheBurstAreRefusedWithRateLimitedAndNothingIsDroppedSilently() throws Exception {
        ManualClock clock = new ManualClock();
        startWithFlood(clock, 5, 4, 100); // hello + 3 more lines, then one every 200 ms
        TestClient alice = register("alice");
        for (int i = 1; i <= 5; i++) {
            alice.send("{\"type\":\"say\",\"text\":\"line " + i + "\",\"ref\":\"s" + i + "\"}");
        }
        for (int i = 1; i <= 3; i++) {
            assertEquals("s" + i, alice.expect("message").get("ref").asText());
        }
        for (int i = 4; i <= 5; i++) {
            JsonNode error = alice.expect("error");
            assertEquals("rate_limited", error.get("code").asText());
            assertEquals("s" + i, error.get("ref").asText(), "the refusal names the refused line");
            assertTrue(error.get("message").asText().contains("flood-lines-per-second=5"), error.toString());
        }
        clock.advance(Duration.ofMillis(200));
        alice.send("{\"type\":\"say\",\"text\":\"after a pause\",\"ref\":\"s6\"}");
        assertEquals("s6", alice.expect("message").get("ref").asText(), "the bucket refills with time");
    }

    @Test
    void aClientThatKeepsFloodingIsDisconnectedAndOthersAreUntouched() throws Exception {
        ManualClock clock = new ManualClock();
        startWithFlood(clock, 5, 2, 10);
        TestClient bob = register("bob");
        TestClient flooder = register("flooder");
        bob.await("joined");
        for (int i = 0; i < 30; i++) {
            flooder.say("spam " + i);
        }
        JsonNode bye = flooder.awaitClose();
        assertNotNull(bye);
        assertEquals("flood", bye.get("code").asText());
        JsonNode left = bob.awaitMatching("the flooder leaving", n -> "left".equals(n.path("type").asText()));
        assertEquals("flood", left.get("reason").asText());
        bob.send("{\"type\":\"ping\",\"ref\":\"fine\"}");
        assertEquals("fine", bob.await("pong").get("ref").asText());
    }

    @Test
    void connectionsBeyondThePerAddressLimitAreRefusedAndTheSlotIsFreedOnClose() throws Exception {
        start(testConfig().toBuilder().maxConnectionsPerAddress(2).limitLoopback(true).build());
        TestClient first = register("one");
        register("two");
        TestClient third = connect();
        JsonNode bye = third.awaitClose();
        assertEquals("too_many_connections", bye.get("code").asText());
        assertTrue(bye.get("reason").asText().contains("max-connections-per-address=2"), bye.toString());
        first.send("{\"type\":\"quit\"}");
        first.awaitClose();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 1);
        register("three"); // the slot came back
    }

    @Test
    void loopbackIsExemptFromThePerAddressLimitByDefault() throws Exception {
        start(testConfig().toBuilder().maxConnectionsPerAddress(1).build());
        register("one");
        register("two");
    }

    @Test
    void aSilentClientIsPingedAndDisconnectedIfItNeverAnswers() throws Exception {
        start(testConfig().toBuilder().pingInterval(Duration.ofMillis(200)).pingTimeout(Duration.ofMillis(300)).build());
        TestClient silent = register("silent");
        assertEquals("ping", silent.await("ping").get("type").asText());
        JsonNode bye = silent.awaitClose();
        assertEquals("idle_timeout", bye.get("code").asText());
    }

    @Test
    void aClientThatAnswersPingsStaysConnected() throws Exception {
        start(testConfig().toBuilder().pingInterval(Duration.ofMillis(200)).pingTimeout(Duration.ofMillis(300)).build());
        TestClient alive = register("alive");
        for (int i = 0; i < 4; i++) { // four rounds: well past interval + timeout
            alive.await("ping");
            alive.send("{\"type\":\"pong\"}");
        }
        alive.send("{\"type\":\"ping\",\"ref\":\"still\"}");
        assertEquals("still", alive.await("pong").get("ref").asText());
    }

    @Test
    void aClientCannotJoinMoreRoomsThanAllowed() throws Exception {
        start(testConfig().toBuilder().maxRoomsPerClient(2).build());
        TestClient alice = register("alice"); // lobby is room 1
        alice.send("{\"type\":\"join\",\"room\":\"two\"}");
        alice.expect("joined");
        alice.send("{\"type\":\"join\",\"room\":\"three\",\"ref\":\"j3\"}");
        JsonNode error = alice.expect("error");
        assertEquals("too_many_rooms", error.get("code").asText());
        assertEquals("j3", error.get("ref").asText());
        assertTrue(error.get("message").asText().contains("max-rooms-per-client=2"));
    }

    @Test
    void aFullRoomRefusesJoinersWhoStayConnected() throws Exception {
        start(testConfig().toBuilder().maxMembersPerRoom(2).build());
        register("one");
        TestClient two = register("two");
        two.send("{\"type\":\"join\",\"room\":\"side\"}");
        two.expect("joined");
        TestClient three = connect();
        three.send("{\"type\":\"hello\",\"nick\":\"three\"}");
        three.expect("welcome");
        assertEquals("room_full", three.expect("error").get("code").asText(), "lobby is full");
        three.send("{\"type\":\"join\",\"room\":\"side\"}");
        assertEquals("side", three.expect("joined").get("room").asText(), "another room still works");
    }

    @Test
    void aQuitReasonIsCutToTwoHundredCharacters() throws Exception {
        start();
        TestClient bob = register("bob");
        TestClient alice = register("alice");
        bob.await("joined");
        alice.send("{\"type\":\"quit\",\"reason\":\"" + "r".repeat(5000) + "\"}");
        String reason = bob.await("left").get("reason").asText();
        assertEquals("quit: " + "r".repeat(Commands.MAX_REASON_CHARS), reason);
    }

    @Test
    void anAddressOpeningConnectionsTooFastIsThrottledOnlyUntilItsAllowanceRefills() throws Exception {
        ManualClock clock = new ManualClock();
        server = ChatServer.start(testConfig().toBuilder().limitLoopback(true).connectsPerAddressPerMinute(3).build(), clock);
        for (int i = 0; i < 3; i++) {
            TestClient c = register("c" + i);
            c.close();
        }
        JsonNode bye = connect().awaitClose();
        assertEquals("throttled", bye.get("code").asText());
        assertTrue(bye.get("reason").asText().contains("connects-per-address-per-minute=3"), bye.toString());
        // Hammering on costs nothing more: refused attempts take no allowance.
        for (int i = 0; i < 20; i++) {
            assertEquals("throttled", connect().awaitClose().get("code").asText());
        }
        // One connection's worth comes back every 60 s / 3 = 20 s, not when some fixed minute is over: a
        // person behind the same NAT as a scanner waits seconds once the scan stops, not the rest of a minute.
        clock.advance(Duration.ofSeconds(21));
        register("later").close();
        assertEquals("throttled", connect().awaitClose().get("code").asText());
        clock.advance(Duration.ofSeconds(61));
        for (int i = 0; i < 3; i++) {
            register("again" + i).close(); // a full allowance again
        }
    }
}
