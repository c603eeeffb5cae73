package io.loomchat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.cli.connection.Backoff;
import io.loomchat.cli.connection.Connector;
import io.loomchat.cli.screen.Screen;
import io.loomchat.server.ChatServer;
import io.loomchat.server.config.ServerConfig;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client rides out a dropped connection by itself: cut under it (by a relay that leaves the server
 * believing it is still there) while everyone, itself included, keeps talking, it ends with the same
 * transcript as everyone else. No gap, no duplicate.
 */
class ReconnectTest {

    private static final Pattern CHAT_LINE = Pattern.compile("^\\d\\d:\\d\\d <([^>]+)> (.*)$");
    private static final Backoff QUICK = new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), 50);

    private ChatServer server;
    private CuttableProxy proxy;
    private final List<ChatClient> clients = new ArrayList<>();

    /** Everything a client showed, as a person would read it. */
    static final class RecordingScreen implements Screen {
        final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();

        @Override
        public void show(String line) {
            lines.add(line);
        }

        /** The chat lines only, as "nick: text", in the order shown. */
        List<String> transcript() {
            List<String> chat = new ArrayList<>();
            for (String line : lines) {
                Matcher m = CHAT_LINE.matcher(line);
                if (m.matches()) {
                    chat.add(m.group(1) + ": " + m.group(2));
                }
            }
            return chat;
        }
    }

    @BeforeEach
    void start() throws Exception {
        server = ChatServer.start(ServerConfig.defaults().toBuilder().host("127.0.0.1").port(0)
                .floodLinesPerSecond(0).build());
        proxy = new CuttableProxy(server.port());
    }

    @AfterEach
    void stop() throws Exception {
        for (ChatClient client : clients) {
            client.close();
        }
        proxy.close();
        server.close();
    }

    private ChatClient client(String nick, RecordingScreen screen, Connector connector) throws Exception {
        ChatClient client = new ChatClient(connector, screen, false, ZoneOffset.UTC, QUICK);
        clients.add(client);
        client.start(nick, null, () -> { });
        assertTrue(client.awaitRegistration(Duration.ofSeconds(10)), nick + " registered");
        return client;
    }

    /** {@code lines} lines of chat from {@code client}, one every {@code paceMillis}: a brisk chat, not a flood. */
    static Thread talk(ChatClient client, String nick, int lines, long paceMillis) {
        return Thread.ofVirtual().start(() -> {
            try {
                for (int i = 1; i <= lines; i++) {
                    client.submit(nick + " line " + i);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(paceMillis));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void aClientCutOffWhileEveryoneTalksEndsWithTheSameTranscriptAsEveryoneElse() throws Exception {
        RecordingScreen aliceScreen = new RecordingScreen();
        RecordingScreen bobScreen = new RecordingScreen();
        RecordingScreen carolScreen = new RecordingScreen();
        ChatClient bob = client("bob", bobScreen, () -> new Socket("127.0.0.1", server.port()));
        ChatClient carol = client("carol", carolScreen, () -> new Socket("127.0.0.1", server.port()));
        ChatClient alice = client("alice", aliceScreen, () -> new Socket("127.0.0.1", proxy.port()));

        int each = 150;
        List<Thread> talkers = List.of(talk(bob, "bob", each, 5), talk(carol, "carol", each, 5), talk(alice, "alice", each, 5));
        int total = 3 * each;
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> aliceScreen.transcript().size() >= total / 4);
        assertEquals(1, proxy.cut(), "alice's connection dropped mid-conversation");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> aliceScreen.lines.contains("-!- reconnected"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> aliceScreen.transcript().size() >= total / 2);
        assertEquals(1, proxy.cut(), "and again");
        for (Thread talker : talkers) {
            talker.join(Duration.ofSeconds(30));
        }

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> bobScreen.transcript().size() >= total
                && aliceScreen.transcript().size() >= total && carolScreen.transcript().size() >= total);
        assertTrue(alice.awaitReplies(Duration.ofSeconds(10)), "every line alice typed was acknowledged");
        List<String> expected = bobScreen.transcript();
        assertEquals(total, expected.size(), "bob saw each line once: " + expected);
        assertEquals(total, new HashSet<>(expected).size(), "no line was said twice");
        assertEquals(expected, carolScreen.transcript());
        assertEquals(expected, aliceScreen.transcript(), "alice's transcript has no gap and no duplicate");
        assertTrue(aliceScreen.lines.stream().anyMatch(l -> l.contains("connection lost")), "alice was told");
    }
}
