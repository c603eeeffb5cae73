package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RoomBroadcastTest extends ServerTestSupport {

    @BeforeEach
    void startServer() throws Exception {
        start();
    }

    @Test
    void aMessageReachesEveryMemberOfTheRoomAndOnlyThem() throws Exception {
        TestClient alice = register("alice");
        TestClient bob = register("bob");
        TestClient carol = register("carol");
        carol.send("{\"type\":\"join\",\"room\":\"dev\",\"ref\":\"j\"}");
        carol.expect("joined");
        carol.send("{\"type\":\"leave\",\"room\":\"lobby\",\"ref\":\"l\"}");
        assertEquals("l", carol.await("left").get("ref").asText());
        alice.await("left");
        bob.await("left");

        alice.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"hi all\",\"ref\":\"s1\"}");

        JsonNode ack = alice.expect("message");
        assertEquals("s1", ack.get("ref").asText(), "the sender's copy is its acknowledgement");
        JsonNode got = bob.expect("message");
        assertEquals("hi all", got.get("text").asText());
        assertEquals("alice", got.get("from").asText());
        assertEquals("lobby", got.get("room").asText());
        assertEquals(ack.get("id").asLong(), got.get("id").asLong());
        assertFalse(got.has("ref"), "other members do not see the sender's ref");
        Instant.parse(got.get("ts").asText());
        carol.expectNothingPending();
    }

    @Test
    void theServerStampsSenderIdAndTimeAndIgnoresForgedOnes() throws Exception {
        TestClient alice = register("alice");
        TestClient bob = register("bob");
        alice.send("{\"type\":\"say\",\"text\":\"one\",\"from\":\"bob\",\"id\":999,\"ts\":\"2000-01-01T00:00:00.000Z\"}");
        alice.say("two");
        JsonNode first = bob.expect("message");
        JsonNode second = bob.expect("message");
        assertEquals("alice", first.get("from").asText());
        assertEquals(first.get("id").asLong() + 1, second.get("id").asLong());
        assertTrue(first.get("ts").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"),
                first.get("ts").asText());
        assertTrue(Instant.parse(first.get("ts").asText()).isAfter(Instant.parse("2020-01-01T00:00:00Z")));
    }

    @Test
    void joinAndLeaveAreAnnouncedToTheRoom() throws Exception {
        TestClient alice = register("alice");
        TestClient bob = register("bob");
        assertEquals("bob", alice.expect("joined").get("nick").asText());

        bob.send("{\"type\":\"join\",\"room\":\"#Dev\",\"ref\":\"j1\"}");
        JsonNode joined = bob.expect("joined");
        assertEquals("dev", joined.get("room").asText(), "room names are canonical: lower case, no '#'");
        assertEquals("j1", joined.get("ref").asText());
        alice.expectNothingPending();

        alice.send("{\"type\":\"join\",\"room\":\"dev\"}");
        alice.expect("joined");
        assertEquals("alice", bob.expect("joined").get("nick").asText());

        bob.send("{\"type\":\"leave\",\"room\":\"dev\"}");
        JsonNode left = alice.expect("left");
        assertEquals("bob", left.get("nick").asText());
        assertEquals("dev", left.get("room").asText());
        assertEquals("leave", left.get("reason").asText());
    }

    @Test
    void inARoomBiggerThanTheQuietLimitJoinsAndLeavesAreToldOnlyToTheOneMoving() throws Exception {
        server.close();
        start(testConfig().withQuietJoinsAbove(2));
        TestClient alice = register("alice");
        TestClient bob = register("bob");
        assertEquals("bob", alice.expect("joined").get("nick").asText(), "2 members: still announced");
        TestClient carol = register("carol"); // 3 members: carol alone hears her join
        alice.expectNothingPending();
        bob.expectNothingPending();
        carol.send("{\"type\":\"leave\",\"ref\":\"bye\"}");
        assertEquals("bye", carol.expect("left").get("ref").asText());
        alice.expectNothingPending();
        bob.send("{\"type\":\"leave\"}"); // back to 2 members before: announced again
        assertEquals("bob", alice.expect("left").get("nick").asText());
    }

    @Test
    void sayWithoutARoomGoesToTheMostRecentlyJoinedRoom() throws Exception {
        TestClient alice = register("alice");
        alice.send("{\"type\":\"join\",\"room\":\"dev\"}");
        alice.expect("joined");
        alice.say("where am I");
        assertEquals("dev", alice.expect("message").get("room").asText());
    }

    @Test
    void whoListsTheNicksInARoomAndRoomsListsTheRooms() throws Exception {
        TestClient alice = register("alice");
        TestClient bob = register("Bob");
        bob.send("{\"type\":\"join\",\"room\":\"dev\"}");
        bob.expect("joined");
        alice.send("{\"type\":\"who\",\"room\":\"lobby\",\"ref\":\"w\"}");
        JsonNode members = alice.await("members");
        assertEquals("w", members.get("ref").asText());
        assertEquals(List.of("alice", "Bob"), texts(members.get("nicks")));

        alice.send("{\"type\":\"rooms\"}");
        JsonNode rooms = alice.expect("room_list").get("rooms");
        assertEquals("dev", rooms.get(0).get("name").asText());
        assertEquals(1, rooms.get(0).get("members").asInt());
        assertEquals("lobby", rooms.get(1).get("name").asText());
        assertEquals(2, rooms.get(1).get("members").asInt());
    }

    @Test
    void anEmptiedRoomDisappearsAndItsIdsAreNotReusedWhenItReturns() throws Exception {
        TestClient alice = register("alice");
        alice.send("{\"type\":\"join\",\"room\":\"tmp\"}");
        alice.expect("joined");
        alice.send("{\"type\":\"say\",\"room\":\"tmp\",\"text\":\"x\"}");
        long firstId = alice.expect("message").get("id").asLong();
        alice.send("{\"type\":\"leave\",\"room\":\"tmp\"}");
        alice.expect("left");
        alice.send("{\"type\":\"rooms\"}");
        assertEquals(1, alice.expect("room_list").get("rooms").size());
        alice.send("{\"type\":\"join\",\"room\":\"tmp\"}");
        alice.expect("joined");
        alice.send("{\"type\":\"say\",\"room\":\"tmp\",\"text\":\"y\"}");
        assertEquals(firstId + 1, alice.expect("message").get("id").asLong());
    }

    @Test
    void requestsSentInOneWriteAreAnsweredInTheOrderSentWhileTheSaysAmongThemGoOutTogether() throws Exception {
        TestClient alice = register("alice");
        TestClient bob = register("bob");
        alice.awaitMatching("bob joined", n -> "bob".equals(n.path("nick").asText()));
        StringBuilder pipelined = new StringBuilder();
        for (String line : List.of(
                "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"one\",\"ref\":\"s1\"}",
                "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"two\",\"ref\":\"s2\"}",
                "{\"type\":\"join\",\"room\":\"dev\",\"ref\":\"j\"}",
                "{\"type\":\"say\",\"room\":\"dev\",\"text\":\"three\",\"ref\":\"s3\"}",
                "{\"type\":\"ping\",\"ref\":\"p\"}",
                "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"four\",\"ref\":\"s4\"}",
                "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\" \",\"ref\":\"e\"}",
                "{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"five\",\"ref\":\"s5\"}")) {
            pipelined.append(line).append('\n');
        }
        alice.sendRaw(pipelined.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));

        List<String> answers = new ArrayList<>();
        while (answers.size() < 8) {
            JsonNode n = alice.next();
            if (n.has("ref")) {
                answers.add(n.get("type").asText() + ":" + n.get("ref").asText());
            }
        }
        assertEquals(List.of("message:s1", "message:s2", "joined:j", "message:s3", "pong:p", "message:s4",
                "error:e", "message:s5"), answers);
        List<String> heard = new ArrayList<>();
        long lastId = -1;
        for (int i = 0; i < 4; i++) {
            JsonNode m = bob.await("message");
            heard.add(m.get("text").asText());
            assertTrue(lastId < 0 || m.get("id").asLong() == lastId + 1, "dense ids: " + m);
            lastId = m.get("id").asLong();
        }
        assertEquals(List.of("one", "two", "four", "five"), heard);
        bob.expectNothingPending();
    }

    @Test
    void concurrentSendersProduceOneOrderThatEveryMemberSeesWithDenseIncreasingIds() throws Exception {
        int senders = 3;
        int each = 300;
        List<TestClient> clients = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            clients.add(register("s" + i));
        }
        TestClient listener = register("listener");
        for (TestClient c : clients) {
            c.awaitMatching("everyone joined", n -> "listener".equals(n.path("nick").asText()));
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (TestClient c : clients) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        c.say(c.nick + "-" + i);
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        List<TestClient> everyone = new ArrayList<>(clients);
        everyone.add(listener);
        List<String> reference = null;
        for (TestClient c : everyone) {
            List<String> seen = new ArrayList<>();
            long lastId = -1;
            int[] nextFrom = new int[senders];
            for (int i = 0; i < senders * each; i++) {
                JsonNode m = c.await("message");
                long id = m.get("id").asLong();
                if (lastId >= 0) {
                    assertEquals(lastId + 1, id, c.nick + " saw ids out of order");
                }
                lastId = id;
                String text = m.get("text").asText();
                int sender = Integer.parseInt(m.get("from").asText().substring(1));
                assertEquals("s" + sender + "-" + nextFrom[sender]++, text, "one sender's lines stay in order");
                seen.add(text);
            }
            if (reference == null) {
                reference = seen;
            } else {
                assertEquals(reference, seen, c.nick + " saw a different order");
            }
        }
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
