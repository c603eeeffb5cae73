package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.history.JournalFile;
import io.loomchat.server.history.RoomJournal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest extends ServerTestSupport {

    @TempDir
    Path dataDir;

    private ServerConfig durable() {
        return testConfig().toBuilder().dataDir(dataDir).build();
    }

    /** Joins with every kept message replayed and returns them, oldest first. */
    private static List<JsonNode> registerWithAllHistory(int port, String nick) throws IOException {
        TestClient client = TestClient.connect(port);
        client.send("{\"type\":\"hello\",\"nick\":\"" + nick + "\",\"after\":0}");
        client.expect("welcome");
        client.expect("joined");
        List<JsonNode> messages = new ArrayList<>();
        for (JsonNode node; !(node = client.next()).path("type").asText().equals("history_end"); ) {
            if (node.path("type").asText().equals("message")) {
                messages.add(node);
            }
        }
        client.close();
        return messages;
    }

    @Test
    void historyTopicAndIdsSurviveARestartWithDataDir() throws Exception {
        start(durable());
        TestClient alice = register("alice");
        List<Long> said = HistoryTest.sayAll(alice, "lobby", 25, "kept ");
        alice.send("{\"type\":\"topic\",\"text\":\"durable\"}");
        alice.expect("topic");
        server.close();

        start(durable());
        List<JsonNode> history = registerWithAllHistory(server.port(), "bob");
        assertEquals(said, history.stream().map(m -> m.get("id").asLong()).toList());
        assertEquals("kept 1", history.get(0).get("text").asText());

        TestClient carol = register("carol");
        assertEquals("durable", carol.expect("topic").get("topic").asText());
        carol.await("history_end"); // the last 20, replayed on joining
        carol.send("{\"type\":\"say\",\"text\":\"after restart\",\"ref\":\"n\"}");
        assertEquals(said.get(24) + 1, carol.awaitMatching("ack", n -> "n".equals(n.path("ref").asText())).get("id").asLong(),
                "ids continue after a restart, never reused");
    }

    @Test
    void aTornLastLineIsDroppedAndEveryLineBeforeItKept() throws Exception {
        start(durable());
        TestClient alice = register("alice");
        HistoryTest.sayAll(alice, "lobby", 3, "whole ");
        server.close();
        Path journal = JournalFile.pathOf(dataDir, "lobby");
        long whole = Files.size(journal);
        // What a SIGKILL in the middle of a write leaves behind: the start of a line, no terminator.
        Files.writeString(journal, "{\"type\":\"message\",\"id\":4,\"room\":\"lob", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        start(durable());
        List<JsonNode> history = registerWithAllHistory(server.port(), "bob");
        assertEquals(List.of("whole 1", "whole 2", "whole 3"), history.stream().map(m -> m.get("text").asText()).toList());
        assertEquals(whole, Files.size(journal), "the torn tail is cut off, the file ends after the last whole line");
        TestClient carol = register("carol");
        carol.send("{\"type\":\"say\",\"text\":\"next\",\"ref\":\"n\"}");
        assertEquals(4, carol.awaitMatching("ack", n -> "n".equals(n.path("ref").asText())).get("id").asLong());
    }

    @Test
    void aJournalFarLongerThanTheKeptHistoryIsCompactedOnOpeningAndIdsStillContinue() throws Exception {
        ServerConfig small = durable().toBuilder().historySize(10).build();
        start(small);
        TestClient alice = register("alice");
        alice.send("{\"type\":\"topic\",\"text\":\"kept\"}");
        alice.await("topic");
        List<Long> said = HistoryTest.sayAll(alice, "lobby", 60, "m");
        server.close();
        Path journal = JournalFile.pathOf(dataDir, "lobby");
        assertEquals(61, Files.readAllLines(journal).size());

        start(small);
        List<JsonNode> history = registerWithAllHistory(server.port(), "bob");
        assertEquals(said.subList(50, 60), history.stream().map(m -> m.get("id").asLong()).toList());
        assertEquals(11, Files.readAllLines(journal).size(), "the topic and the ten kept messages");
        TestClient carol = register("carol");
        assertEquals("kept", carol.expect("topic").get("topic").asText());
        carol.await("history_end");
        carol.send("{\"type\":\"say\",\"text\":\"next\",\"ref\":\"n\"}");
        assertEquals(said.get(59) + 1, carol.awaitMatching("ack", n -> "n".equals(n.path("ref").asText())).get("id").asLong());
    }

    @Test
    void withNoHistoryKeptACompactedJournalStillRemembersTheLastId() throws Exception {
        ServerConfig none = durable().toBuilder().historySize(0).build();
        start(none);
        TestClient alice = register("alice");
        // Fewer lines than start a compaction while the room is open, more than opening compacts.
        int count = RoomJournal.COMPACT_WHILE_OPEN_FACTOR - 2;
        List<Long> said = HistoryTest.sayAll(alice, "lobby", count, "m");
        server.close();
        start(none);
        TestClient bob = register("bob"); // opening the room compacts its journal: six messages, none kept
        assertEquals(1, Files.readAllLines(JournalFile.pathOf(dataDir, "lobby")).size(), "only the last, for its id");
        bob.send("{\"type\":\"say\",\"text\":\"next\",\"ref\":\"n\"}");
        assertEquals(said.get(count - 1) + 1, bob.awaitMatching("ack", n -> "n".equals(n.path("ref").asText())).get("id").asLong());
    }

    @Test
    void aServerKilledWhileWritingLosesNoAcknowledgedMessageAndReusesNoId() throws Exception {
        ServerUnderTest first = ServerUnderTest.launch(dataDir);
        Map<Long, String> acked = new LinkedHashMap<>();
        try (TestClient alice = TestClient.register(first.port, "alice")) {
            int sent = 600;
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 1; i <= sent; i++) {
                        alice.send("{\"type\":\"say\",\"text\":\"m" + i + "\",\"ref\":\"r" + i + "\"}");
                    }
                } catch (IOException e) {
                    // the server died under us: expected
                }
            });
            while (acked.size() < sent) {
                JsonNode node = alice.next();
                if (node.path("type").asText().equals("message") && node.has("ref")) {
                    acked.put(node.get("id").asLong(), node.get("text").asText());
                    if (acked.size() == 150) {
                        first.process.destroyForcibly(); // SIGKILL, while the rest is being said and written
                    }
                } else if (node.isTextual()) {
                    break; // closed
                }
            }
            writer.join(Duration.ofSeconds(10));
        } finally {
            first.process.destroyForcibly().waitFor();
        }
        assertTrue(acked.size() >= 150 && acked.size() < 600, "killed mid-stream: " + acked.size() + " acknowledged");

        ServerUnderTest second = ServerUnderTest.launch(dataDir);
        try {
            List<JsonNode> history = registerWithAllHistory(second.port, "bob");
            Map<Long, String> recovered = new LinkedHashMap<>();
            long previous = 0;
            for (JsonNode m : history) {
                long id = m.get("id").asLong();
                assertTrue(id > previous, "ids strictly increase: " + id + " after " + previous);
                previous = id;
                recovered.put(id, m.get("text").asText());
            }
            for (Map.Entry<Long, String> e : acked.entrySet()) {
                assertEquals(e.getValue(), recovered.get(e.getKey()), "acknowledged message " + e.getKey() + " kept");
            }
            try (TestClient carol = TestClient.register(second.port, "carol")) {
                carol.await("history_end");
                carol.send("{\"type\":\"say\",\"text\":\"after the crash\",\"ref\":\"n\"}");
                long next = carol.awaitMatching("ack", n -> "n".equals(n.path("ref").asText())).get("id").asLong();
                assertEquals(previous + 1, next, "the id sequence continues without reuse");
            }
        } finally {
            second.process.destroy();
            second.process.waitFor();
        }
    }

    /** The server as its own process, so that it can be killed for real. */
    private record ServerUnderTest(Process process, int port) {
        private static final Pattern LISTENING = Pattern.compile("listening on [^ ]*:(\\d+)");

        static ServerUnderTest launch(Path dataDir) throws IOException {
            ChildServer child = ChildServer.launch(Files.createTempDirectory(dataDir.getParent(), "server"), 0,
                    java.util.List.of(), "--data-dir", dataDir.toString(), "--flood-lines-per-second", "0");
            return new ServerUnderTest(child.process(), child.port());
        }
    }
}
