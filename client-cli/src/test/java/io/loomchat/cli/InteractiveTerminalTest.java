package io.loomchat.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.server.ChatServer;
import io.loomchat.server.ServerConfig;
import io.loomchat.server.TestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The interactive client in a real pseudo-terminal (tmux): messages that arrive while a person types are
 * shown above the input line, and what they typed stays intact. CI sets LOOMCHAT_REQUIRE_TMUX=true, so
 * there a missing tmux fails the build instead of skipping this test.
 */
class InteractiveTerminalTest {

    private ChatServer server;
    private TmuxTerminal terminal;
    private TestClient bob;

    @BeforeEach
    void start() throws Exception {
        boolean required = Boolean.parseBoolean(System.getenv("LOOMCHAT_REQUIRE_TMUX"));
        if (!TmuxTerminal.available()) {
            if (required) {
                throw new AssertionError("tmux is required (LOOMCHAT_REQUIRE_TMUX=true) but not installed");
            }
            Assumptions.abort("tmux is not installed: 'apt-get install tmux' to run the terminal test");
        }
        server = ChatServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0));
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        terminal = new TmuxTerminal(100, 24, List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", classpath, ChatCommand.class.getName(),
                "--host", "127.0.0.1", "--port", String.valueOf(server.port()), "--nick", "alice"));
    }

    @AfterEach
    void stop() throws Exception {
        if (terminal != null) {
            terminal.close();
        }
        if (bob != null) {
            bob.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static String lastRow(List<String> rows) {
        return rows.isEmpty() ? "" : rows.get(rows.size() - 1);
    }

    private List<String> awaitScreen(String what, java.util.function.Predicate<List<String>> condition) {
        return await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(terminal::screen, condition);
    }

    @Test
    void linesArrivingWhileAPersonTypesAppearAboveTheirUnfinishedInput() throws Exception {
        awaitScreen("the prompt after joining", rows -> rows.stream().anyMatch(r -> r.contains("you joined lobby"))
                && lastRow(rows).startsWith("[lobby] >"));
        bob = TestClient.register(server.port(), "bob");

        terminal.type("half a thou");
        awaitScreen("the unfinished input", rows -> lastRow(rows).endsWith("half a thou"));
        for (int i = 1; i <= 3; i++) {
            bob.say("interruption " + i);
        }
        List<String> rows = awaitScreen("bob's three lines",
                r -> r.stream().anyMatch(row -> row.endsWith("<bob> interruption 3")));
        assertEquals("[lobby] > half a thou", lastRow(rows), "the input line is intact: " + rows);
        for (int i = 1; i <= 3; i++) {
            String expected = "<bob> interruption " + i;
            assertTrue(rows.stream().anyMatch(row -> row.matches("\\d\\d:\\d\\d " + expected)), rows.toString());
        }

        terminal.type("ght, finished");
        terminal.pressEnter();
        assertEquals("half a thought, finished",
                bob.awaitMatching("alice's line", n -> "alice".equals(n.path("from").asText())).get("text").asText());
        awaitScreen("alice's own line", r -> r.stream().anyMatch(row -> row.endsWith("<alice> half a thought, finished")));
    }

    @Test
    void thePromptFollowsTheCurrentRoomWhileTheNextLineIsTyped() throws Exception {
        awaitScreen("the prompt after joining", rows -> lastRow(rows).startsWith("[lobby] >"));
        terminal.type("/join dev");
        terminal.pressEnter();
        terminal.type("draft");
        List<String> rows = awaitScreen("the prompt naming dev",
                r -> lastRow(r).startsWith("[dev] >"));
        assertEquals("[dev] > draft", lastRow(rows), rows.toString());
    }
}
