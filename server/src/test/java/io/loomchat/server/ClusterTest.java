package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.server.config.ClusterConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several nodes on one real nats-server (JetStream), clients on different nodes, over real sockets. */
class ClusterTest {

    @TempDir
    Path dir;

    private static ChatServer node(NatsServerProcess nats, String name) throws Exception {
        return ChatServer.start(ServerTestSupport.testConfig().toBuilder()
                .cluster(new ClusterConfig(List.of(nats.url()), name, null, null, 1)).build());
    }

    /** The next {@code count} chat messages a client receives: id, sender and text. */
    private static List<String> messages(TestClient client, int count) {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            JsonNode m = client.await("message");
            seen.add(m.get("id").asLong() + " " + m.get("from").asText() + " " + m.get("text").asText());
        }
        return seen;
    }

    @Test
    void clientsOnTwoNodesSeeOneRoomInOneOrderWithTheSameIds() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start(dir);
             ChatServer a = node(nats, "a");
             ChatServer b = node(nats, "b");
             TestClient alice = TestClient.register(a.port(), "alice");
             TestClient bob = TestClient.register(b.port(), "bob")) {
            assertEquals(a.epoch(), b.epoch(), "one history, one epoch: ids mean the same on every node");
            for (int i = 0; i < 10; i++) {
                alice.send("{\"type\":\"say\",\"text\":\"a" + i + "\",\"ref\":\"ra" + i + "\"}");
                bob.send("{\"type\":\"say\",\"text\":\"b" + i + "\",\"ref\":\"rb" + i + "\"}");
            }
            List<String> seenByAlice = messages(alice, 20);
            List<String> seenByBob = messages(bob, 20);
            assertEquals(seenByAlice, seenByBob, "one transcript: same ids, senders, texts, order");
            long previous = 0;
            for (String line : seenByAlice) {
                long id = Long.parseLong(line.split(" ")[0]);
                assertTrue(id > previous, "ids increase: " + seenByAlice);
                previous = id;
            }
            // A client joining later on either node gets the same history.
            try (TestClient carol = TestClient.connect(a.port())) {
                carol.send("{\"type\":\"hello\",\"nick\":\"carol\",\"history\":20}");
                carol.expect("welcome");
                carol.expect("joined");
                assertEquals(seenByAlice, messages(carol, 20), "history from the stream, on another node too");
            }
        }
    }

    @Test
    void oneNickCannotBeHeldOnTwoNodesEvenWhenClaimedAtOnce() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start(dir);
             ChatServer a = node(nats, "a");
             ChatServer b = node(nats, "b")) {
            for (int round = 0; round < 5; round++) {
                String nick = "zed" + round;
                try (TestClient onA = TestClient.connect(a.port()); TestClient onB = TestClient.connect(b.port())) {
                    String hello = "{\"type\":\"hello\",\"nick\":\"" + nick + "\"}";
                    onA.send(hello);
                    onB.send(hello);
                    JsonNode answerA = onA.awaitMatching("welcome or error", n -> n.path("type").asText().matches("welcome|error"));
                    JsonNode answerB = onB.awaitMatching("welcome or error", n -> n.path("type").asText().matches("welcome|error"));
                    List<String> types = List.of(answerA.get("type").asText(), answerB.get("type").asText());
                    assertTrue(types.contains("welcome") && types.contains("error"), "exactly one wins: " + answerA + " " + answerB);
                    JsonNode refusal = answerA.get("type").asText().equals("error") ? answerA : answerB;
                    assertEquals("nick_taken", refusal.get("code").asText());
                }
            }
            // Released when its holder leaves: the nick can be had on the other node.
            try (TestClient first = TestClient.register(a.port(), "yuki")) {
                first.send("{\"type\":\"quit\"}");
                first.awaitClose();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try (TestClient second = TestClient.connect(b.port())) {
                    second.send("{\"type\":\"hello\",\"nick\":\"yuki\"}");
                    JsonNode answer = second.awaitMatching("welcome or error", n -> n.path("type").asText().matches("welcome|error"));
                    if (answer.get("type").asText().equals("welcome")) {
                        break;
                    }
                    assertTrue(System.nanoTime() < deadline, "the nick was never released: " + answer);
                }
            }
        }
    }

    @Test
    void withNatsGoneLinesAreRefusedAsUnavailableAndChatResumesWhenItIsBack() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start(dir);
             ChatServer a = node(nats, "a");
             ChatServer b = node(nats, "b");
             TestClient alice = TestClient.register(a.port(), "alice");
             TestClient bob = TestClient.register(b.port(), "bob")) {
            alice.send("{\"type\":\"say\",\"text\":\"before\",\"ref\":\"r0\"}");
            assertEquals("before", bob.await("message").get("text").asText());
            nats.kill();
            alice.send("{\"type\":\"say\",\"text\":\"during\",\"ref\":\"r1\"}");
            JsonNode refused = alice.awaitMatching("an error for r1", n -> "r1".equals(n.path("ref").asText()));
            assertEquals("error", refused.get("type").asText(), refused.toString());
            assertEquals("unavailable", refused.get("code").asText());
            assertTrue(!alice.isClosedByServer() && !bob.isClosedByServer(), "clients stay connected");
            // What needs NATS is refused as unavailable, and nobody is disconnected for asking: a newcomer's
            // nick, a nick change, a private message to someone on another node.
            try (TestClient dave = TestClient.connect(a.port())) {
                dave.send("{\"type\":\"hello\",\"nick\":\"dave\",\"ref\":\"h\"}");
                assertEquals("unavailable", dave.awaitMatching("an answer to hello", n -> "h".equals(n.path("ref").asText()))
                        .path("code").asText());
                dave.send("{\"type\":\"ping\",\"ref\":\"still\"}");
                assertEquals("pong", dave.awaitMatching("the pong", n -> "still".equals(n.path("ref").asText())).path("type").asText());
            }
            alice.send("{\"type\":\"nick\",\"nick\":\"alicia\",\"ref\":\"n\"}");
            assertEquals("unavailable", alice.awaitMatching("an answer to nick", n -> "n".equals(n.path("ref").asText()))
                    .path("code").asText());
            alice.send("{\"type\":\"msg\",\"to\":\"bob\",\"text\":\"psst\",\"ref\":\"m\"}");
            assertEquals("unavailable", alice.awaitMatching("an answer to msg", n -> "m".equals(n.path("ref").asText()))
                    .path("code").asText());
            assertTrue(!alice.isClosedByServer(), "alice is still connected");
            // The nick leases' renewal meets the outage (every 10 s) and goes on afterwards.
            Awaitility.await("a renewal put off by the outage").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> metric(a, "loomchat_cluster_nick_renewals_missed_total") > 0);
            long renewedBefore = metric(a, "loomchat_cluster_nick_renewals_total");
            nats.restart();
            // Back by itself: the line is taken again within a few seconds, sent again with the same ref every
            // 200 ms as a client does: a try that was answered unavailable but stored after all is then
            // acknowledged as said before, and said once.
            Awaitility.await("the cluster takes lines again").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        alice.send("{\"type\":\"say\",\"text\":\"after\",\"ref\":\"r2\"}");
                        JsonNode answer = alice.awaitMatching("an answer for r2", n -> "r2".equals(n.path("ref").asText()),
                                Duration.ofSeconds(15));
                        if (answer.get("type").asText().equals("error")) {
                            assertEquals("unavailable", answer.get("code").asText(), answer.toString());
                            return false;
                        }
                        return true;
                    });
            JsonNode after = bob.awaitMatching("the line said after the outage", n -> "after".equals(n.path("text").asText()));
            assertEquals("alice", after.get("from").asText());
            Awaitility.await("alice's lease renewed after the outage").atMost(Duration.ofSeconds(25))
                    .pollInterval(Duration.ofMillis(200)).until(() -> metric(a, "loomchat_cluster_nick_renewals_total") > renewedBefore);
            assertEquals("nick_taken", helloAs(b.port(), "alice").path("code").asText(), "alice's nick is still hers");
            // Every acknowledged line is stored, once; the one refused while NATS was being killed may have
            // reached it all the same (PROTOCOL.md, unavailable), but never twice.
            try (TestClient carol = TestClient.connect(b.port())) {
                carol.send("{\"type\":\"hello\",\"nick\":\"carol\",\"history\":10}");
                carol.expect("welcome");
                List<String> stored = new ArrayList<>();
                for (JsonNode n; !"history_end".equals((n = carol.awaitMatching("history",
                        m -> m.path("type").asText().matches("message|history_end"))).path("type").asText()); ) {
                    stored.add(n.get("text").asText());
                }
                assertEquals(1, java.util.Collections.frequency(stored, "before"), stored.toString());
                assertEquals(1, java.util.Collections.frequency(stored, "after"), stored.toString());
                assertTrue(java.util.Collections.frequency(stored, "during") <= 1, stored.toString());
                assertEquals(stored.size(), 2 + java.util.Collections.frequency(stored, "during"), stored.toString());
            }
        }
    }

    /** Messages received until one with {@code lastText}: "id text", in arrival order. */
    private static List<String> messagesUntil(TestClient client, String lastText) {
        List<String> seen = new ArrayList<>();
        while (true) {
            JsonNode m = client.await("message");
            seen.add(m.get("id").asLong() + " " + m.get("text").asText());
            if (lastText.equals(m.get("text").asText())) {
                return seen;
            }
        }
    }

    @Test
    void aClientWhoseNodeIsKilledResumesOnAnotherNodeWithNothingLostOrSaidTwice() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start(dir);
             ChatServer b = node(nats, "b");
             ChildServer a = ChildServer.launch(dir, 0, List.of(), "--nats", nats.url(), "--node-name", "a",
                     "--flood-lines-per-second", "0");
             TestClient bob = TestClient.register(b.port(), "bob")) {
            TestClient alice = TestClient.connect(a.port());
            alice.send("{\"type\":\"hello\",\"nick\":\"alice\",\"ref\":\"h\"}");
            String token = alice.expect("welcome").get("resume").asText();
            alice.send("{\"type\":\"say\",\"text\":\"one\",\"ref\":\"r1\"}");
            long one = alice.awaitMatching("the ack of r1", n -> "r1".equals(n.path("ref").asText())).get("id").asLong();
            List<String> bobSaw = new ArrayList<>(messagesUntil(bob, "one"));
            // A line in flight when the node dies: stored or not, nobody knows yet, its sender least of all.
            alice.send("{\"type\":\"say\",\"text\":\"two\",\"ref\":\"r2\"}");
            a.process().destroyForcibly();
            assertTrue(a.process().waitFor(10, TimeUnit.SECONDS), "node a was killed");
            alice.awaitClose();
            bob.send("{\"type\":\"say\",\"text\":\"three\",\"ref\":\"b3\"}");
            bobSaw.addAll(messagesUntil(bob, "three"));

            // Back on node b, at once (node a's lease has not run out): same nick, everything after "one",
            // and the unacknowledged line re-sent with its ref, as the terminal client does.
            try (TestClient back = TestClient.connect(b.port())) {
                back.send("{\"type\":\"hello\",\"nick\":\"alice\",\"resume\":\"" + token + "\",\"after\":" + one + "}");
                JsonNode welcome = back.awaitMatching("welcome or error", n -> n.path("type").asText().matches("welcome|error"));
                assertEquals("welcome", welcome.get("type").asText(), welcome.toString());
                back.send("{\"type\":\"say\",\"text\":\"two\",\"ref\":\"r2\"}");
                List<String> aliceSaw = new ArrayList<>();
                boolean acked = false;
                while (!acked) { // the replay after "one", then the ack of the re-sent line
                    JsonNode m = back.awaitMatching("a message", n -> n.path("type").asText().matches("message|error"));
                    assertEquals("message", m.get("type").asText(), m.toString());
                    aliceSaw.add(m.get("id").asLong() + " " + m.get("text").asText());
                    acked = "r2".equals(m.path("ref").asText());
                }
                // Sent once more (its ack lost, say): acknowledged again as the line already stored, not said.
                String firstAck = aliceSaw.getLast();
                back.send("{\"type\":\"say\",\"text\":\"two\",\"ref\":\"r2\"}");
                JsonNode again = back.awaitMatching("the ack of r2 again", n -> "r2".equals(n.path("ref").asText()));
                assertEquals(firstAck, again.get("id").asLong() + " " + again.get("text").asText(), again.toString());
                bob.send("{\"type\":\"say\",\"text\":\"four\",\"ref\":\"b4\"}");
                bobSaw.addAll(messagesUntil(bob, "four"));
                aliceSaw.addAll(messagesUntil(back, "four"));
                assertEquals(1, bobSaw.stream().filter(m -> m.endsWith(" two")).count(), "two said once: " + bobSaw);
                java.util.Set<String> bobAfterOne = new java.util.TreeSet<>();
                for (String m : bobSaw) {
                    if (Long.parseLong(m.split(" ")[0]) > one) {
                        bobAfterOne.add(m);
                    }
                }
                assertEquals(bobAfterOne, new java.util.TreeSet<>(aliceSaw),
                        "after 'one', the same lines with the same ids on both sides: " + bobSaw + " / " + aliceSaw);
            }
        }
    }

    @Test
    void theMembersOfANodeThatDiesAreToldAsGoneOnTheOthersAndTheirNicksFreeAfterTheLease() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start(dir);
             ChatServer b = node(nats, "b");
             ChildServer a = ChildServer.launch(dir, 0, List.of(), "--nats", nats.url(), "--node-name", "a");
             TestClient bob = TestClient.register(b.port(), "bob");
             TestClient alice = TestClient.register(a.port(), "alice")) {
            bob.awaitMatching("alice's join, from node a", n -> "joined".equals(n.path("type").asText())
                    && "alice".equals(n.path("nick").asText()));
            long killed = System.nanoTime();
            a.process().destroyForcibly();
            assertTrue(a.process().waitFor(10, TimeUnit.SECONDS), "node a was killed");
            JsonNode gone = bob.awaitMatching("alice's leave", n -> "left".equals(n.path("type").asText())
                    && "alice".equals(n.path("nick").asText()), java.time.Duration.ofSeconds(30));
            assertEquals("node_lost", gone.get("reason").asText(), gone.toString());
            bob.send("{\"type\":\"who\",\"ref\":\"w\"}");
            assertEquals("[\"bob\"]", bob.awaitMatching("who", n -> "w".equals(n.path("ref").asText())).get("nicks").toString());

            // Someone else (no resume token) asking for the dead node's nick: taken while its lease lasts
            // (renewed every 10 s, 30 s long), theirs once it runs out, with nobody on node a to free it.
            assertEquals("nick_taken", helloAs(b.port(), "alice").path("code").asText(), "alice's lease still holds");
            JsonNode[] answer = new JsonNode[1];
            Awaitility.await("alice's lease running out").atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> "welcome".equals((answer[0] = helloAs(b.port(), "alice")).path("type").asText()));
            long freedAfter = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killed);
            assertTrue(freedAfter >= 15, "freed " + freedAfter + " s after the kill: sooner than a lease allows");
        }
    }

    /** A counter's value in a node's /metrics text. */
    private static long metric(ChatServer node, String name) {
        for (String line : node.metricsText().split("\n")) {
            if (line.startsWith(name + " ")) {
                return Long.parseLong(line.substring(name.length() + 1).strip());
            }
        }
        throw new AssertionError(name + " is not in /metrics");
    }

    /** A new person asking for {@code nick}: their welcome (then they leave) or the error. */
    private static JsonNode helloAs(int port, String nick) throws Exception {
        try (TestClient c = TestClient.connect(port)) {
            c.send("{\"type\":\"hello\",\"nick\":\"" + nick + "\"}");
            return c.awaitMatching("welcome or error", n -> n.path("type").asText().matches("welcome|error"));
        }
    }

    @Test
    void anOperatorsKicksBansAndMutesHoldOnEveryNode() throws Exception {
        java.nio.file.Path operators = dir.resolve("operators");
        java.nio.file.Files.writeString(operators, io.loomchat.server.guard.Operators.line("root", "correct horse") + "\n");
        try (NatsServerProcess nats = NatsServerProcess.start(dir);
             ChatServer a = ChatServer.start(ServerTestSupport.testConfig().toBuilder().operatorsFile(operators)
                     .cluster(new ClusterConfig(List.of(nats.url()), "a", null, null, 1)).build());
             ChatServer b = ChatServer.start(ServerTestSupport.testConfig().toBuilder().operatorsFile(operators)
                     .cluster(new ClusterConfig(List.of(nats.url()), "b", null, null, 1)).build());
             TestClient op = TestClient.register(a.port(), "op");
             TestClient troll = TestClient.register(b.port(), "troll");
             TestClient carol = TestClient.register(b.port(), "carol")) {
            op.send("{\"type\":\"oper\",\"name\":\"root\",\"password\":\"correct horse\",\"ref\":\"o\"}");
            op.awaitMatching("the operator login", n -> "o".equals(n.path("ref").asText()));

            // A mute made on node a is enforced on node b, where carol speaks.
            op.send("{\"type\":\"mute\",\"nick\":\"carol\",\"room\":\"lobby\",\"ref\":\"m\"}");
            assertTrue(op.awaitMatching("the mute's answer", n -> "m".equals(n.path("ref").asText())).get("text").asText().contains("muted carol"));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
                carol.send("{\"type\":\"say\",\"text\":\"can I speak?\",\"ref\":\"c\"}");
                JsonNode answer = carol.awaitMatching("the answer", n -> "c".equals(n.path("ref").asText()));
                assertEquals("muted", answer.path("code").asText(), answer.toString());
            });
            op.send("{\"type\":\"unmute\",\"nick\":\"carol\",\"room\":\"lobby\",\"ref\":\"u\"}");
            op.awaitMatching("the unmute's answer", n -> "u".equals(n.path("ref").asText()));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
                carol.send("{\"type\":\"say\",\"text\":\"and now?\",\"ref\":\"c2\"}");
                JsonNode answer = carol.awaitMatching("the answer", n -> "c2".equals(n.path("ref").asText()));
                assertEquals("message", answer.path("type").asText(), answer.toString());
            });

            // A kick made on node a removes carol, on node b, from the room.
            op.send("{\"type\":\"kick\",\"nick\":\"carol\",\"room\":\"lobby\",\"reason\":\"calm down\",\"ref\":\"k\"}");
            op.awaitMatching("the kick's answer", n -> "k".equals(n.path("ref").asText()));
            JsonNode kicked = carol.awaitMatching("carol's own leave", n -> "left".equals(n.path("type").asText())
                    && "carol".equals(n.path("nick").asText()));
            assertEquals("kicked by op: calm down", kicked.get("reason").asText(), kicked.toString());

            // A ban made on node a closes the troll on node b, and node b refuses the nick afterwards.
            op.send("{\"type\":\"ban\",\"nick\":\"troll\",\"reason\":\"spam\",\"ref\":\"b\"}");
            op.awaitMatching("the ban's answer", n -> "b".equals(n.path("ref").asText()));
            JsonNode bye = troll.awaitClose();
            assertEquals("banned", bye.get("code").asText(), bye.toString());
            try (TestClient again = TestClient.connect(b.port())) {
                again.send("{\"type\":\"hello\",\"nick\":\"troll\"}");
                JsonNode refused = again.awaitMatching("the refusal", n -> "bye".equals(n.path("type").asText())
                        || "error".equals(n.path("type").asText()));
                assertTrue(refused.toString().contains("banned"), refused.toString());
            }
        }
    }

    @Test
    void whoPrivateMessagesTopicsRenamesJoinsAndLeavesReachAcrossNodes() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start(dir);
             ChatServer a = node(nats, "a");
             ChatServer b = node(nats, "b");
             TestClient alice = TestClient.register(a.port(), "alice");
             TestClient bob = TestClient.register(b.port(), "bob")) {
            alice.awaitMatching("bob's join, from node b", n -> "joined".equals(n.path("type").asText())
                    && "bob".equals(n.path("nick").asText()));

            alice.send("{\"type\":\"who\",\"ref\":\"w\"}");
            JsonNode members = alice.awaitMatching("the members", n -> "w".equals(n.path("ref").asText()));
            assertEquals("[\"alice\",\"bob\"]", members.get("nicks").toString(), members.toString());

            // An IRC client on node a asking WHOIS of someone on node b: there, on b (not 401).
            try (IrcTestClient carol = IrcTestClient.register(a.port(), "carol")) {
                carol.send("WHOIS bob");
                carol.await("311 for bob", l -> l.contains(" 311 carol bob bob loomchat * :bob"));
                carol.await("312: on node b", l -> l.contains(" 312 carol bob b :"));
                carol.await("318", l -> l.contains(" 318 carol bob "));
                carol.send("WHOIS nobody");
                carol.await("401", l -> l.contains(" 401 carol nobody "));
            }

            bob.send("{\"type\":\"join\",\"room\":\"ops\",\"ref\":\"j\"}");
            bob.awaitMatching("bob in ops", n -> "j".equals(n.path("ref").asText()));
            alice.send("{\"type\":\"rooms\",\"ref\":\"rl\"}");
            JsonNode list = alice.awaitMatching("the room list", n -> "rl".equals(n.path("ref").asText()));
            assertEquals("[{\"name\":\"lobby\",\"members\":2},{\"name\":\"ops\",\"members\":1}]",
                    list.get("rooms").toString(), "rooms and counts over both nodes: " + list);

            alice.send("{\"type\":\"msg\",\"to\":\"Bob\",\"text\":\"psst\",\"ref\":\"m\"}");
            JsonNode echo = alice.awaitMatching("the echo", n -> "m".equals(n.path("ref").asText()));
            assertEquals("private", echo.get("type").asText(), echo.toString());
            JsonNode got = bob.await("private");
            assertEquals("alice", got.get("from").asText());
            assertEquals("psst", got.get("text").asText());

            alice.send("{\"type\":\"msg\",\"to\":\"nobody\",\"text\":\"hello?\",\"ref\":\"n\"}");
            JsonNode refused = alice.awaitMatching("the refusal", n -> "n".equals(n.path("ref").asText()));
            assertEquals("no_such_nick", refused.path("code").asText(), refused.toString());

            alice.send("{\"type\":\"topic\",\"text\":\"release on friday\",\"ref\":\"t\"}");
            assertEquals("release on friday", alice.awaitMatching("the topic's ack", n -> "t".equals(n.path("ref").asText()))
                    .get("topic").asText());
            assertEquals("alice", bob.await("topic").get("by").asText());
            try (TestClient carol = TestClient.connect(b.port())) {
                carol.send("{\"type\":\"hello\",\"nick\":\"carol\"}");
                assertEquals("release on friday", carol.await("topic").get("topic").asText(), "a joiner on node b hears it");
            }

            bob.send("{\"type\":\"nick\",\"nick\":\"robert\",\"ref\":\"k\"}");
            assertEquals("renamed", bob.awaitMatching("the rename's answer", n -> "k".equals(n.path("ref").asText()))
                    .get("type").asText());
            JsonNode renamed = alice.await("renamed");
            assertEquals("bob", renamed.get("old").asText());
            assertEquals("robert", renamed.get("nick").asText());

            bob.send("{\"type\":\"quit\"}");
            alice.awaitMatching("robert's leave, from node b", n -> "left".equals(n.path("type").asText())
                    && "robert".equals(n.path("nick").asText()));
        }
    }

    @Test
    void withAThreeServerNatsClusterAndReplicatedHistoryChatGoesOnWhenOneNatsServerDies() throws Exception {
        List<NatsServerProcess> natsServers = NatsServerProcess.cluster(dir, 3);
        try {
            List<String> urls = natsServers.stream().map(NatsServerProcess::url).toList();
            try (ChatServer a = ChatServer.start(ServerTestSupport.testConfig().toBuilder()
                         .cluster(new ClusterConfig(urls, "a", null, null, 3)).build());
                 ChatServer b = ChatServer.start(ServerTestSupport.testConfig().toBuilder()
                         .cluster(new ClusterConfig(urls, "b", null, null, 3)).build());
                 TestClient alice = TestClient.register(a.port(), "alice");
                 TestClient bob = TestClient.register(b.port(), "bob")) {
                alice.send("{\"type\":\"say\",\"text\":\"before\",\"ref\":\"r0\"}");
                assertEquals("before", bob.await("message").get("text").asText());
                natsServers.get(0).kill();
                // The nodes on the dead server move to the others; the stream has two copies left and elects a
                // new leader, and a feed whose consumer lived on the dead server starts over. A try may go
                // unanswered meanwhile (stored, its ack waiting for the feed): chat must go on within a minute.
                int[] attempt = {0};
                Awaitility.await("chat goes on").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                        .ignoreExceptionsInstanceOf(AssertionError.class)
                        .until(() -> {
                            String ref = "r" + ++attempt[0];
                            alice.send("{\"type\":\"say\",\"text\":\"after\",\"ref\":\"" + ref + "\"}");
                            // Every line is answered within the server's 10 s store timeout, stored or not.
                            JsonNode answer = alice.awaitMatching("an answer for " + ref, n -> ref.equals(n.path("ref").asText()),
                                    Duration.ofSeconds(15));
                            return answer.get("type").asText().equals("message");
                        });
                assertEquals("alice", bob.awaitMatching("after", n -> "after".equals(n.path("text").asText()),
                        Duration.ofSeconds(60)).get("from").asText());
                // A newcomer: the nick ledger may need a moment to elect a new leader (answering unavailable).
                Awaitility.await("carol registers").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            try (TestClient carol = TestClient.connect(b.port())) {
                                carol.send("{\"type\":\"hello\",\"nick\":\"carol\",\"history\":10}");
                                JsonNode answer = carol.awaitMatching("welcome or error",
                                        n -> n.path("type").asText().matches("welcome|error"));
                                if (answer.get("type").asText().equals("error")) {
                                    assertEquals("unavailable", answer.get("code").asText(), answer.toString());
                                    return false;
                                }
                                assertEquals("before", carol.await("message").get("text").asText(), "the history survived");
                                return true;
                            }
                        });
            }
        } finally {
            for (NatsServerProcess server : natsServers) {
                server.close();
            }
        }
    }

    @Test
    void natsBehindTlsFromAPrivateCaIsUsedWithTheCaAndRefusedWithoutItOrForAnotherName() throws Exception {
        TestCertificates.Signed rightName = TestCertificates.signedByPrivateCa(dir.resolve("pki"), "ip:127.0.0.1");
        TestCertificates.Signed otherCa = TestCertificates.signedByPrivateCa(dir.resolve("other-pki"), "ip:127.0.0.1");
        try (NatsServerProcess nats = NatsServerProcess.startWithTls(dir, rightName.certPem(), rightName.keyPem());
             ChatServer a = tlsNode(nats.url(), "a", rightName.caPem());
             ChatServer b = tlsNode("tls://127.0.0.1:" + nats.port, "b", rightName.caPem());
             TestClient alice = TestClient.register(a.port(), "alice");
             TestClient bob = TestClient.register(b.port(), "bob")) {
            alice.awaitMatching("bob's join, through NATS over TLS", n -> "bob".equals(n.path("nick").asText()));
            alice.say("over TLS");
            assertEquals("over TLS", bob.await("message").get("text").asText());

            // Refused at once, with the reason: no CA (the system's trust does not know this one), another
            // CA, and this CA's certificate for another name than the URL's.
            assertTlsRefusal(nats.url(), null, "--nats-ca");
            assertTlsRefusal(nats.url(), otherCa.caPem(), "TLS");
        }
        TestCertificates.Signed otherName = TestCertificates.signedByPrivateCa(dir.resolve("pki-2"), "dns:nats.example");
        try (NatsServerProcess nats = NatsServerProcess.startWithTls(dir.resolve("second"), otherName.certPem(),
                otherName.keyPem())) {
            assertTlsRefusal(nats.url(), otherName.caPem(), "TLS");
        }
    }

    private static ChatServer tlsNode(String url, String name, Path ca) throws Exception {
        return ChatServer.start(ServerTestSupport.testConfig().toBuilder()
                .cluster(new ClusterConfig(List.of(url), name, null, null, ca, 1)).build());
    }

    private static void assertTlsRefusal(String url, Path ca, String said) {
        long start = System.nanoTime();
        java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> tlsNode(url, "refused", ca).close());
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertTrue(refused.getMessage().contains(said), refused.getMessage());
        assertTrue(seconds < 15, "refused after " + seconds + " s: a certificate problem is not waited out");
    }

    @Test
    void aNodeNameInUseIsRefusedANameLeftByAStoppedOrKilledNodeIsFreeAndReplicasMustFitNats() throws Exception {
        try (NatsServerProcess nats = NatsServerProcess.start(dir)) {
            ChatServer first = node(nats, "a");
            java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> node(nats, "a").close());
            assertTrue(refused.getMessage().contains("another node named 'a' is running"), refused.getMessage());
            first.close();
            node(nats, "a").close(); // stopped cleanly: free at once
            try (ChildServer crashed = ChildServer.launch(dir, 0, List.of(), "--nats", nats.url(), "--node-name", "c")) {
                crashed.process().destroyForcibly();
                assertTrue(crashed.process().waitFor(10, TimeUnit.SECONDS), "node c was killed");
            }
            node(nats, "c").close(); // killed: taken over once nobody renews it

            // Three copies asked of a single NATS server: refused before anything is written to the stream.
            java.io.IOException replicas = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                    () -> ChatServer.start(ServerTestSupport.testConfig().toBuilder()
                            .cluster(new ClusterConfig(List.of(nats.url()), "d", null, null, 3)).build()).close());
            assertTrue(replicas.getMessage().contains("--nats-replicas 3 needs a NATS cluster"), replicas.getMessage());
        }
    }
}
