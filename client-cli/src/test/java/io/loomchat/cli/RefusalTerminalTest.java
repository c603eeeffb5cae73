package io.loomchat.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.server.ChatServer;
import io.loomchat.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person at a real terminal (tmux) refused for good by the server: the reason is said once, on a line of
 * its own, not glued to the prompt, and the client ends with status 5.
 */
class RefusalTerminalTest {

    @TempDir
    Path dir;

    private ChatServer server;
    private TmuxTerminal terminal;

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

    @Test
    void aRefusalAfterAReconnectIsSaidOnceOnItsOwnLine() throws Exception {
        if (!TmuxTerminal.available()) {
            if (Boolean.parseBoolean(System.getenv("LOOMCHAT_REQUIRE_TMUX"))) {
                throw new AssertionError("tmux is required (LOOMCHAT_REQUIRE_TMUX=true) but not installed");
            }
            Assumptions.abort("tmux is not installed: 'apt-get install tmux' to run the terminal test");
        }
        ServerConfig open = ServerConfig.defaults().toBuilder().host("127.0.0.1").port(0).password("old").build();
        server = ChatServer.start(open);
        int port = server.port();
        Path password = Files.writeString(dir.resolve("password"), "old\n");
        String command = "TERM=xterm-256color '" + TmuxTerminal.java() + "' --enable-native-access=ALL-UNNAMED -cp '"
                + TmuxTerminal.classpath() + "' "
                + ChatCommand.class.getName() + " --host 127.0.0.1 --port " + port + " --nick alice --room release"
                + " --password-file '" + password + "'; echo EXIT=$?; sleep 60";
        terminal = new TmuxTerminal(100, 24, List.of("bash", "-c", command));
        awaitScreen("the prompt in release", r -> !r.isEmpty() && r.getLast().startsWith("[release] >"));

        server.close(); // back with another password: the reconnect is refused for good
        server = ChatServer.start(open.toBuilder().port(port).password("new").build());
        List<String> rows = awaitScreen("the exit", r -> r.stream().anyMatch(row -> row.startsWith("EXIT=")));
        assertTrue(rows.contains("EXIT=" + ChatCommand.EXIT_REFUSED), rows.toString());
        List<String> said = rows.stream().filter(r -> r.contains("wrong server password") || r.contains("password is wrong")
                || r.contains("refused")).toList();
        assertEquals(1, said.size(), "said once: " + rows);
        assertTrue(said.getFirst().startsWith("loomchat: refused by the server: "), "on its own line: " + rows);
    }
}
