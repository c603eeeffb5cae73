package io.loomchat.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real pseudo-terminal, through tmux: start a program in it, type with send-keys, read the screen with
 * capture-pane. Each instance has its own tmux server socket, so tests never touch a person's sessions.
 */
final class TmuxTerminal implements AutoCloseable {

    private final String socketName = "loomchat-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    static boolean available() {
        try {
            Process p = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The java running these tests, to start a program in the terminal with. */
    static String java() {
        return ProcessHandle.current().info().command()
                .orElse(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** The tests' class path: the client, the server and their libraries. */
    static String classpath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** The command line of the terminal client with {@code args}. */
    static List<String> chatClient(String... args) {
        List<String> command = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-cp", classpath(),
                ChatCommand.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private final long programPid; // the program in the pane, waited for on close

    TmuxTerminal(int columns, int rows, List<String> command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("new-session", "-d", "-s", "main",
                "-x", String.valueOf(columns), "-y", String.valueOf(rows), "-P", "-F", "#{pane_pid}"));
        args.add(String.join(" ", command.stream().map(TmuxTerminal::quote).toList()));
        programPid = Long.parseLong(tmux(args.toArray(String[]::new)).strip());
    }

    /** Types text without pressing Enter; tmux passes it literally. */
    void type(String text) throws IOException, InterruptedException {
        tmux("send-keys", "-t", "main", "-l", text);
    }

    void pressEnter() throws IOException, InterruptedException {
        tmux("send-keys", "-t", "main", "Enter");
    }

    void pressTab() throws IOException, InterruptedException {
        tmux("send-keys", "-t", "main", "Tab");
    }

    /** A key by tmux's name for it: "M-1" (Alt-1), "M-Left", "C-n", "F2". */
    void press(String key) throws IOException, InterruptedException {
        tmux("send-keys", "-t", "main", key);
    }

    /** Ctrl-U: clears the input line. */
    void clearLine() throws IOException, InterruptedException {
        tmux("send-keys", "-t", "main", "C-u");
    }

    /** The visible screen, one string per row, trailing blank rows removed. */
    List<String> screen() throws IOException, InterruptedException {
        return capture(false);
    }

    /** The visible screen with its colors and attributes as escape sequences. */
    List<String> styledScreen() throws IOException, InterruptedException {
        return capture(true);
    }

    private List<String> capture(boolean styled) throws IOException, InterruptedException {
        String text = styled ? tmux("capture-pane", "-t", "main", "-p", "-e") : tmux("capture-pane", "-t", "main", "-p");
        List<String> rows = new ArrayList<>(List.of(text.split("\n", -1)));
        while (!rows.isEmpty() && rows.get(rows.size() - 1).isBlank()) {
            rows.remove(rows.size() - 1);
        }
        return rows;
    }

    private String tmux(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socketName));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("tmux " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    private static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /**
     * Ends the terminal and waits until the program in it (and whatever it started) has exited: a program
     * still running after tmux is gone may still write into its files (weechat into its --dir), and a test's
     * temporary directory cannot be removed under it.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        java.util.Optional<ProcessHandle> program = ProcessHandle.of(programPid);
        List<ProcessHandle> family = new ArrayList<>();
        program.ifPresent(p -> {
            family.addAll(p.descendants().toList());
            family.add(p);
        });
        try {
            tmux("kill-server");
        } catch (IOException e) {
            // already gone with its last session
        }
        for (ProcessHandle p : family) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                p.destroyForcibly();
                try {
                    p.onExit().get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException again) {
                    throw new IOException("pid " + p.pid() + " did not exit after SIGKILL");
                }
            }
        }
    }
}
