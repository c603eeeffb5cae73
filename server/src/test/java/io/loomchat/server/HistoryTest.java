package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HistoryTest extends ServerTestSupport {

    /** Says {@code count} lines and waits for each acknowledgement; returns the ids. */
    static List<Long> sayAll(TestClient client, String room, int count, String prefix) throws IOException {
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            client.send("{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"" + prefix + i + "\",\"ref\":\"h" + i + "\"}");
        }
        for (int i = 1; i <= count; i++) {
            String ref = "h" + i;
            ids.add(client.awaitMatching("ack " + ref, n -> ref.equals(n.path("ref").asText())).get("id").asLong());
        }
        return ids;
    }

    /** Reads history messages up to and including the history_end; returns the messages. */
    static List<JsonNode> readPage(TestClient client, JsonNode[] end) {
        List<JsonNode> messages = new ArrayList<>();
        while (true) {
            JsonNode node = client.next();
            String type = node.path("type").asText();
            if (type.equals("history_end")) {
                end[0] = node;
                return messages;
            }
            assertEquals("message", type, "only history before history_end: " + node);
            assertTrue(node.path("history").asBoolean(), "replayed lines are marked as history: " + node);
            messages.add(node);
        }
    }

    private static List<Long> ids(List<JsonNode> messages) {
        return messages.stream().map(m -> m.get("id").asLong()).toList();
    }

    private static List<Long> range(long from, long to) {
        List<Long> ids = new ArrayList<>();
        for (long id = from; id <= to; id++) {
            ids.add(id);
        }
        return ids;
    }

    @Test
    void aJoinerGetsTheLast20MessagesMarkedAsHistoryThenLiveOnes() throws Exception {
        start();
        TestClient alice = register("alice");
        List<Long> said = sayAll(alice, "lobby", 30, "line ");
        TestClient bob = register("bob");
        JsonNode[] end = new JsonNode[1];
        List<JsonNode> history = readPage(bob, end);
        assertEquals(said.subList(10, 30), ids(history));
        assertEquals("line 11", history.get(0).get("text").asText());
        assertEquals("alice", history.get(0).get("from").asText());
        assertFalse(history.get(0).has("ref"), "history never carries the sender's ref");
        assertEquals(20, end[0].get("count").asInt());
        assertTrue(end[0].get("more").asBoolean(), "ten older messages remain");
        assertEquals(said.get(29), end[0].get("last").asLong());

        alice.say("live now");
        JsonNode live = bob.expect("message");
        assertFalse(live.has("history"));
        assertEquals(said.get(29) + 1, live.get("id").asLong());
    }

    @Test
    void aClientChoosesHowMuchHistoryItWantsOnHelloAndJoin() throws Exception {
        start();
        TestClient alice = register("alice");
        sayAll(alice, "lobby", 30, "l");
        alice.send("{\"type\":\"join\",\"room\":\"dev\"}");
        alice.expect("joined");
        sayAll(alice, "dev", 5, "d");

        TestClient bob = track(TestClient.connect(server.port()));
        bob.send("{\"type\":\"hello\",\"nick\":\"bob\",\"history\":0}");
        bob.expect("welcome");
        bob.expect("joined");
        bob.expectNothingPending();

        bob.send("{\"type\":\"join\",\"room\":\"dev\",\"history\":50,\"ref\":\"j\"}");
        assertEquals("j", bob.expect("joined").get("ref").asText());
        JsonNode[] end = new JsonNode[1];
        assertEquals(5, readPage(bob, end).size());
        assertFalse(end[0].get("more").asBoolean());
    }

    @Test
    void historyPagesBackwardAndForwardByMessageId() throws Exception {
        start();
        TestClient alice = register("alice");
        List<Long> said = sayAll(alice, "lobby", 30, "m");
        JsonNode[] end = new JsonNode[1];

        alice.send("{\"type\":\"history\",\"before\":" + said.get(10) + ",\"limit\":5,\"ref\":\"p1\"}");
        assertEquals(said.subList(5, 10), ids(readPage(alice, end)));
        assertTrue(end[0].get("more").asBoolean());
        assertEquals("p1", end[0].get("ref").asText());

        alice.send("{\"type\":\"history\",\"room\":\"lobby\",\"after\":" + said.get(24) + ",\"limit\":10}");
        assertEquals(said.subList(25, 30), ids(readPage(alice, end)));
        assertFalse(end[0].get("more").asBoolean());

        alice.send("{\"type\":\"history\",\"before\":" + said.get(2) + "}");
        assertEquals(said.subList(0, 2), ids(readPage(alice, end)));
        assertFalse(end[0].get("more").asBoolean(), "nothing before the first message");

        alice.send("{\"type\":\"history\",\"room\":\"elsewhere\",\"ref\":\"x\"}");
        assertEquals("not_in_room", alice.expect("error").get("code").asText());
        alice.send("{\"type\":\"history\",\"before\":5,\"after\":1,\"ref\":\"y\"}");
        assertEquals("bad_field", alice.expect("error").get("code").asText());
    }

    @Test
    void aRoomKeepsOnlyItsHistorySize() throws Exception {
        start(testConfig().toBuilder().historySize(10).build());
        TestClient alice = register("alice");
        List<Long> said = sayAll(alice, "lobby", 25, "k");
        alice.send("{\"type\":\"history\",\"limit\":100}");
        JsonNode[] end = new JsonNode[1];
        assertEquals(said.subList(15, 25), ids(readPage(alice, end)));
        assertFalse(end[0].get("more").asBoolean());
    }

    @Test
    void aHistoryPageNeverOverflowsTheOutboxOfItsReader() throws Exception {
        start(testConfig().toBuilder().maxOutboxBytes(64 * 1024).build());
        TestClient alice = register("alice");
        String big = "x".repeat(10_000);
        List<Long> said = sayAll(alice, "lobby", 12, big);
        TestClient bob = register("bob");
        JsonNode[] end = new JsonNode[1];
        List<JsonNode> first = readPage(bob, end);
        assertTrue(first.size() < 12 && !first.isEmpty(), "a page fits half the outbox: " + first.size());
        assertTrue(end[0].get("more").asBoolean());
        assertEquals(said.subList(12 - first.size(), 12), ids(first), "the newest come first");
        // Page back for the rest, as a client would.
        List<Long> all = new ArrayList<>(ids(first));
        while (end[0].get("more").asBoolean()) {
            bob.send("{\"type\":\"history\",\"before\":" + all.get(0) + ",\"limit\":100}");
            List<Long> older = new ArrayList<>(ids(readPage(bob, end)));
            older.addAll(all);
            all = older;
        }
        assertEquals(said, all);
        assertFalse(bob.isClosedByServer());
    }

    @Test
    void aJoinAfterAnIdReplaysExactlyWhatWasMissedWhileOthersKeepTalking() throws Exception {
        start();
        TestClient alice = register("alice");
        TestClient bob = register("bob");
        List<Long> before = sayAll(alice, "lobby", 50, "b");
        bob.send("{\"type\":\"leave\",\"ref\":\"l\"}");
        bob.await("left");
        bob.send("{\"type\":\"join\",\"room\":\"dev\"}"); // stays connected, in another room
        bob.expect("joined");

        // Alice talks on while bob rejoins lobby asking for everything after the 40th message.
        AtomicBoolean talking = new AtomicBoolean(true);
        Thread talker = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 200 && talking.get(); i++) {
                    alice.say("during " + i);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        bob.send("{\"type\":\"join\",\"room\":\"lobby\",\"after\":" + before.get(39) + "}");
        bob.expect("joined");
        JsonNode[] end = new JsonNode[1];
        List<Long> seen = new ArrayList<>(ids(readPage(bob, end)));
        talker.join();
        alice.send("{\"type\":\"say\",\"text\":\"last\",\"ref\":\"last\"}");
        long lastId = alice.awaitMatching("last ack", n -> "last".equals(n.path("ref").asText())).get("id").asLong();
        while (seen.isEmpty() || seen.get(seen.size() - 1) < lastId) {
            JsonNode m = bob.await("message");
            assertFalse(m.has("history"));
            seen.add(m.get("id").asLong());
        }
        assertEquals(range(before.get(40), lastId), seen, "no gap and no duplicate between history and live");
    }
}
