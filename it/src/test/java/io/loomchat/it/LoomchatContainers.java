package io.loomchat.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The images under test, built from docker/Dockerfile with the jars this build just made (the prebuilt
 * targets), on the runtime image named by LOOMCHAT_RUNTIME_IMAGE (default: eclipse-temurin:21-jre).
 */
final class LoomchatContainers {

    static final int PORT = 12345;
    static final String SERVER_ALIAS = "chat";

    private static final Path ROOT = Path.of(System.getProperty("loomchat.root", "..")).toAbsolutePath().normalize();
    private static final String RUNTIME_IMAGE =
            System.getenv().getOrDefault("LOOMCHAT_RUNTIME_IMAGE", "eclipse-temurin:21-jre");

    static final ImageFromDockerfile SERVER_IMAGE = image("prebuilt-server", "loomchat-server:it");
    static final ImageFromDockerfile CLIENT_IMAGE = image("prebuilt-client", "loomchat-cli:it");

    private LoomchatContainers() {
    }

    /**
     * Skips (with the reason) where no Docker engine answers, unless LOOMCHAT_REQUIRE_DOCKER=true (as in
     * CI), where that is a failure: a green CI run always means these tests ran.
     */
    static void requireDocker() {
        boolean available;
        try {
            available = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            available = false;
        }
        if (available) {
            return;
        }
        if (Boolean.parseBoolean(System.getenv("LOOMCHAT_REQUIRE_DOCKER"))) {
            throw new AssertionError("LOOMCHAT_REQUIRE_DOCKER=true but no Docker engine answers");
        }
        Assumptions.abort("no Docker engine: container tests skipped (start Docker, or see docs/OPERATING.md 'Containers')");
    }

    @SuppressWarnings("deprecation") // withDockerfilePath: the context is exactly these files, not a directory
    private static ImageFromDockerfile image(String target, String name) {
        Path server = ROOT.resolve("server/target/loomchat-server.jar");
        Path client = ROOT.resolve("client-cli/target/loomchat-cli.jar");
        for (Path jar : List.of(server, client)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: build with ./loomchat build first");
            }
        }
        return new ImageFromDockerfile(name, false)
                .withFileFromPath("docker/Dockerfile", ROOT.resolve("docker/Dockerfile"))
                .withFileFromPath("server/target/loomchat-server.jar", server)
                .withFileFromPath("client-cli/target/loomchat-cli.jar", client)
                .withFileFromPath("docker/data/README", ROOT.resolve("docker/data/README"))
                .withDockerfilePath("docker/Dockerfile")
                .withTarget(target)
                .withBuildArg("RUNTIME_IMAGE", RUNTIME_IMAGE);
    }

    /** A server container; on {@code network} (if any) it is reachable as {@value #SERVER_ALIAS}. */
    @SuppressWarnings("resource")
    static GenericContainer<?> server(Network network) {
        GenericContainer<?> server = new GenericContainer<>(SERVER_IMAGE)
                .withExposedPorts(PORT)
                .waitingFor(Wait.forLogMessage(".*Loomchat server listening on .*\\n", 1)
                        .withStartupTimeout(Duration.ofSeconds(60)));
        if (network != null) {
            server.withNetwork(network).withNetworkAliases(SERVER_ALIAS);
        }
        return server;
    }

    /** A client container running the CLI with {@code args} against the server on {@code network}. */
    @SuppressWarnings("resource")
    static GenericContainer<?> client(Network network, String... args) {
        return new GenericContainer<>(CLIENT_IMAGE)
                .withNetwork(network)
                .withCommand(args);
    }
}
