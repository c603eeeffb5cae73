package io.loomchat.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.loomchat.server.ChatServer;
import io.loomchat.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person at a real terminal (tmux) makes their nick an account with /register, typing the password twice
 * without it ever showing, then comes back with --account and is asked for it.
 */
class AccountTerminalTest {

    private static final String SECRET = "correct horse battery";

    @TempDir
    Path data;

    private ChatServer server;
    private TmuxTerminal terminal;

    @BeforeEach
    void requireTmux() {
        if (!TmuxTerminal.available()) {
            if (Boolean.parseBoolean(System.getenv("LOOMCHAT_REQUIRE_TMUX"))) {
                throw new AssertionError("tmux is required (LOOMCHAT_REQUIRE_TMUX=true) but not installed");
            }
            Assumptions.abort("tmux is not installed: 'apt-get install tmux' to run the terminal test");
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (terminal != null) {
            terminal.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private List<String> awaitScreen(String what, Predicate<List<String>> condition) {
        return await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(terminal::screen, condition);
    }

    private static boolean shows(List<String> rows, String text) {
        return rows.stream().anyMatch(r -> r.contains(text));
    }

    @Test
    void registerAsksTwiceWithoutEchoAndTheAccountLogsInAgainWithAPrompt() throws Exception {
        server = ChatServer.start(ServerConfig.defaults().toBuilder().host("127.0.0.1").port(0).dataDir(data)
                .accountHashIterations(ServerConfig.MIN_ACCOUNT_HASH_ITERATIONS).build());
        String port = String.valueOf(server.port());
        terminal = new TmuxTerminal(100, 24, TmuxTerminal.chatClient("--host", "127.0.0.1", "--port", port,
                "--nick", "alice"));
        awaitScreen("the prompt", r -> !r.isEmpty() && r.getLast().startsWith("[lobby] >"));
        terminal.type("/register");
        terminal.pressEnter();
        awaitScreen("the first question", r -> !r.isEmpty() && r.getLast().startsWith("new password:"));
        terminal.type(SECRET);
        terminal.pressEnter();
        awaitScreen("the second question", r -> !r.isEmpty() && r.getLast().startsWith("the same again:"));
        terminal.type(SECRET);
        terminal.pressEnter();
        List<String> rows = awaitScreen("the account", r -> shows(r, "you are logged in as alice"));
        assertFalse(shows(rows, "horse"), "the password never shows: " + rows);
        terminal.type("/quit");
        terminal.pressEnter();
        terminal.close();

        terminal = new TmuxTerminal(100, 24, TmuxTerminal.chatClient("--host", "127.0.0.1", "--port", port,
                "--nick", "alice", "--account", "alice"));
        awaitScreen("the password question", r -> !r.isEmpty() && r.getLast().startsWith("password of account alice:"));
        terminal.type(SECRET);
        terminal.pressEnter();
        awaitScreen("the welcome as the account", r -> shows(r, "welcome to") && shows(r, "(account alice)"));
        rows = awaitScreen("the prompt in the account's room", r -> !r.isEmpty() && r.getLast().startsWith("[lobby] >"));
        assertFalse(shows(rows, "horse"), "the password never shows: " + rows);

        // Typing in the room on the screen is having seen it: the account's read marker moves, on disk too.
        try (io.loomchat.server.TestClient bob = io.loomchat.server.TestClient.register(server.port(), "bob")) {
            bob.say("news for alice");
            long news = bob.awaitMatching("the ack", n -> "news for alice".equals(n.path("text").asText())).get("id").asLong();
            awaitScreen("bob's line", r -> shows(r, "news for alice"));
            terminal.type("seen it");
            terminal.pressEnter();
            await("the marker kept").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                    java.nio.file.Files.readAllLines(data.resolve("always-on.jsonl")).stream().anyMatch(l ->
                            l.contains("\"op\":\"read\"") && l.contains("\"room\":\"lobby\"") && l.contains("\"id\":" + news + ",")));
        }
    }
}
