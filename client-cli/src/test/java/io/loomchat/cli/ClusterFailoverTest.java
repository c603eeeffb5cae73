package io.loomchat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.cli.ReconnectTest.RecordingScreen;
import io.loomchat.cli.connection.Backoff;
import io.loomchat.cli.connection.ServerList;
import io.loomchat.server.ChatServer;
import io.loomchat.server.ChildServer;
import io.loomchat.server.NatsServerProcess;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.config.ClusterConfig;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terminal client on a cluster: its node is killed (SIGKILL, a separate process) while everyone talks;
 * it moves to the other node by itself, resumes, and ends with the same transcript as everyone else.
 */
class ClusterFailoverTest {

    private static final Backoff QUICK = new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), 100);

    @TempDir
    Path dir;

    @Test
    void aClientWhoseNodeIsKilledMovesToAnotherNodeWithoutALostOrRepeatedLine() throws Exception {
        List<ChatClient> clients = new ArrayList<>();
        try (NatsServerProcess nats = NatsServerProcess.start(dir);
             ChildServer nodeA = ChildServer.launch(dir, 0, List.of(), "--nats", nats.url(), "--node-name", "a",
                     "--flood-lines-per-second", "0");
             ChatServer nodeB = ChatServer.start(ServerConfig.defaults().toBuilder().host("127.0.0.1").port(0)
                     .floodLinesPerSecond(0)
                     .cluster(new ClusterConfig(List.of(nats.url()), "b", null, null, 1)).build())) {
            ServerList both = ServerList.parse("127.0.0.1:" + nodeA.port() + ",127.0.0.1:" + nodeB.port(), 1);
            RecordingScreen aliceScreen = new RecordingScreen();
            RecordingScreen bobScreen = new RecordingScreen();
            ChatClient bob = new ChatClient(() -> new Socket("127.0.0.1", nodeB.port()), bobScreen, false, ZoneOffset.UTC, QUICK);
            ChatClient alice = new ChatClient(() -> both.connect((server, address) -> {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress(address, server.port()), 2_000);
                return socket;
            }), aliceScreen, false, ZoneOffset.UTC, QUICK);
            clients.add(bob);
            clients.add(alice);
            bob.start("bob", null, () -> { });
            alice.start("alice", null, () -> { });
            assertTrue(bob.awaitRegistration(Duration.ofSeconds(10)) && alice.awaitRegistration(Duration.ofSeconds(10)));
            assertEquals(nodeA.port(), both.current().port(), "alice starts on node a");

            int each = 100;
            List<Thread> talkers = List.of(ReconnectTest.talk(bob, "bob", each, 10), ReconnectTest.talk(alice, "alice", each, 10));
            int total = 2 * each;
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> bobScreen.transcript().size() >= total / 4);
            nodeA.process().destroyForcibly(); // SIGKILL, mid-conversation
            assertTrue(nodeA.process().waitFor(10, TimeUnit.SECONDS));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> aliceScreen.lines.contains("-!- reconnected"));
            assertEquals(nodeB.port(), both.current().port(), "alice moved to node b");
            for (Thread talker : talkers) {
                talker.join(Duration.ofSeconds(60));
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> bobScreen.transcript().size() >= total
                    && aliceScreen.transcript().size() >= total);
            assertTrue(alice.awaitReplies(Duration.ofSeconds(10)), "every line alice typed was acknowledged");
            List<String> expected = bobScreen.transcript();
            assertEquals(total, expected.size(), "bob saw each line once: " + expected);
            assertEquals(total, new HashSet<>(expected).size(), "no line was said twice");
            assertEquals(expected, aliceScreen.transcript(), "alice's transcript has no gap and no duplicate");
        } finally {
            for (ChatClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void linesTypedWhileNatsIsAwayAreKeptAndEachSaidOnceInTheOrderTypedWhenItIsBack() throws Exception {
        List<ChatClient> clients = new ArrayList<>();
        try (NatsServerProcess nats = NatsServerProcess.start(dir);
             // Flood control as shipped (5 lines a second, bursts of 20): sending a backlog at once meets it.
             ChatServer node = ChatServer.start(ServerConfig.defaults().toBuilder().host("127.0.0.1").port(0)
                     .cluster(new ClusterConfig(List.of(nats.url()), "a", null, null, 1)).build())) {
            RecordingScreen aliceScreen = new RecordingScreen();
            RecordingScreen bobScreen = new RecordingScreen();
            ChatClient bob = new ChatClient(() -> new Socket("127.0.0.1", node.port()), bobScreen, false, ZoneOffset.UTC, QUICK);
            ChatClient alice = new ChatClient(() -> new Socket("127.0.0.1", node.port()), aliceScreen, false, ZoneOffset.UTC, QUICK);
            clients.add(bob);
            clients.add(alice);
            bob.start("bob", null, () -> { });
            alice.start("alice", null, () -> { });
            assertTrue(bob.awaitRegistration(Duration.ofSeconds(10)) && alice.awaitRegistration(Duration.ofSeconds(10)));

            int total = 60;
            Thread talker = ReconnectTest.talk(alice, "alice", total, 100); // 10 lines a second, typed ahead
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> bobScreen.transcript().size() >= 5);
            nats.kill();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> aliceScreen.lines.stream()
                    .anyMatch(l -> l.contains("the server cannot store lines just now")));
            talker.join(Duration.ofSeconds(60)); // everything typed while NATS is away
            nats.restart();
            assertTrue(alice.awaitReplies(Duration.ofSeconds(90)), "every line alice typed was stored in the end");
            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= total; i++) {
                expected.add("alice: alice line " + i);
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> bobScreen.transcript().size() >= total);
            List<String> heard = bobScreen.transcript();
            assertEquals(total, new HashSet<>(heard).size(), "each line once: " + heard);
            assertEquals(expected, heard, "in the order typed");
        } finally {
            for (ChatClient client : clients) {
                client.close();
            }
        }
    }
}
