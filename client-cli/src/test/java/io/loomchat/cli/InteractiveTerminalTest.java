package io.loomchat.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.server.ChatServer;
import io.loomchat.server.config.ServerConfig;
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
        terminal = new TmuxTerminal(100, 24,
                TmuxTerminal.chatClient("--host", "127.0.0.1", "--port", String.valueOf(server.port()), "--nick", "alice"));
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
    void tabCompletesCommandsAndTheNicksOfPeopleInTheRoom() throws Exception {
        awaitScreen("the prompt after joining", rows -> lastRow(rows).startsWith("[lobby] >"));
        bob = TestClient.register(server.port(), "bob");
        awaitScreen("bob joining", rows -> rows.stream().anyMatch(r -> r.contains("bob joined lobby")));

        terminal.type("/jo");
        terminal.pressTab();
        awaitScreen("the completed command", rows -> lastRow(rows).equals("[lobby] > /join"));
        terminal.clearLine();
        terminal.type("bo");
        terminal.pressTab();
        awaitScreen("the completed nick", rows -> lastRow(rows).equals("[lobby] > bob:"));
        terminal.type("lunch?");
        terminal.pressEnter();
        assertEquals("bob: lunch?", bob.await("message").get("text").asText());
    }

    @Test
    void aLineNamingMeIsHighlightedNicksAreColoredAndHistoryIsDimmed() throws Exception {
        awaitScreen("the prompt after joining", rows -> lastRow(rows).startsWith("[lobby] >"));
        bob = TestClient.register(server.port(), "bob");
        bob.say("said before carol came");
        bob.say("hey alice, look");
        List<String> rows = awaitScreen("bob's lines", r -> r.stream().anyMatch(row -> row.endsWith("<bob> hey alice, look")));
        List<String> styled = terminal.styledScreen();
        String mention = styled.stream().filter(r -> r.contains("hey alice, look")).findFirst().orElseThrow();
        String plain = styled.stream().filter(r -> r.contains("said before carol came")).findFirst().orElseThrow();
        assertTrue(mention.contains("\u001b[1m") || mention.matches(".*\\u001b\\[[0-9;]*1[;m].*"), "a mention is bold: " + mention);
        assertTrue(mention.contains("\u001b[7m") || mention.matches(".*\\u001b\\[[0-9;]*7[;m].*"), "and inverse: " + mention);
        // 30-37 and 90-97 are the 16 colors, 38;5;N the 256: tmux reports whichever the terminal was given.
        assertTrue(plain.matches(".*\\u001b\\[([0-9;]*;)?(3[0-7]|9[0-7]|38;5;[0-9]+)m<?bob.*"), "the nick has a color: " + plain);
        assertTrue(!plain.matches(".*\\u001b\\[[0-9;]*7[;m].*"), "an ordinary line is not highlighted: " + plain);

        try (TmuxTerminal carol = new TmuxTerminal(100, 24,
                TmuxTerminal.chatClient("--host", "127.0.0.1", "--port", String.valueOf(server.port()), "--nick", "carol"))) {
            await("carol's history").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(carol::screen, r -> r.stream().anyMatch(row -> row.contains("end of history of lobby")));
            String replayed = carol.styledScreen().stream().filter(r -> r.contains("said before carol came"))
                    .findFirst().orElseThrow();
            assertTrue(replayed.matches(".*\\u001b\\[[0-9;]*2[;m].*"), "history is dimmed: " + replayed);
        }
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
