package io.loomchat.server;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code nats-server} with JetStream, as a child process on loopback: a random port, a store
 * directory of its own, stopped (and restartable on the same port and store) by the test. The binary comes
 * from the machine (Debian's nats-server; .ci/run installs it); a machine without it fails the cluster
 * tests with that said, never skips them.
 */
public final class NatsServerProcess implements AutoCloseable {

    private final Path store;
    private final Path log;
    public final int port;
    private final List<String> clusterArgs;
    private Process process;

    private NatsServerProcess(Path store, int port, List<String> clusterArgs) {
        this.store = store;
        this.log = store.resolveSibling(store.getFileName() + ".log");
        this.port = port;
        this.clusterArgs = clusterArgs;
    }

    public static NatsServerProcess start(Path dir) throws IOException, InterruptedException {
        NatsServerProcess nats = new NatsServerProcess(Files.createDirectories(dir.resolve("nats-store")), freePort(), List.of());
        nats.restart();
        return nats;
    }

    /** One server that speaks only TLS, with this certificate and key (PEM). */
    public static NatsServerProcess startWithTls(Path dir, Path certPem, Path keyPem) throws IOException, InterruptedException {
        NatsServerProcess nats = new NatsServerProcess(Files.createDirectories(dir.resolve("nats-store")), freePort(),
                List.of("--tls", "--tlscert", certPem.toString(), "--tlskey", keyPem.toString()));
        nats.restart();
        return nats;
    }

    /** {@code size} servers routed to each other on loopback: one NATS cluster with JetStream on each. */
    public static List<NatsServerProcess> cluster(Path dir, int size) throws IOException, InterruptedException {
        List<Integer> routes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            routes.add(freePort());
        }
        List<String> routeUrls = new ArrayList<>();
        for (int route : routes) {
            routeUrls.add("nats://127.0.0.1:" + route);
        }
        List<NatsServerProcess> servers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            servers.add(new NatsServerProcess(Files.createDirectories(dir.resolve("nats-store-" + i)), freePort(),
                    List.of("-n", "n" + i, "--cluster_name", "loom", "--cluster", "nats://127.0.0.1:" + routes.get(i),
                            "--routes", String.join(",", routeUrls))));
        }
        for (NatsServerProcess server : servers) {
            server.restart();
        }
        return servers;
    }

    public String url() {
        return "nats://127.0.0.1:" + port;
    }

    static Path binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "nats-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        Path debian = Path.of("/usr/sbin/nats-server");
        if (Files.isExecutable(debian)) {
            return debian;
        }
        throw new IllegalStateException("nats-server is not installed: apt-get install nats-server (.ci/run does)");
    }

    /** Starts it (again, on the same port and store) and returns once it accepts connections. */
    public void restart() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary().toString(), "-js", "-a", "127.0.0.1",
                "-p", Integer.toString(port), "-sd", store.toString()));
        command.addAll(clusterArgs);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            org.awaitility.Awaitility.await("nats-server listening").atMost(java.time.Duration.ofSeconds(20))
                    .pollInterval(java.time.Duration.ofMillis(50)).until(() -> !process.isAlive() || accepts());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // said below, with the log
        }
        if (!process.isAlive() || !accepts()) {
            throw new IOException("nats-server did not start on port " + port + ": " + Files.readString(log));
        }
    }

    private boolean accepts() {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Kills it at once (SIGKILL), as a crash would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
