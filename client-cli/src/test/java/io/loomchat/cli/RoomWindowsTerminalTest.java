package io.loomchat.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.protocol.NickColors;
import io.loomchat.server.ChatServer;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.TestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A person in several rooms at a real terminal (tmux): keys move between rooms, the status bar above the
 * prompt counts what is unread where, a room switched back to marks what was not seen, and a sent line
 * appears once (the server's echo), not twice.
 */
class RoomWindowsTerminalTest {

    private ChatServer server;
    private TmuxTerminal terminal;
    private TestClient bob;

    @BeforeEach
    void start() throws Exception {
        if (!TmuxTerminal.available()) {
            if (Boolean.parseBoolean(System.getenv("LOOMCHAT_REQUIRE_TMUX"))) {
                throw new AssertionError("tmux is required (LOOMCHAT_REQUIRE_TMUX=true) but not installed");
            }
            Assumptions.abort("tmux is not installed: 'apt-get install tmux' to run the terminal test");
        }
        server = ChatServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0));
        // A terminal that says it has 256 colors, so that the nick palette is the 256-color one.
        List<String> command = new java.util.ArrayList<>(List.of("env", "TERM=xterm-256color"));
        command.addAll(TmuxTerminal.chatClient("--host", "127.0.0.1", "--port", String.valueOf(server.port()), "--nick", "alice"));
        terminal = new TmuxTerminal(100, 24, command);
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
        return rows.isEmpty() ? "" : rows.getLast();
    }

    /** The row above the prompt. */
    private static String statusRow(List<String> rows) {
        return rows.size() < 2 ? "" : rows.get(rows.size() - 2);
    }

    private List<String> awaitScreen(String what, Predicate<List<String>> condition) {
        return await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(terminal::screen, condition);
    }

    private void typeLine(String line) throws Exception {
        terminal.type(line);
        terminal.pressEnter();
    }

    @Test
    void keysMoveBetweenRoomsAndTheStatusBarCountsWhatIsUnread() throws Exception {
        awaitScreen("the prompt in lobby", r -> lastRow(r).startsWith("[lobby] >"));
        typeLine("/join release");
        awaitScreen("the status bar with both rooms", r -> statusRow(r).equals("[alice] 1:lobby 2:release")
                && lastRow(r).startsWith("[release] >"));
        bob = TestClient.register(server.port(), "bob");
        bob.send("{\"type\":\"join\",\"room\":\"release\",\"ref\":\"j\"}");
        bob.awaitMatching("bob in release", n -> "j".equals(n.path("ref").asText()));
        // Seen before alice looks away (a join notice may reach the others up to 20 ms after the joiner's own).
        awaitScreen("bob's join in release", r -> r.stream().anyMatch(row -> row.endsWith("-!- bob joined release")));

        terminal.type("half a line");
        terminal.press("M-1");
        List<String> lobby = awaitScreen("lobby after Alt-1", r -> lastRow(r).equals("[lobby] > half a line"));
        assertTrue(lobby.stream().noneMatch(r -> r.contains("you joined release")), "only lobby's lines: " + lobby);

        bob.send("{\"type\":\"say\",\"room\":\"release\",\"text\":\"tests are green\"}");
        bob.send("{\"type\":\"say\",\"room\":\"release\",\"text\":\"alice: tag it?\"}");
        List<String> counted = awaitScreen("two unread in release, one naming alice",
                r -> statusRow(r).equals("[alice] 1:lobby 2:release(2)!"));
        assertTrue(counted.stream().noneMatch(r -> r.contains("tests are green")), "release's lines wait: " + counted);

        terminal.press("C-n");
        List<String> release = awaitScreen("release after Ctrl-N", r -> lastRow(r).equals("[release] > half a line"));
        assertEquals("[alice] 1:lobby 2:release", statusRow(release), "looking clears the count and the mark");
        int marker = release.indexOf("--- new since you were away ---");
        assertTrue(marker >= 0, "the marker: " + release);
        assertTrue(release.get(marker - 1).endsWith("-!- bob joined release") && release.get(marker + 1).endsWith("<bob> tests are green"),
                "above the first unseen line: " + release);
        assertTrue(release.stream().anyMatch(r -> r.endsWith("<bob> alice: tag it?")), release.toString());

        terminal.press("M-Left");
        awaitScreen("lobby after Alt-Left", r -> lastRow(r).startsWith("[lobby] >"));
        terminal.press("M-Right");
        awaitScreen("release after Alt-Right", r -> lastRow(r).startsWith("[release] >"));
        terminal.press("C-p");
        awaitScreen("lobby after Ctrl-P", r -> lastRow(r).startsWith("[lobby] >"));
        terminal.press("M-2");
        List<String> back = awaitScreen("release after Alt-2", r -> lastRow(r).equals("[release] > half a line"));
        assertTrue(back.stream().noneMatch(r -> r.contains("new since you were away")), "nothing new this time: " + back);

        terminal.clearLine();
        typeLine("/join lobby");
        awaitScreen("/join of a joined room switches to it", r -> lastRow(r).startsWith("[lobby] >"));
        typeLine("for lobby only");
        assertEquals("lobby", bob.awaitMatching("alice's line", n -> "alice".equals(n.path("from").asText()))
                .path("room").asText(), "the line goes to the room on the screen");
    }

    @Test
    void aSentLineAppearsOnceF2ShowsWhoIsThereAndNicksHaveTheirColorOfThePalette() throws Exception {
        awaitScreen("the prompt in lobby", r -> lastRow(r).startsWith("[lobby] >"));
        bob = TestClient.register(server.port(), "bob");
        typeLine("hello everyone");
        List<String> rows = awaitScreen("the server's echo", r -> r.stream().anyMatch(row -> row.matches("\\d\\d:\\d\\d <alice> hello everyone")));
        assertEquals(1, rows.stream().filter(r -> r.contains("hello everyone")).count(), "once, not the typed line too: " + rows);
        assertEquals("[lobby] >", lastRow(rows).strip());

        terminal.press("F2");
        awaitScreen("the nick list after F2", r -> statusRow(r).equals("[alice] 1:lobby | alice bob"));
        terminal.press("F2");
        awaitScreen("the nick list hidden by F2 at once", r -> statusRow(r).equals("[alice] 1:lobby"));
        terminal.type("/names");
        terminal.pressEnter();
        awaitScreen("the nick list shown by /names", r -> statusRow(r).equals("[alice] 1:lobby | alice bob"));
        terminal.type("/names");
        terminal.pressEnter();
        awaitScreen("the nick list hidden by /names", r -> statusRow(r).equals("[alice] 1:lobby"));

        bob.say("colors?");
        awaitScreen("bob's line", r -> r.stream().anyMatch(row -> row.endsWith("<bob> colors?")));
        String styled = terminal.styledScreen().stream().filter(r -> r.contains("colors?")).findFirst().orElseThrow();
        int color = NickColors.of("bob", NickColors.palette(256));
        assertTrue(styled.matches(".*\\u001b\\[([0-9;]*;)?38;5;" + color + "m<?bob.*"), "bob in color " + color + ": " + styled);
    }

    @Test
    void aJoinedRoomReplacesTheOldOnesLinesAndALineNamingYouIsHighlightedWhole() throws Exception {
        awaitScreen("the prompt in lobby", r -> lastRow(r).startsWith("[lobby] >"));
        typeLine("said in lobby");
        awaitScreen("the echo", r -> r.stream().anyMatch(row -> row.endsWith("<alice> said in lobby")));
        typeLine("/join release");
        List<String> release = awaitScreen("release's window", r -> lastRow(r).startsWith("[release] >")
                && r.stream().anyMatch(row -> row.endsWith("-!- you joined release")));
        assertTrue(release.stream().noneMatch(r -> r.contains("said in lobby")), "lobby's lines are gone: " + release);

        bob = TestClient.register(server.port(), "bob");
        bob.send("{\"type\":\"join\",\"room\":\"release\",\"ref\":\"j\"}");
        bob.awaitMatching("bob in release", n -> "j".equals(n.path("ref").asText()));
        bob.send("{\"type\":\"say\",\"room\":\"release\",\"text\":\"alice: ship it?\"}");
        awaitScreen("bob's line", r -> r.stream().anyMatch(row -> row.endsWith("<bob> alice: ship it?")));
        String styled = terminal.styledScreen().stream().filter(r -> r.contains("ship it?")).findFirst().orElseThrow();
        // Reverse video (7) from the first column, before the time, not only after the nick.
        assertTrue(styled.matches("^(\\u001b\\[[0-9;]*m)*\\u001b\\[([0-9;]*;)?7(;[0-9;]*)?m\\d\\d:\\d\\d.*"), "whole line reversed: " + styled);
    }
}
