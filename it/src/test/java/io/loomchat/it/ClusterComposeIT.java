package io.loomchat.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.server.TestClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's cluster demo, run as written: docker/cluster.yaml through Docker Compose (a NATS server made
 * from this machine's nats-server, two nodes, a scripted client on each), with no registry. Then a client
 * in this JVM on each node's published port: one room across the two nodes.
 */
class ClusterComposeIT {

    private static final Path ROOT = Path.of(System.getProperty("loomchat.root", "..")).toAbsolutePath().normalize();

    private final String project = "lcit" + UUID.randomUUID().toString().substring(0, 8);
    private List<String> compose;
    private final Map<String, String> env = new HashMap<>();

    @BeforeAll
    static void docker() {
        LoomchatContainers.requireDocker();
    }

    @AfterEach
    void down() throws Exception {
        if (compose != null) {
            run(120, "down", "-v", "--remove-orphans");
        }
    }

    @Test
    void theReadmesClusterDemoRunsAndClientsOnBothNodesShareARoom() throws Exception {
        compose = composeCommand();
        int onePort = freePort();
        int twoPort = freePort();
        env.put("NATS_IMAGE", natsImage());
        env.put("RUNTIME_IMAGE", System.getenv().getOrDefault("LOOMCHAT_RUNTIME_IMAGE", "eclipse-temurin:21-jre"));
        env.put("ONE_PORT", Integer.toString(onePort));
        env.put("TWO_PORT", Integer.toString(twoPort));

        Result up = run(600, "up", "-d", "--build");
        assertEquals(0, up.code, "compose up failed:\n" + up.output);

        // The scripted clients wait for each other, say their line, print what the other said and exit.
        for (String client : List.of("alice", "bob")) {
            String id = run(30, "ps", "-q", client).output.strip();
            assertTrue(!id.isEmpty(), client + " has no container");
            Result waited = docker(120, "wait", id);
            assertEquals("0", waited.output.strip(), client + " did not exit cleanly:\n" + docker(30, "logs", id).output);
        }
        String aliceLog = run(30, "logs", "--no-color", "alice").output;
        String bobLog = run(30, "logs", "--no-color", "bob").output;
        assertTrue(aliceLog.contains("<bob> hi from node two"), "alice (on node one) missed bob's line:\n" + aliceLog);
        assertTrue(bobLog.contains("<alice> hi from node one"), "bob (on node two) missed alice's line:\n" + bobLog);

        // A person on each node through the published ports, as the README says: one room, the same id.
        try (TestClient carol = TestClient.register("127.0.0.1", onePort, "carol");
                TestClient dave = TestClient.register("127.0.0.1", twoPort, "dave")) {
            carol.awaitMatching("dave joining through node two", n -> "dave".equals(n.path("nick").asText()));
            dave.say("from node two");
            long id = carol.awaitMatching("dave's line", n -> "from node two".equals(n.path("text").asText()))
                    .get("id").asLong();
            carol.say("from node one");
            long reply = dave.awaitMatching("carol's line", n -> "from node one".equals(n.path("text").asText()))
                    .get("id").asLong();
            assertTrue(reply > id, "ids increase across nodes: " + id + " then " + reply);
        }
    }

    /** {@code docker compose} (the plugin) or {@code docker-compose} (1.x), whichever this machine has. */
    private static List<String> composeCommand() throws Exception {
        for (List<String> candidate : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            List<String> version = new ArrayList<>(candidate);
            version.add("version");
            try {
                Process p = new ProcessBuilder(version).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
                p.destroyForcibly();
            } catch (IOException notInstalled) {
                // try the next one
            }
        }
        if (Boolean.parseBoolean(System.getenv("LOOMCHAT_REQUIRE_DOCKER"))) {
            throw new AssertionError("LOOMCHAT_REQUIRE_DOCKER=true but neither `docker compose` nor `docker-compose` runs");
        }
        Assumptions.abort("no Docker Compose here: the cluster demo test is skipped");
        return null;
    }

    /** The NATS image the README makes without a registry, from this machine's nats-server. */
    private String natsImage() throws Exception {
        Process p = new ProcessBuilder(ROOT.resolve("docker/offline-nats.sh").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "offline-nats.sh hung");
        assertEquals(0, p.exitValue(), "docker/offline-nats.sh failed (is nats-server installed?)");
        return out;
    }

    private Result run(int seconds, String... args) throws Exception {
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of("-p", project, "-f", ROOT.resolve("docker/cluster.yaml").toString()));
        command.addAll(List.of(args));
        return exec(seconds, command);
    }

    private Result docker(int seconds, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return exec(seconds, command);
    }

    private Result exec(int seconds, List<String> command) throws Exception {
        Path output = Files.createTempFile("loomchat-compose", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(env);
            Process p = builder.start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(command + " ran past " + seconds + " s:\n" + Files.readString(output));
            }
            return new Result(p.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private record Result(int code, String output) {
    }
}
