package io.loomchat.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A peer's server, run as its own process on a free loopback port, with its memory and CPU readable. */
final class ServerProcess implements AutoCloseable {

    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

    final Peer peer;
    final int port;
    private final Process process;
    /** A cluster's other processes (nats-server, the second node) and the second node's port. */
    private final List<Process> others = new java.util.ArrayList<>();
    private final List<Integer> ports = new java.util.ArrayList<>();
    private Path natsStore;
    private int webPort = -1; // the web client's port, when the workload asked for one

    /** Stops the server if the benchmark itself is stopped (Ctrl-C) while the server runs. */
    private final Thread reaper;

    private ServerProcess(Peer peer, int port, Process process) {
        this.peer = peer;
        this.port = port;
        this.process = process;
        this.ports.add(port);
        this.reaper = new Thread(() -> {
            process.destroyForcibly();
            others.forEach(Process::destroyForcibly);
        }, "bench-server-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Starts a peer. Loomchat runs with flood control off (the workloads send far faster than people, and
     * the peers have no per-client rate limit) unless {@code loomchatArgs} says otherwise.
     */
    static ServerProcess start(Peer peer, Path serverJar, List<String> jvmOptions)
            throws IOException, InterruptedException {
        return start(peer, serverJar, jvmOptions, List.of("--flood-lines-per-second", "0"));
    }

    static ServerProcess start(Peer peer, Path serverJar, List<String> jvmOptions, List<String> loomchatArgs)
            throws IOException, InterruptedException {
        if (peer == Peer.CLUSTER) {
            return startCluster(serverJar, jvmOptions, loomchatArgs);
        }
        int port = freePort();
        Process process = new ProcessBuilder(peer.command(port, serverJar, jvmOptions, loomchatArgs))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        ServerProcess server = new ServerProcess(peer, port, process);
        int web = loomchatArgs.indexOf("--web-port");
        if (web >= 0 && !loomchatArgs.get(web + 1).equals("off")) {
            server.webPort = Integer.parseInt(loomchatArgs.get(web + 1));
        }
        try {
            server.awaitListening();
            if (server.webPort > 0) {
                awaitListening(peer.label + " web", server.webPort, process);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close(); // a server that never listened must not outlive the benchmark
            throw e;
        }
        return server;
    }

    /** A nats-server with JetStream (its own store) and two Loomchat nodes on it. */
    private static ServerProcess startCluster(Path serverJar, List<String> jvmOptions, List<String> loomchatArgs)
            throws IOException, InterruptedException {
        int natsPort = freePort();
        Path store = Files.createTempDirectory("loomchat-bench-nats");
        Process nats = new ProcessBuilder("nats-server", "-js", "-a", "127.0.0.1", "-p", String.valueOf(natsPort),
                "-sd", store.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ServerProcess server = null;
        try {
            awaitListening("nats-server", natsPort, nats);
            String url = "nats://127.0.0.1:" + natsPort;
            int portA = freePort();
            List<String> argsA = new java.util.ArrayList<>(loomchatArgs);
            argsA.addAll(List.of("--nats", url, "--node-name", "a"));
            Process a = new ProcessBuilder(Peer.CLUSTER.command(portA, serverJar, jvmOptions, argsA))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            server = new ServerProcess(Peer.CLUSTER, portA, a);
            server.others.add(nats);
            server.natsStore = store;
            awaitListening("node a", portA, a);
            int portB = freePort();
            List<String> argsB = new java.util.ArrayList<>(loomchatArgs);
            argsB.addAll(List.of("--nats", url, "--node-name", "b"));
            Process b = new ProcessBuilder(Peer.CLUSTER.command(portB, serverJar, jvmOptions, argsB))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            server.others.add(b);
            server.ports.add(portB);
            awaitListening("node b", portB, b);
            return server;
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (server != null) {
                server.close();
            } else {
                nats.destroyForcibly();
            }
            throw e;
        }
    }

    /** The web client's port (WebSockets at /ws); only when started with --web-port. */
    int webPort() {
        if (webPort < 0) {
            throw new IllegalStateException(peer.label + " was started without a web port");
        }
        return webPort;
    }

    /** The port client number {@code i} connects to: clients take turns over a cluster's nodes. */
    int portFor(int i) {
        return ports.get(Math.floorMod(i, ports.size()));
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Waits until the port is in LISTEN state, read from /proc/net/tcp rather than by connecting: a probe
     * connection would be a chat client to ncat, and ncat dies of SIGPIPE if it writes to one that left.
     */
    private void awaitListening() throws IOException, InterruptedException {
        awaitListening(peer.label, port, process);
    }

    private static void awaitListening(String label, int port, Process process) throws IOException, InterruptedException {
        String local = String.format(":%04X ", port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(label + " exited at start with status " + process.exitValue());
            }
            // A JVM listens on an IPv6 socket even for 127.0.0.1, so it shows in tcp6.
            for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 3 && (f[1] + " ").endsWith(local) && f[3].equals("0A")) {
                        return;
                    }
                }
            }
            Thread.sleep(50); // polling a process we do not control: no event to wait on
        }
        throw new IOException(label + " did not listen on port " + port + " within 20 s");
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Resident memory, from /proc/PID/status (VmRSS), in KiB; a cluster's processes together. */
    long rssKiB() throws IOException {
        long sum = rssKiB(pid());
        for (Process other : others) {
            sum += rssKiB(other.pid());
        }
        return sum;
    }

    private static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** CPU time used so far (user + system), from /proc/PID/stat; a cluster's processes (NATS too) together. */
    long cpuNanos() throws IOException {
        long sum = cpuNanos(pid());
        for (Process other : others) {
            sum += cpuNanos(other.pid());
        }
        return sum;
    }

    private static long cpuNanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    }

    /** For a JVM: a full collection before reading memory, so that garbage is not counted as cost. */
    void collectGarbage() throws IOException, InterruptedException {
        if (peer.protocol() != Peer.LOOMCHAT) {
            return;
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Path jcmd = Path.of(java).resolveSibling("jcmd");
        List<Long> jvms = new java.util.ArrayList<>(List.of(pid()));
        if (others.size() > 1) {
            jvms.add(others.get(1).pid()); // the second node (others.get(0) is nats-server)
        }
        for (long jvm : jvms) {
            Process gc = new ProcessBuilder(jcmd.toString(), String.valueOf(jvm), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            gc.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        Runtime.getRuntime().removeShutdownHook(reaper);
        List<Process> all = new java.util.ArrayList<>(List.of(process));
        for (int i = others.size() - 1; i >= 0; i--) {
            all.add(others.get(i)); // the nodes before nats-server
        }
        for (Process p : all) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (natsStore != null) {
            try (var files = Files.walk(natsStore)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind
            }
        }
    }
}
