package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.server.config.ServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on accounts: guessing passwords (throttled without locking the owner out for long), registering
 * in a flood, and a hand-edited, torn or killed-mid-write accounts file.
 */
class AccountAbuseTest extends ServerTestSupport {

    private static final String PASSWORD = AccountsTest.PASSWORD;

    @TempDir
    Path data;

    private final ManualClock clock = new ManualClock();

    private ServerConfig config() {
        return testConfig().toBuilder().dataDir(data).accountHashIterations(ServerConfig.MIN_ACCOUNT_HASH_ITERATIONS)
                .limitLoopback(true).maxConnectionsPerAddress(1_000).connectsPerAddressPerMinute(10_000).build();
    }

    private TestClient from(String address) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(address, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
        return track(TestClient.over(socket));
    }

    private static JsonNode login(TestClient c, String account, String password, String ref) throws IOException {
        c.send("{\"type\":\"login\",\"account\":\"" + account + "\",\"password\":\"" + password + "\",\"ref\":\"" + ref + "\"}");
        return c.awaitMatching("the answer to " + ref, n -> ref.equals(n.path("ref").asText()));
    }

    private void registerAccount(String nick, String address) throws IOException {
        TestClient c = from(address);
        c.send("{\"type\":\"register\",\"account\":\"" + nick + "\",\"password\":\"" + PASSWORD + "\",\"ref\":\"r\"}");
        assertEquals("account", c.awaitMatching("registered", n -> "r".equals(n.path("ref").asText())).get("type").asText());
        c.close();
    }

    @Test
    void aGuesserAtOneAddressIsSlowedToAGuessEvery12SecondsAndTheOwnerElsewhereIsNotHeldUp() throws Exception {
        server = ChatServer.start(config(), clock);
        registerAccount("kim", "127.0.0.1");
        TestClient guesser = from("127.0.0.2");
        for (int i = 1; i <= 5; i++) {
            assertEquals("login_failed", login(guesser, "kim", "guess" + i, "g" + i).get("code").asText());
        }
        JsonNode throttled = login(guesser, "kim", PASSWORD, "g6"); // even the right one: no guess is tried
        assertEquals("rate_limited", throttled.get("code").asText());
        assertTrue(throttled.get("message").asText().contains("try again in 12 s"), throttled.toString());

        TestClient owner = from("127.0.0.3");
        assertEquals("kim", login(owner, "kim", PASSWORD, "o").get("account").asText());

        clock.advance(Duration.ofSeconds(12));
        assertEquals("login_failed", login(guesser, "kim", "guess7", "g7").get("code").asText());
        assertEquals("rate_limited", login(guesser, "kim", "guess8", "g8").get("code").asText());
    }

