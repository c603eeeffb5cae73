package io.loomchat.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A LAN in miniature made of Linux network namespaces: one namespace per "machine" (its interface eth0 at
 * 10.77.0.N/24), joined by a bridge that lives in a namespace of its own, so that nothing is added to the
 * host's network and no packet leaves the namespaces this run made. Removed on close, with every process
 * started in them. Needs root and iproute2.
 */
final class NetnsLan implements AutoCloseable {

    private final String prefix = "lc" + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 24), 36);
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> etcFiles = new ArrayList<>(); // /etc/netns/NS/..., which 'ip netns exec' mounts over /etc
    private final String bridge;

    NetnsLan(int machines) throws IOException, InterruptedException {
        bridge = prefix + "-lan";
        run("ip", "netns", "add", bridge);
        namespaces.add(bridge);
        run("ip", "-n", bridge, "link", "add", "br0", "type", "bridge");
        run("ip", "-n", bridge, "link", "set", "br0", "up");
        for (int i = 1; i <= machines; i++) {
            String ns = machine(i);
            run("ip", "netns", "add", ns);
            namespaces.add(ns);
            run("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "p" + i, "netns", bridge);
            run("ip", "-n", bridge, "link", "set", "p" + i, "master", "br0");
            run("ip", "-n", bridge, "link", "set", "p" + i, "up");
            run("ip", "-n", ns, "addr", "add", address(i) + "/24", "dev", "eth0");
            run("ip", "-n", ns, "link", "set", "eth0", "up");
            run("ip", "-n", ns, "link", "set", "lo", "up");
            run("ip", "-n", ns, "route", "add", "224.0.0.0/4", "dev", "eth0"); // multicast goes out on the LAN
        }
    }

    /** Takes machine {@code i}'s address away, or gives it back (a laptop leaving and joining the network). */
    void address(int i, boolean present) throws IOException, InterruptedException {
        run("ip", "-n", machine(i), "addr", present ? "add" : "del", address(i) + "/24", "dev", "eth0");
        if (present) {
            run("ip", "-n", machine(i), "route", "replace", "224.0.0.0/4", "dev", "eth0");
        }
    }

    /**
     * Gives machine {@code i} a default route and a DNS server that never answers, as on a LAN whose router is
     * offline: the server is an address of this LAN that no machine has (and the gateway another). Their
     * hardware addresses are fixed too, to one no interface has: the queries go out on the bridge and are
     * never answered, not even by "host unreachable" once address resolution fails (which a resolver takes
     * as an answer), so each waits for its whole time-out; and no packet leaves the namespaces. Processes
     * started in the machine afterwards see it.
     */
    void unansweredDns(int i) throws IOException, InterruptedException {
        for (String nobody : List.of("10.77.0.253", "10.77.0.254")) {
            run("ip", "-n", machine(i), "neigh", "replace", nobody, "lladdr", "02:00:00:4c:43:fe", "dev", "eth0", "nud", "permanent");
        }
        run("ip", "-n", machine(i), "route", "replace", "default", "via", "10.77.0.254", "dev", "eth0");
        Path dir = Path.of("/etc/netns", machine(i));
        Files.createDirectories(dir);
        etcFiles.add(dir);
        Files.writeString(dir.resolve("resolv.conf"), "nameserver 10.77.0.253\noptions timeout:5 attempts:2\n");
    }

    /** Whether this machine can make such a LAN: root, and the ip command. */
    static String unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "network namespaces need root";
        }
        try {
            Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : "'ip netns' does not work here";
        } catch (IOException | InterruptedException e) {
            return "no ip command (apt-get install iproute2)";
        }
    }

    /**
     * Nothing to do without {@code problem}; with one, the test is skipped, or fails where
     * LOOMCHAT_REQUIRE_NETNS says the LAN tests must run (CI).
     */
    static void skipUnlessRequired(String problem) {
        if (problem == null) {
            return;
        }
        if (Boolean.parseBoolean(System.getenv().getOrDefault("LOOMCHAT_REQUIRE_NETNS", "false"))) {
            throw new AssertionError("LOOMCHAT_REQUIRE_NETNS is set but " + problem);
        }
        Assumptions.abort(problem);
    }

    String machine(int i) {
        return prefix + "-m" + i;
    }

    static String address(int i) {
        return "10.77.0." + i;
    }

    /** Starts {@code command} in machine {@code i}, output (both streams) to {@code log}; stopped on close. */
    Process start(int i, Path log, List<String> env, String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", machine(i)));
        if (!env.isEmpty()) {
            full.add("env");
            full.addAll(env);
        }
        full.addAll(List.of(command));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        p.getOutputStream().close(); // nothing typed: a client with --say ends once its awaits are met
        return p;
    }

    /** Runs {@code command} in machine {@code i} to its end (at most {@code limit}); its output and exit status. */
    Result runIn(int i, Duration limit, List<String> env, String... command) throws IOException, InterruptedException {
        Path log = Files.createTempFile(prefix, ".log");
        try {
            Process p = start(i, log, env, command);
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, Files.readString(log));
            }
            return new Result(p.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }

    record Result(int status, String output) {
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }

    @Override
    public void close() throws Exception {
        for (Process p : processes.reversed()) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        for (String ns : namespaces.reversed()) {
            try {
                run("ip", "netns", "del", ns);
            } catch (IOException e) {
                // gone already
            }
        }
        for (Path dir : etcFiles) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
