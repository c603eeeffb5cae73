package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.history.JournalFile;
import io.loomchat.server.history.RoomJournal;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal under disk faults and hostile files: a full disk, the remains of a torn write, journals that
 * break their rules, a journal too large to open quickly, and one that grows while its room stays open.
 */
class DiskAbuseTest extends ServerTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private ServerConfig durable(Path data) {
        return testConfig().toBuilder().dataDir(data).build();
    }

    private static JsonNode sayAcked(TestClient client, String text, String ref) throws IOException {
        client.send("{\"type\":\"say\",\"text\":" + JSON.writeValueAsString(text) + ",\"ref\":\"" + ref + "\"}");
        return client.awaitMatching("the answer to " + ref, n -> ref.equals(n.path("ref").asText()));
    }

    private List<String> historyTexts(String nick) throws IOException {
        TestClient client = connect();
        client.send("{\"type\":\"hello\",\"nick\":\"" + nick + "\",\"history\":0}"); // no replay on joining
        client.await("welcome");
        client.send("{\"type\":\"history\",\"room\":\"lobby\",\"limit\":500,\"ref\":\"h\"}");
        List<String> texts = new ArrayList<>();
        while (true) {
            JsonNode n = client.next();
            if ("history_end".equals(n.path("type").asText()) && "h".equals(n.path("ref").asText())) {
                return texts;
            }
            if ("message".equals(n.path("type").asText()) && n.path("history").asBoolean() && texts.size() < 500) {
                texts.add(n.get("text").asText());
            }
        }
    }

    @Test
    void aFullDiskRefusesALineAndLeavesNoPartOfItBehindSoTheNextAcknowledgedLineSurvives() throws Exception {
        Path disk = smallDisk("disk", "256k");
        try {
            Path data = disk.resolve("data");
            start(durable(data));
            TestClient alice = register("alice");
            assertEquals("message", sayAcked(alice, "before", "b").get("type").asText());
            // Fill the disk, then give back 8 KiB: a 15,000-byte line gets half written, then ENOSPC.
            Path filler = fill(disk, 8192);
            JsonNode refused = sayAcked(alice, "x".repeat(15_000), "big");
            assertEquals("error", refused.get("type").asText(), refused.toString());
            assertEquals("storage_failed", refused.get("code").asText());
            Files.delete(filler); // space is back
            JsonNode after = sayAcked(alice, "after", "a");
            assertEquals("message", after.get("type").asText(), after.toString());
            for (String line : Files.readAllLines(JournalFile.pathOf(data, "lobby"))) {
                JSON.readTree(line); // every line whole: no half of the refused one
            }
            server.close();

            start(durable(data));
            assertEquals(List.of("before", "after"), historyTexts("bob"));
        } finally {
            if (server != null) {
                server.close();
            }
            run("umount", disk.toString());
        }
    }

    @Test
    void aFullDiskRefusesARegistrationAndLeavesTheAccountsFileReadable() throws Exception {
        Path disk = smallDisk("accounts", "256k");
        try {
            Path data = disk.resolve("data");
            ServerConfig accounts = durable(data).toBuilder().accountHashIterations(ServerConfig.MIN_ACCOUNT_HASH_ITERATIONS).build();
            start(accounts);
            String register = "{\"type\":\"register\",\"password\":\"correct horse\",\"ref\":\"r\"}";
            // Full before the first account: the file's first page cannot be had (a later line could fit
            // in the last page of the file, and no disk would refuse it).
            Path filler = fill(disk, 0);
            TestClient bob = register("bob");
            bob.send(register);
            JsonNode refused = bob.await("error");
            assertEquals("storage_failed", refused.get("code").asText(), refused.toString());
            assertTrue(refused.get("message").asText().contains("nothing was registered"), refused.toString());
            Files.delete(filler);
            bob.send(register);
            assertEquals("bob", bob.await("account").get("account").asText());
            TestClient alice = register("alice");
            alice.send(register);
            assertEquals("account", alice.await("account").get("type").asText());
            server.close();
            start(accounts); // every line whole: the server starts, and both accounts are there
            TestClient squatter = connect();
            for (String nick : List.of("bob", "alice")) {
                squatter.send("{\"type\":\"hello\",\"nick\":\"" + nick + "\"}");
                assertEquals("nick_reserved", squatter.await("error").get("code").asText(), nick);
            }
        } finally {
            if (server != null) {
                server.close();
            }
            run("umount", disk.toString());
        }
    }

    @Test
    void onAFullDiskARoomStillOpensOnAJournalItCannotCompact() throws Exception {
        Path disk = smallDisk("full", "128k");
        try {
            Path data = disk.resolve("data");
            Files.createDirectories(data);
            StringBuilder journal = new StringBuilder();
            for (int id = 1; id <= 30; id++) {
                journal.append("{\"type\":\"message\",\"id\":").append(id)
                        .append(",\"room\":\"lobby\",\"from\":\"a\",\"text\":\"m").append(id)
                        .append("\",\"ts\":\"2026-01-01T00:00:00Z\"}\n");
            }
            Files.writeString(JournalFile.pathOf(data, "lobby"), journal);
            Files.writeString(data.resolve("epoch"), "a-restart\n"); // a data dir that was in use before
            Path filler = disk.resolve("filler");
            try (FileChannel out = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ByteBuffer block = ByteBuffer.allocate(1024);
                try {
                    while (true) {
                        block.clear();
                        out.write(block);
                    }
                } catch (IOException full) {
                    // the disk is full now
                }
            }
            start(durable(data).toBuilder().historySize(2).build()); // 30 messages, 2 kept: it would compact
            TestClient alice = register("alice"); // joins lobby: the room opens although compaction cannot
            alice.send("{\"type\":\"history\",\"room\":\"lobby\",\"limit\":10,\"ref\":\"h\"}");
            JsonNode end = alice.awaitMatching("history_end", n -> "h".equals(n.path("ref").asText()));
            assertEquals(30, end.get("last").asLong(), end.toString());
        } finally {
            if (server != null) {
                server.close();
            }
            run("umount", disk.toString());
        }
    }

    @Test
    void aWholeLineGluedBehindTheRemainsOfATornWriteIsRecovered() throws Exception {
        Path data = dir.resolve("data");
        start(durable(data));
        TestClient alice = register("alice");
        sayAcked(alice, "first", "1");
        server.close();
        // What an older server left after a failed append: half a line, then the next line right after it.
        Path journal = JournalFile.pathOf(data, "lobby");
        Files.writeString(journal, "{\"type\":\"message\",\"id\":2,\"room\":\"lobby\",\"from\":\"alice\",\"text\":\"xxxx"
                + "{\"type\":\"message\",\"id\":3,\"room\":\"lobby\",\"from\":\"alice\",\"text\":\"third\","
                + "\"ts\":\"2026-01-01T00:00:00Z\"}\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        start(durable(data));
        assertEquals(List.of("first", "third"), historyTexts("bob"));
    }

    @Test
    void aJournalThatBreaksItsRulesStopsTheServerFromStartingWithAClearMessage() throws Exception {
        String ts = ",\"from\":\"a\",\"text\":\"t\",\"ts\":\"2026-01-01T00:00:00Z\"}\n";
        record Case(String lines, String says) {
        }
        List<Case> cases = List.of(
                new Case("{\"type\":\"message\",\"id\":1,\"room\":\"other\"" + ts, "in the journal of 'lobby'"),
                new Case("{\"type\":\"message\",\"id\":" + Long.MAX_VALUE + ",\"room\":\"lobby\"" + ts, "out of range"),
                new Case("{\"type\":\"message\",\"id\":5,\"room\":\"lobby\"" + ts
                        + "{\"type\":\"message\",\"id\":5,\"room\":\"lobby\"" + ts, "ids must increase"));
        for (Case c : cases) {
            Path data = Files.createTempDirectory(dir, "data");
            Files.writeString(JournalFile.pathOf(data, "lobby"), c.lines());
            IOException refused = assertThrows(IOException.class, () -> ChatServer.start(durable(data)));
            assertTrue(refused.getMessage().contains(c.says()), refused.getMessage());
        }
        // And from the command line: one line, no stack trace, exit status 2.
        Path data = Files.createTempDirectory(dir, "data");
        Files.writeString(JournalFile.pathOf(data, "lobby"), cases.get(0).lines());
        Process process = ChildServer.start(dir, 0, List.of(), "--data-dir", data.toString());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue());
    }

    @Test
    void roomsWhereNobodySpokeLeaveNoJournalFile() throws Exception {
        Path data = dir.resolve("data");
        start(durable(data));
        TestClient alice = register("alice");
        for (int i = 0; i < 5; i++) {
            alice.send("{\"type\":\"join\",\"room\":\"quiet" + i + "\",\"ref\":\"j" + i + "\"}");
            String ref = "j" + i;
            alice.awaitMatching("join " + i, n -> ref.equals(n.path("ref").asText()));
        }
        alice.close();
        server.close();
        try (var files = Files.list(data)) {
            assertEquals(List.of("epoch"), files.map(f -> f.getFileName().toString()).toList());
        }
    }

    @Test
    void aJournalThatGrowsWhileItsRoomStaysOpenIsCompactedInTheBackgroundAndLosesNothingKept() throws Exception {
        Path data = dir.resolve("data");
        ServerConfig small = durable(data).toBuilder().historySize(10).build();
        start(small);
        TestClient alice = register("alice");
        List<Long> ids = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            ids.add(sayAcked(alice, "m" + i, "r" + i).get("id").asLong());
        }
        Path journal = JournalFile.pathOf(data, "lobby");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                Files.readAllLines(journal).size() <= RoomJournal.COMPACT_WHILE_OPEN_FACTOR * 10);
        sayAcked(alice, "m201", "r201");
        server.close();
        start(small);
        List<String> history = historyTexts("bob");
        assertEquals(10, history.size());
        assertEquals("m201", history.getLast());
        TestClient carol = register("carol");
        carol.await("history_end");
        assertEquals(ids.getLast() + 2, sayAcked(carol, "next", "n").get("id").asLong(), "ids continue");
    }

    @Test
    void openingAHugeJournalDelaysOnlyItsOwnRoom() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        // About 60 MB of valid history for one room.
        try (var out = Files.newBufferedWriter(JournalFile.pathOf(data, "huge"))) {
            String pad = "y".repeat(100);
            for (int id = 1; id <= 400_000; id++) {
                out.write("{\"type\":\"message\",\"id\":" + id + ",\"room\":\"huge\",\"from\":\"a\",\"text\":\"" + pad
                        + "\",\"ts\":\"2026-01-01T00:00:00Z\"}\n");
            }
        }
        start(durable(data));
        TestClient alice = register("alice");
        TestClient bob = register("bob");
        alice.send("{\"type\":\"join\",\"room\":\"huge\",\"ref\":\"huge\"}");
        long started = System.nanoTime();
        bob.send("{\"type\":\"join\",\"room\":\"other\",\"ref\":\"other\"}");
        bob.awaitMatching("joined other", n -> "other".equals(n.path("ref").asText()));
        long otherMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        alice.awaitMatching("joined huge", n -> "huge".equals(n.path("ref").asText()));
        long hugeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(otherMillis < hugeMillis, "another room opened in " + otherMillis + " ms, the huge one in " + hugeMillis);
        assertTrue(otherMillis < 500, "another room waited " + otherMillis + " ms");
    }

    /** Fills {@code disk} with a file, then gives back {@code leave} bytes of it; returns the file. */
    private static Path fill(Path disk, long leave) throws IOException {
        Path filler = disk.resolve("filler");
        try (FileChannel out = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocate(4096);
            try {
                while (true) {
                    block.clear();
                    out.write(block);
                }
            } catch (IOException full) {
                out.truncate(Math.max(0, out.size() - leave));
            }
        }
        return filler;
    }

    /** A tmpfs of {@code size} mounted under the test's folder (root only; CI runs as root); unmount it after. */
    private Path smallDisk(String name, String size) throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI runs as root so that this test can mount a small tmpfs");
        }
        Assumptions.assumeTrue(root, "mounting a small tmpfs needs root");
        Path disk = dir.resolve(name);
        Files.createDirectories(disk);
        run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", disk.toString());
        return disk;
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ": " + out);
    }
    /**
     * One address that connects and closes in a loop, on both ports, against a server that throttles it:
     * every attempt is refused, and the log says so once per address and minute, not once per attempt
     * (which was 600 KB a second: a disk filled through the log stops the journals).
     */
    @Test
    void refusalsInALoopWriteAFewLinesNotOnePerAttempt() throws Exception {
        try (ChildServer child = ChildServer.launch(dir, 0, List.of(), "--limit-loopback", "--connects-per-address-per-minute", "2",
                "--web-port", "0")) {
            Matcher web = Pattern.compile("Web client at http://[^:]+:(\\d+)/").matcher(child.output());
            assertTrue(web.find(), child.output());
            int webPort = Integer.parseInt(web.group(1));
            int attempts = 0;
            for (int i = 0; i < 1_000; i++) {
                for (int port : new int[] {child.port(), webPort}) {
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        attempts++;
                    }
                }
            }
            long size = Files.size(child.log());
            List<String> refusals = child.output().lines().filter(l -> l.contains("refused 127.0.0.1")).toList();
            System.out.println(attempts + " attempts, " + size + " bytes of log: " + refusals);
            assertEquals(2, refusals.size(), "one line per port: " + refusals);
            assertTrue(refusals.stream().allMatch(l -> l.contains("throttled")), refusals.toString());
            assertTrue(size < 10_000, "the log is " + size + " bytes after " + attempts + " refused attempts");
        }
    }
    /** Connections that open and close without a hello, in a loop from loopback (exempt from every limit). */
    @Test
    void connectionsThatNeverRegisterWriteAFewLinesNotTwoEach() throws Exception {
        try (ChildServer child = ChildServer.launch(dir, 0, List.of())) {
            int cycles = 0;
            for (int i = 0; i < 2_000; i++) {
                try (Socket s = new Socket("127.0.0.1", child.port())) {
                    cycles++;
                }
            }
            // One real client afterwards: its connect and disconnect are logged as ever.
            TestClient alice = TestClient.register(child.port(), "alice");
            alice.send("{\"type\":\"quit\"}");
            alice.awaitClose();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> child.output().contains("disconnect #"));
            long size = Files.size(child.log());
            List<String> closes = child.output().lines().filter(l -> l.contains("closed unregistered 127.0.0.1")).toList();
            System.out.println(cycles + " cycles, " + size + " bytes of log: " + closes);
            assertTrue(closes.size() <= 2, "one line (per reason) for the lot: " + closes);
            assertTrue(child.output().contains("connect #") && child.output().contains(" alice from 127.0.0.1"), child.output());
            assertTrue(size < 10_000, "the log is " + size + " bytes after " + cycles + " connections");
        }
    }
}
