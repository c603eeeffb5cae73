package io.loomchat.cli;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The real CLI in its own JVM, with piped stdin and captured stdout and stderr. */
final class CliProcess implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(20);

    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final List<String> stdoutSeen = new ArrayList<>();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread stdoutPump;
    private final Thread stderrPump;

    private CliProcess(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.stdoutPump = Thread.ofVirtual().start(() -> pump(process.getInputStream(), stdout::add));
        this.stderrPump = Thread.ofVirtual().start(() -> pump(process.getErrorStream(), l -> stderr.append(l).append('\n')));
    }

    static CliProcess start(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.add("-cp");
        command.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        command.add(ChatCommand.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        // No settings file of the person running the tests (~/.config/loomchat) changes what a test asks for.
        builder.environment().put("XDG_CONFIG_HOME", Path.of(System.getProperty("java.io.tmpdir"), "loomchat-tests-no-config").toString());
        return new CliProcess(builder.start());
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static void pump(java.io.InputStream in, java.util.function.Consumer<String> sink) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                sink.accept(line);
            }
        } catch (IOException e) {
            // process gone
        }
    }

    void type(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    void closeStdin() throws IOException {
        stdin.close();
    }

    /** Waits for an output line that matches, failing after {@link #WAIT}. */
    String awaitOutput(String what, Predicate<String> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? stdout.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                fail("no output line with " + what + " within " + WAIT + "; saw " + stdoutSeen + "; stderr: " + stderr);
            }
            stdoutSeen.add(line);
            if (condition.test(line)) {
                return line;
            }
        }
    }

    /** Waits for the process to end; returns its exit status. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            fail("the client did not exit within " + WAIT + "; stderr: " + stderr);
        }
        stdoutPump.join(WAIT.toMillis());
        stderrPump.join(WAIT.toMillis());
        return process.exitValue();
    }

    /** Every stdout line, once the process has ended. */
    List<String> allOutput() {
        List<String> all = new ArrayList<>(stdoutSeen);
        stdout.drainTo(all);
        stdoutSeen.clear();
        stdoutSeen.addAll(all);
        return all;
    }

    String stderr() {
        return stderr.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