    @Test
    void guessesSentAtOnceOnManyConnectionsAreCountedAsTheyCome() throws Exception {
        server = ChatServer.start(config(), clock);
        registerAccount("max", "127.0.0.1");
        List<TestClient> guessers = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            guessers.add(from("127.0.0.2"));
        }
        for (int i = 0; i < guessers.size(); i++) { // all sent before any is answered
            guessers.get(i).send("{\"type\":\"login\",\"account\":\"max\",\"password\":\"guess" + i + "\",\"ref\":\"g\"}");
        }
        int checked = 0;
        for (TestClient g : guessers) {
            String code = g.awaitMatching("the answer", n -> "g".equals(n.path("ref").asText())).get("code").asText();
            checked += code.equals("login_failed") ? 1 : 0;
            assertTrue(code.equals("login_failed") || code.equals("rate_limited"), code);
        }
        assertEquals(5, checked, "five guesses per account and address, however many connections carry them");
    }

    @Test
    void withAServerPasswordNobodyRegistersOrLogsInWithoutIt() throws Exception {
        server = ChatServer.start(config().toBuilder().password("server secret").build(), clock);
        TestClient stranger = from("127.0.0.2");
        stranger.send("{\"type\":\"register\",\"account\":\"intruder\",\"password\":\"" + PASSWORD + "\",\"ref\":\"r\"}");
        assertEquals("not_registered", stranger.awaitMatching("refused", n -> "r".equals(n.path("ref").asText())).get("code").asText());
        stranger.send("{\"type\":\"login\",\"account\":\"intruder\",\"password\":\"" + PASSWORD + "\",\"ref\":\"l\"}");
        assertEquals("not_registered", stranger.awaitMatching("refused", n -> "l".equals(n.path("ref").asText())).get("code").asText());
        assertTrue(!Files.exists(data.resolve("accounts.jsonl")), "nothing registered");
        TestClient member = from("127.0.0.3"); // with it, in the hello: registering after it works
        member.send("{\"type\":\"hello\",\"nick\":\"nora\",\"password\":\"server secret\"}");
        member.await("welcome");
        member.send("{\"type\":\"register\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals("nora", member.await("account").get("account").asText());
    }

    @Test
    void aRecomputedCheckSumDoesNotMakeABrokenRuleAcceptable() throws Exception {
        server = ChatServer.start(config(), clock);
        registerAccount("quinn", "127.0.0.1");
        server.close();
        server = null;
        String body = "{\"op\":\"join\",\"account\":\"quinn\",\"room\":\"BAD ROOM!\"";
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        Files.writeString(data.resolve("always-on.jsonl"), body + ",\"crc\":\""
                + java.util.HexFormat.of().toHexDigits((int) crc.getValue()) + "\"}\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        IOException refused = assertThrows(IOException.class, () -> ChatServer.start(config(), clock));
        assertTrue(refused.getMessage().contains("always-on.jsonl line"), refused.getMessage());
        assertTrue(refused.getMessage().contains("no room's name"), refused.getMessage());
    }

    @Test
    void manyAddressesGuessingTogetherHoldTheAccountForSecondsOnly() throws Exception {
        server = ChatServer.start(config(), clock);
        registerAccount("lee", "127.0.0.1");
        for (int a = 10; a < 14; a++) { // 4 addresses x 5 guesses: the account's 20
            TestClient guesser = from("127.0.0." + a);
            for (int i = 0; i < 5; i++) {
                assertEquals("login_failed", login(guesser, "lee", "guess", "g" + i).get("code").asText());
            }
        }
        TestClient owner = from("127.0.0.3");
        assertEquals("rate_limited", login(owner, "lee", PASSWORD, "o1").get("code").asText());
        clock.advance(Duration.ofSeconds(3));
        assertEquals("lee", login(owner, "lee", PASSWORD, "o2").get("account").asText());
    }

    @Test
    void registrationsFromOneAddressAreBounded() throws Exception {
        server = ChatServer.start(config(), clock);
        for (int i = 0; i < 3; i++) {
            registerAccount("spam" + i, "127.0.0.2");
        }
        TestClient flood = from("127.0.0.2");
        flood.send("{\"type\":\"register\",\"account\":\"spam9\",\"password\":\"" + PASSWORD + "\",\"ref\":\"r\"}");
        JsonNode refused = flood.awaitMatching("refused", n -> "r".equals(n.path("ref").asText()));
        assertEquals("rate_limited", refused.get("code").asText());
        registerAccount("honest", "127.0.0.3"); // another address is not affected
        clock.advance(Duration.ofMinutes(20));
        registerAccount("spam9", "127.0.0.2");
    }

    @Test
    void aHandEditedAccountsFileStopsTheServerFromStartingWithTheLineNumber() throws Exception {
        server = ChatServer.start(config(), clock);
        registerAccount("mia", "127.0.0.1");
        registerAccount("ned", "127.0.0.1");
        server.close();
        server = null;
        Path file = data.resolve("accounts.jsonl");
        List<String> lines = Files.readAllLines(file);
        // Someone "fixes" a name: the line's check sum no longer matches.
        Files.write(file, List.of(lines.get(0), lines.get(1).replace("\"ned\"", "\"neo\"")));
        IOException refused = assertThrows(IOException.class, () -> ChatServer.start(config(), clock));
        assertTrue(refused.getMessage().contains("accounts.jsonl line 2"), refused.getMessage());
        assertTrue(refused.getMessage().contains("changed by hand"), refused.getMessage());
        // And from the command line: one line, no stack trace, exit status 2.
        Process process = ChildServer.start(Files.createTempDirectory(data.getParent(), "child"), 0, List.of(),
                "--data-dir", data.toString());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue());
    }

    @Test
    void aTornLastLineIsCutOffAndTheAccountsBeforeItStay() throws Exception {
        server = ChatServer.start(config(), clock);
        registerAccount("olga", "127.0.0.1");
        server.close();
        Files.writeString(data.resolve("accounts.jsonl"), "{\"op\":\"register\",\"acc", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND); // what a SIGKILL in the middle of a write leaves
        server = ChatServer.start(config(), clock);
        assertEquals("olga", login(from("127.0.0.1"), "olga", PASSWORD, "l").get("account").asText());
        registerAccount("pia", "127.0.0.1"); // written after the cut, readable at the next start
        server.close();
        server = ChatServer.start(config(), clock);
        assertEquals("pia", login(from("127.0.0.1"), "pia", PASSWORD, "l").get("account").asText());
    }

    /** Whether the answer to a register was an account event; false if it was an error or the server died first. */
    private static boolean answerIsAccount(TestClient c) {
        while (true) {
            JsonNode n = c.next();
            String type = n.path("type").asText();
            if (n.isTextual() || type.equals("error") || type.equals("account")) {
                return type.equals("account");
            }
        }
    }

    /** A real process, SIGKILLed while registrations pour in: every acknowledged one is there after the restart. */
    @Test
    void aServerKilledWhileRegisteringLosesNoAcknowledgedAccount() throws Exception {
        List<String> args = List.of("--data-dir", data.toString(), "--flood-lines-per-second", "0",
                "--account-hash-iterations", String.valueOf(ServerConfig.MIN_ACCOUNT_HASH_ITERATIONS));
        ChildServer first = ChildServer.launch(Files.createTempDirectory(data.getParent(), "first"), 0, List.of(),
                args.toArray(String[]::new));
        List<String> acknowledged = new ArrayList<>();
        try {
            List<TestClient> clients = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                TestClient c = TestClient.connect(first.port());
                clients.add(c);
                c.send("{\"type\":\"register\",\"account\":\"user" + i + "\",\"password\":\"" + PASSWORD + "\"}");
            }
            for (int i = 0; i < clients.size(); i++) {
                if (answerIsAccount(clients.get(i))) {
                    acknowledged.add("user" + i);
                }
                if (acknowledged.size() == 10) {
                    first.process().destroyForcibly(); // SIGKILL while the others are being written
                }
            }
            for (TestClient c : clients) {
                c.close();
            }
        } finally {
            first.process().destroyForcibly().waitFor();
        }
        assertTrue(acknowledged.size() >= 10, "acknowledged before the kill: " + acknowledged);
        ChildServer second = ChildServer.launch(Files.createTempDirectory(data.getParent(), "second"), 0, List.of(),
                args.toArray(String[]::new));
        try {
            for (String account : acknowledged) {
                try (TestClient c = TestClient.connect(second.port())) {
                    assertEquals(account, login(c, account, PASSWORD, "l").get("account").asText(), account);
                }
            }
        } finally {
            second.process().destroy();
            second.process().waitFor();
        }
    }
}
