package io.loomchat.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The servers the benchmark compares: how to start each, and how a client speaks to it. */
enum Peer {
    LOOMCHAT("loomchat"),
    /** Two Loomchat nodes on one nats-server with JetStream: clients spread over both. */
    CLUSTER("loomchat 2 nodes"),
    NCAT("ncat --chat"),
    NATS("nats-server");

    final String label;

    Peer(String label) {
        this.label = label;
    }

    static Peer parse(String name) {
        return switch (name.toLowerCase()) {
            case "loomchat" -> LOOMCHAT;
            case "cluster", "loomchat-cluster" -> CLUSTER;
            case "ncat" -> NCAT;
            case "nats", "nats-server" -> NATS;
            default -> throw new IllegalArgumentException("unknown peer " + name + " (loomchat, cluster, ncat, nats)");
        };
    }

    /** The protocol its clients speak. */
    Peer protocol() {
        return this == CLUSTER ? LOOMCHAT : this;
    }

    /**
     * As many connections as the server's descriptor limit allows (it inherits this process's): the server
     * refuses to start with a --max-connections that cannot fit.
     */
    /**
     * As many connections as the descriptor limit allows the server: its reserve, what a JVM has open at
     * start (a generous 200) and the journals aside; half of the rest when it also serves the web client.
     */
    private static String maxConnections(boolean web) {
        long limit = io.loomchat.server.connection.DescriptorBudget.processLimit();
        long fits = limit <= 0 ? 10_000 : (limit - io.loomchat.server.connection.DescriptorBudget.RESERVE - 200
                - io.loomchat.server.config.ServerConfig.DEFAULT_MAX_OPEN_JOURNALS) / (web ? 2 : 1);
        return String.valueOf(Math.max(100, fits));
    }

    /** The command that serves chat on {@code port} of the loopback address. */
    List<String> command(int port, Path serverJar, List<String> jvmOptions, List<String> loomchatArgs) {
        return switch (this) {
            case LOOMCHAT, CLUSTER -> {
                String java = ProcessHandle.current().info().command().orElse("java");
                List<String> cmd = new java.util.ArrayList<>(List.of(java));
                cmd.addAll(jvmOptions);
                cmd.addAll(List.of("-jar", serverJar.toString(),
                        "--host", "127.0.0.1", "--port", String.valueOf(port),
                        "--max-connections", maxConnections(loomchatArgs.contains("--web-port")),
                        "--max-members-per-room", "200000"));
                if (!loomchatArgs.contains("--web-port")) {
                    cmd.addAll(List.of("--web-port", "off")); // only the workload over WebSockets wants it
                }
                cmd.addAll(loomchatArgs);
                yield cmd;
            }
            case NCAT -> List.of("ncat", "-l", "127.0.0.1", String.valueOf(port), "--chat", "--max-conns", "200000");
            case NATS -> List.of("nats-server", "-a", "127.0.0.1", "-p", String.valueOf(port));
        };
    }

    /** Whether the peer's program is on this machine. */
    boolean installed(Path serverJar) {
        return switch (this) {
            case LOOMCHAT -> Files.isRegularFile(serverJar);
            case CLUSTER -> Files.isRegularFile(serverJar) && onPath("nats-server");
            case NCAT -> onPath("ncat");
            case NATS -> onPath("nats-server");
        };
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", program));
    }

    /** Opens a client connection and does what it takes to receive the room's traffic. */
    LoadClient connect(int port, String name, InetAddress local) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        if (local != null) {
            socket.bind(new InetSocketAddress(local, 0));
        }
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        LoadClient client = new LoadClient(this, socket, name);
        client.handshake();
        return client;
    }

    static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
