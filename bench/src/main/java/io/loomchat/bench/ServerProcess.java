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

    /** Stops the server if the benchmark itself is stopped (Ctrl-C) while the server runs. */
    private final Thread reaper;

    private ServerProcess(Peer peer, int port, Process process) {
        this.peer = peer;
        this.port = port;
        this.process = process;
        this.reaper = new Thread(process::destroyForcibly, "bench-server-reaper");
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
        int port = freePort();
        Process process = new ProcessBuilder(peer.command(port, serverJar, jvmOptions, loomchatArgs))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        ServerProcess server = new ServerProcess(peer, port, process);
        try {
            server.awaitListening();
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close(); // a server that never listened must not outlive the benchmark
            throw e;
        }
        return server;
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
        String local = String.format(":%04X ", port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(peer.label + " exited at start with status " + process.exitValue());
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
        throw new IOException(peer.label + " did not listen on port " + port + " within 20 s");
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** Resident memory, from /proc/PID/status (VmRSS), in KiB. */
    long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** CPU time used so far (user + system), from /proc/PID/stat. */
    long cpuNanos() throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    }

    /** For a JVM: a full collection before reading memory, so that garbage is not counted as cost. */
    void collectGarbage() throws IOException, InterruptedException {
        if (peer != Peer.LOOMCHAT) {
            return;
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Path jcmd = Path.of(java).resolveSibling("jcmd");
        Process gc = new ProcessBuilder(jcmd.toString(), String.valueOf(pid()), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        gc.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        Runtime.getRuntime().removeShutdownHook(reaper);
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
