package io.loomchat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loomchat.server.ChatServer;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.TestClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real CLI, in its own JVM with piped stdin, against a real server on a loopback port. */
class ChatCommandTest {

    private ChatServer server;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeEach
    void startServer() throws Exception {
        server = ChatServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0));
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        server.close();
    }

    private CliProcess cli(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", String.valueOf(server.port())));
        all.addAll(List.of(args));
        CliProcess p = CliProcess.start(all.toArray(String[]::new));
        opened.add(p);
        return p;
    }

    private TestClient observer(String nick) throws Exception {
        TestClient c = TestClient.register(server.port(), nick);
        opened.add(c);
        return c;
    }

    @Test
    void pipedLinesAreSaidInOrderAndTheClientExitsZeroOnceTheLastIsAcknowledged() throws Exception {
        TestClient watcher = observer("watcher");
        CliProcess bot = cli("--nick", "bot");
        bot.type("hello from a script");
        bot.type("/me waves");
        bot.type("/join dev");
        bot.type("now in dev");
        bot.closeStdin();
        assertEquals(0, bot.awaitExit(), bot.stderr());

        JsonNode first = watcher.await("message");
        assertEquals("bot", first.get("from").asText());
        assertEquals("hello from a script", first.get("text").asText());
        JsonNode action = watcher.await("message");
        assertTrue(action.get("action").asBoolean());
        assertEquals("waves", action.get("text").asText());
        JsonNode left = watcher.await("left");
        assertEquals("bot", left.get("nick").asText());
        assertEquals("quit", left.get("reason").asText(), "a script ends with a clean quit");

        List<String> out = bot.allOutput();
        assertTrue(out.stream().anyMatch(l -> l.matches("\\d\\d:\\d\\d <bot> hello from a script")), out.toString());
        assertTrue(out.stream().anyMatch(l -> l.matches("\\d\\d:\\d\\d \\* bot waves")), out.toString());
        assertTrue(out.stream().anyMatch(l -> l.matches("\\d\\d:\\d\\d <bot> now in dev")), out.toString());
        assertTrue(out.stream().anyMatch(l -> l.startsWith("-!- ") || l.contains(" -!- ")), "notices are marked");
    }

    @Test
    void aLongScriptIsPacedUnderTheServersFloodControlAndArrivesWhole() throws Exception {
        TestClient watcher = observer("watcher");
        CliProcess bot = cli("--nick", "bot");
        int lines = 30; // more than the server's default burst of 20
        for (int i = 0; i < lines; i++) {
            bot.type("line " + i);
        }
        bot.closeStdin();
        assertEquals(0, bot.awaitExit(), bot.stderr());
        for (int i = 0; i < lines; i++) {
            assertEquals("line " + i, watcher.await("message").get("text").asText());
        }
        assertTrue(bot.allOutput().stream().noneMatch(l -> l.contains("rate_limited")), bot.allOutput().toString());
    }

    @Test
    void quitInTheMiddleOfAScriptEndsIt() throws Exception {
        TestClient watcher = observer("watcher");
        CliProcess bot = cli("--nick", "bot");
        bot.type("one");
        bot.type("/quit enough");
        bot.type("never sent");
        assertEquals(0, bot.awaitExit(), bot.stderr());
        assertEquals("one", watcher.await("message").get("text").asText());
        assertEquals("quit: enough", watcher.await("left").get("reason").asText());
        watcher.expectNothingPending();
    }

    @Test
    void messagesFromOthersArriveWhileTheClientRunsAndTerminalEscapesAreNeutralized() throws Exception {
        TestClient mallory = observer("mallory");
        CliProcess alice = cli("--nick", "alice");
        alice.type("ready");
        mallory.awaitMatching("alice's line", n -> "ready".equals(n.path("text").asText()));
        String hostile = "\u001b[2J\u001b[H\u001b]0;pwned\u0007\u009b31m evil\u202etxt.exe \u001b]52;c;ZXZpbA==\u0007";
        mallory.send("{\"type\":\"say\",\"text\":" + new ObjectMapper().writeValueAsString(hostile) + "}");
        String line = alice.awaitOutput("mallory's line", l -> l.contains("<mallory>"));
        alice.closeStdin();
        assertEquals(0, alice.awaitExit(), alice.stderr());

        for (char c : line.toCharArray()) {
            assertFalse(c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || (c >= 0x202a && c <= 0x202e),
                    "unsafe U+" + Integer.toHexString(c) + " reached the terminal: " + line);
        }
        assertTrue(line.contains("^[[2J^[[H^[]0;pwned^G<U+009B>31m evil<U+202E>txt.exe ^[]52;c;ZXZpbA==^G"), line);
    }

    @Test
    void aTakenNickEndsAScriptWithStatus3AndAClearMessage() throws Exception {
        observer("taken");
        CliProcess late = cli("--nick", "TAKEN");
        late.type("hi");
        late.closeStdin();
        assertEquals(ChatCommand.EXIT_NOT_REGISTERED, late.awaitExit());
        assertTrue(late.stderr().contains("nick_taken"), late.stderr());
        assertTrue(late.allOutput().stream().noneMatch(l -> l.contains("nick_taken")), "said once: " + late.allOutput());
    }

    @Test
    void whenTheServerGoesAwayAndReconnectingIsOffTheClientSaysSoAndExitsNonZero() throws Exception {
        CliProcess alice = cli("--nick", "alice", "--reconnect-attempts", "0");
        alice.type("still here");
        alice.awaitOutput("its own line", l -> l.contains("<alice> still here"));
        server.close();
        assertEquals(ChatCommand.EXIT_LOST, alice.awaitExit());
        assertTrue(alice.stderr().contains("server shutting down"), alice.stderr());
    }

    @Test
    void theClientRidesOutAServerRestartAndDataDirKeepsWhatWasSaid(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        server.close();
        ServerConfig durable = ServerConfig.defaults().toBuilder().host("127.0.0.1").port(0).dataDir(dir).build();
        server = ChatServer.start(durable);
        int port = server.port();
        CliProcess alice = cli("--nick", "alice");
        alice.type("before the restart");
        alice.awaitOutput("its own line", l -> l.contains("<alice> before the restart"));

        server.close(); // alice gets bye 'shutdown' and starts reconnecting
        alice.awaitOutput("the notice", l -> l.contains("connection lost") && l.contains("reconnecting"));
        server = ChatServer.start(durable.toBuilder().port(port).build());
        alice.awaitOutput("the reconnection", l -> l.contains("-!- reconnected"));

        TestClient bob = observer("bob");
        JsonNode replayed = bob.await("message");
        assertEquals("before the restart", replayed.get("text").asText(), "history survived the restart");
        assertTrue(replayed.get("history").asBoolean());
        alice.type("after the restart");
        assertEquals("after the restart", bob.awaitMatching("alice's new line",
                n -> "message".equals(n.path("type").asText()) && !n.has("history")).get("text").asText());
        alice.closeStdin();
        assertEquals(0, alice.awaitExit(), alice.stderr());
    }

    @Test
    void aServerPasswordComesFromAFileAndAMissingOneEndsWithStatus5(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        server.close();
        server = ChatServer.start(ServerConfig.defaults().toBuilder().host("127.0.0.1").port(0).password("s3cret").build());
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("pw"), "s3cret\n");
        CliProcess member = cli("--nick", "member", "--password-file", file.toString());
        member.type("let in");
        member.closeStdin();
        assertEquals(0, member.awaitExit(), member.stderr());

        CliProcess stranger = cli("--nick", "stranger");
        stranger.type("let me in");
        assertEquals(ChatCommand.EXIT_REFUSED, stranger.awaitExit(), "refused for good, not a nick refusal");
        assertTrue(stranger.stderr().contains("wrong server password"), stranger.stderr());
    }

    @Test
    void aClientChoosesHowMuchOfTheRoomsHistoryItSeesOnJoining() throws Exception {
        TestClient talker = observer("talker");
        for (int i = 1; i <= 5; i++) {
            talker.say("earlier " + i);
        }
        for (int i = 1; i <= 5; i++) {
            talker.await("message"); // all five said before anyone else joins
        }

        CliProcess some = cli("--nick", "some", "--history", "2", "--json");
        some.closeStdin();
        assertEquals(0, some.awaitExit(), some.stderr());
        List<String> replayed = some.allOutput().stream().filter(l -> l.contains("\"history\":true")).toList();
        assertEquals(2, replayed.size(), replayed.toString());
        assertTrue(replayed.get(1).contains("earlier 5"), replayed.toString());

        CliProcess none = cli("--nick", "none", "--history", "0", "--json");
        none.closeStdin();
        assertEquals(0, none.awaitExit(), none.stderr());
        assertTrue(none.allOutput().stream().noneMatch(l -> l.contains("\"history\":true")), none.allOutput().toString());
    }

    @Test
    void historyPagesBackFromTheOldestLineOnScreen() throws Exception {
        TestClient talker = observer("talker");
        for (int i = 1; i <= 15; i++) { // within the server's flood burst
            talker.say("earlier " + i);
        }
        for (int i = 1; i <= 15; i++) {
            talker.await("message");
        }
        CliProcess reader = cli("--nick", "reader", "--history", "3");
        reader.awaitOutput("the last three", l -> l.endsWith("<talker> earlier 15"));
        reader.type("/history");
        reader.awaitOutput("the page before them", l -> l.endsWith("<talker> earlier 12"));
        reader.type("/history");
        reader.awaitOutput("the end of it", l -> l.contains("no more history in lobby"));
        reader.closeStdin();
        assertEquals(0, reader.awaitExit(), reader.stderr());
        List<String> shown = reader.allOutput().stream().filter(l -> l.contains("<talker> earlier "))
                .map(l -> l.substring(l.indexOf("earlier ") + 8)).toList();
        List<String> expected = new ArrayList<>();
        for (int[] range : new int[][] {{13, 15}, {1, 12}}) {
            for (int i = range[0]; i <= range[1]; i++) {
                expected.add(String.valueOf(i));
            }
        }
        assertEquals(expected, shown, "each page is the one before what is on screen, oldest first");
    }

    @Test
    void jsonModePrintsTheProtocolLines() throws Exception {
        CliProcess bot = cli("--nick", "bot", "--json");
        bot.type("hi");
        bot.closeStdin();
        assertEquals(0, bot.awaitExit(), bot.stderr());
        ObjectMapper json = new ObjectMapper();
        List<String> types = new ArrayList<>();
        for (String line : bot.allOutput()) {
            types.add(json.readTree(line).get("type").asText());
        }
        assertEquals(List.of("welcome", "joined", "message", "bye"), types);
    }

    @Test
    void botsWaitForEachOtherSayTheirLinesAndSeeTheOthers() throws Exception {
        CliProcess one = cli("--nick", "one", "--say", "hello from one", "--await-members", "2", "--await-messages", "1");
        CliProcess two = cli("--nick", "two", "--say", "hello from two", "--await-members", "2", "--await-messages", "1");
        assertEquals(0, one.awaitExit(), one.stderr());
        assertEquals(0, two.awaitExit(), two.stderr());
        assertTrue(one.allOutput().stream().anyMatch(l -> l.endsWith("<two> hello from two")), one.allOutput().toString());
        assertTrue(two.allOutput().stream().anyMatch(l -> l.endsWith("<one> hello from one")), two.allOutput().toString());
    }

    @Test
    void aScriptedWaitThatRunsOutOfTimeExitsWithStatus4() throws Exception {
        CliProcess lonely = cli("--nick", "lonely", "--await-messages", "1", "--timeout", "1", "--say", "anyone?");
        assertEquals(ChatCommand.EXIT_WAIT_TIMED_OUT, lonely.awaitExit());
        assertTrue(lonely.stderr().contains("fewer than 1 messages from others"), lonely.stderr());
    }

    @Test
    void theClientChatsOverTlsAndRefusesACertificateForAnotherName(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        io.loomchat.server.TestCertificates certs = io.loomchat.server.TestCertificates.create(dir, "dns:localhost");
        server.close();
        server = ChatServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0), java.time.Clock.systemUTC(),
                io.loomchat.server.connection.TlsSetup.fromPem(certs.certPem(), certs.keyPem()));
        String port = String.valueOf(server.port());
        CliProcess good = CliProcess.start("--host", "localhost", "--port", port, "--nick", "secure",
                "--tls", "--trust", certs.certPem().toString());
        opened.add(good);
        good.type("over tls");
        good.closeStdin();
        assertEquals(0, good.awaitExit(), good.stderr());
        assertTrue(good.allOutput().stream().anyMatch(l -> l.endsWith("<secure> over tls")), good.allOutput().toString());

        CliProcess wrongName = CliProcess.start("--host", "127.0.0.1", "--port", port, "--nick", "x",
                "--tls", "--trust", certs.certPem().toString());
        opened.add(wrongName);
        assertEquals(1, wrongName.awaitExit());
        assertTrue(wrongName.stderr().strip().startsWith("loomchat: the server's certificate is not for 127.0.0.1: "
                + "connect by a name it has ("), wrongName.stderr());
        assertEquals(1, wrongName.stderr().strip().lines().count(), "one clear line: " + wrongName.stderr());
    }

    @Test
    void anUnreachableServerIsReportedWithStatus1() throws Exception {
        int port = server.port();
        server.close();
        CliProcess p = CliProcess.start("--host", "127.0.0.1", "--port", String.valueOf(port), "--nick", "x");
        opened.add(p);
        assertEquals(1, p.awaitExit());
        assertTrue(p.stderr().contains("cannot connect to 127.0.0.1:" + port), p.stderr());
    }

    @Test
    void anInvalidNickIsRefusedBeforeConnecting() throws Exception {
        CliProcess p = cli("--nick", "no spaces allowed");
        assertEquals(1, p.awaitExit());
        assertTrue(p.stderr().contains("invalid nick"), p.stderr());
    }

    @Test
    void aConnectionLostForGoodEndsAnAwaitAtOnceWithStatus2() throws Exception {
        CliProcess waiter = cli("--nick", "waiter", "--reconnect-attempts", "0", "--say", "hi",
                "--await-messages", "5", "--timeout", "120");
        waiter.awaitOutput("its own line", l -> l.contains("<waiter> hi"));
        long start = System.nanoTime();
        server.close();
        assertEquals(ChatCommand.EXIT_LOST, waiter.awaitExit(), waiter.stderr());
        assertTrue(System.nanoTime() - start < java.time.Duration.ofSeconds(15).toNanos(), "at once, not after the timeout");
        assertEquals("loomchat: connection lost for good: disconnected by the server: server shutting down",
                waiter.stderr().strip());
    }

    @Test
    void anUnknownOptionIsABadOptionWithStatus1() throws Exception {
        CliProcess p = cli("--no-such-option");
        assertEquals(1, p.awaitExit());
        assertTrue(p.stderr().contains("Unknown option: '--no-such-option'"), p.stderr());
        assertTrue(p.stderr().contains("Usage:"), p.stderr());
    }

    @Test
    void aScriptsLocalErrorsComeInTheOrderTheLinesWereTyped() throws Exception {
        CuttableProxy slow = new CuttableProxy(server.port());
        opened.add(slow);
        slow.slowDown(java.time.Duration.ofMillis(300)); // the server's answers come well after the next line is read
        CliProcess bot = CliProcess.start("--host", "127.0.0.1", "--port", String.valueOf(slow.port()), "--nick", "orderly");
        opened.add(bot);
        bot.type("first line");
        bot.type("/history many");
        bot.type("/nosuchcommand");
        bot.type("last line");
        bot.closeStdin();
        assertEquals(0, bot.awaitExit(), bot.stderr());
        List<String> out = bot.allOutput();
        int first = indexOf(out, "<orderly> first line");
        int usage = indexOf(out, "!!! usage: /history");
        int unknown = indexOf(out, "!!! unknown command");
        int last = indexOf(out, "<orderly> last line");
        assertTrue(first >= 0 && first < usage && usage < unknown && unknown < last, out.toString());
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }
}
