package io.loomchat.server;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * The server as a process of its own, for what cannot be done to an in-process server: a descriptor
 * limit (ulimit -n), a small heap, a real SIGTERM or SIGKILL. Its output goes to a log file.
 */
public record ChildServer(Process process, int port, Path log) implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on [^ ]*:(\\d+)");

    /** Starts a server with {@code jvmOptions} and {@code args}, under {@code ulimit -n} if {@code maxFiles > 0}. */
    public static ChildServer launch(Path dir, int maxFiles, List<String> jvmOptions, String... args) throws IOException {
        Process process = start(dir, maxFiles, jvmOptions, args);
        Path log = dir.resolve("server-" + process.pid() + ".log");
        AtomicReference<Integer> port = new AtomicReference<>();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                port.set(Integer.parseInt(m.group(1)));
            }
            return port.get() != null || !process.isAlive();
        });
        if (port.get() == null) {
            throw new IOException("the server did not start: " + Files.readString(log));
        }
        return new ChildServer(process, port.get(), log);
    }

    /** Starts the server process without waiting for it to listen (e.g. to see it refuse to start). */
    static Process start(Path dir, int maxFiles, List<String> jvmOptions, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>();
        if (maxFiles > 0) {
            command.addAll(List.of("bash", "-c", "ulimit -n " + maxFiles + " && exec \"$@\"", "ulimit"));
        }
        command.add(java);
        command.addAll(jvmOptions);
        // The child runs on the class path: tests run inside the server module, whose jars are on the module path.
        String modules = System.getProperty("jdk.module.path");
        String classpath = (modules == null ? "" : modules + File.pathSeparator) + System.getProperty("java.class.path");
        command.addAll(List.of("-cp", classpath, ServerCommand.class.getName(),
                "--host", "127.0.0.1", "--port", "0"));
        if (!List.of(args).contains("--web-port")) {
            // Unless a test is about it, no web client: the default port 8080 is one for the whole machine.
            command.addAll(List.of("--web-port", "off"));
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Process process = builder.redirectOutput(dir.resolve("server.tmp.log").toFile()).start();
        Path log = dir.resolve("server-" + process.pid() + ".log");
        Files.move(dir.resolve("server.tmp.log"), log); // the open file follows its new name
        return process;
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    /** SIGTERM, then the exit status (failing if it does not stop in time). */
    int stop(Duration wait) throws Exception {
        process.destroy();
        if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the server did not stop within " + wait + " of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }
}
