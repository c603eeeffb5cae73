package io.loomchat.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.server.ServerCommand;
import io.loomchat.server.guard.Operators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --hash-password NAME >> operators}, as the README shows it, in a real pseudo-terminal: it prompts on
 * the terminal although its output goes to a file, the password never shows, and it asks twice.
 */
class HashPasswordTerminalTest {

    @TempDir
    Path dir;

    private TmuxTerminal terminal;

    @AfterEach
    void stop() throws Exception {
        if (terminal != null) {
            terminal.close();
        }
    }

    private void start(Path operators) throws Exception {
        if (!TmuxTerminal.available()) {
            if (Boolean.parseBoolean(System.getenv("LOOMCHAT_REQUIRE_TMUX"))) {
                throw new AssertionError("tmux is required (LOOMCHAT_REQUIRE_TMUX=true) but not installed");
            }
            Assumptions.abort("tmux is not installed: 'apt-get install tmux' to run the terminal test");
        }
        String command = "'" + TmuxTerminal.java() + "' -cp '" + TmuxTerminal.classpath() + "' " + ServerCommand.class.getName()
                + " --hash-password root >> '" + operators + "'; echo EXIT=$?; sleep 60";
        terminal = new TmuxTerminal(100, 10, List.of("bash", "-c", command));
    }

    private List<String> awaitScreen(String what, java.util.function.Predicate<List<String>> condition) {
        return await(what).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(terminal::screen, condition);
    }

    @Test
    void itPromptsOnTheTerminalWithoutEchoTwiceAndAppendsTheLine() throws Exception {
        Path operators = dir.resolve("operators");
        start(operators);
        awaitScreen("the prompt", rows -> String.join("\n", rows).contains("password for operator root:"));
        terminal.type("correct horse");
        terminal.pressEnter();
        awaitScreen("the second prompt", rows -> String.join("\n", rows).contains("again, to be sure:"));
        terminal.type("correct horse");
        terminal.pressEnter();
        List<String> rows = awaitScreen("the end", r -> String.join("\n", r).contains("EXIT="));
        String screen = String.join("\n", rows);
        assertTrue(screen.contains("EXIT=0"), screen);
        assertFalse(screen.contains("correct horse"), "the password never shows: " + screen);
        assertTrue(Operators.load(operators).verify("root", "correct horse"), Files.readString(operators));
    }

    @Test
    void twoDifferentTypingsWriteNothing() throws Exception {
        Path operators = dir.resolve("operators");
        start(operators);
        awaitScreen("the prompt", rows -> String.join("\n", rows).contains("password for operator root:"));
        terminal.type("one thing");
        terminal.pressEnter();
        awaitScreen("the second prompt", rows -> String.join("\n", rows).contains("again, to be sure:"));
        terminal.type("another");
        terminal.pressEnter();
        List<String> rows = awaitScreen("the end", r -> String.join("\n", r).contains("EXIT="));
        String screen = String.join("\n", rows);
        assertTrue(screen.contains("EXIT=1") && screen.contains("differ"), screen);
        assertEquals("", Files.exists(operators) ? Files.readString(operators) : "");
    }
}
