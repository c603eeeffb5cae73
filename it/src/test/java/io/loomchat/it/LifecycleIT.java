package io.loomchat.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.server.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;

/** `docker stop` and a killed client, as operators and crashing laptops do them. */
class LifecycleIT {

    private final List<GenericContainer<?>> containers = new ArrayList<>();
    private final List<TestClient> clients = new ArrayList<>();
    private Network network;

    @BeforeAll
    static void docker() {
        LoomchatContainers.requireDocker();
    }

    @AfterEach
    void stop() throws Exception {
        for (TestClient c : clients) {
            c.close();
        }
        containers.forEach(GenericContainer::stop);
        if (network != null) {
            network.close();
        }
    }

    private TestClient register(GenericContainer<?> server, String nick) throws Exception {
        TestClient c = TestClient.register(server.getHost(), server.getMappedPort(LoomchatContainers.PORT), nick);
        clients.add(c);
        return c;
    }

    @Test
    void dockerStopGivesEveryClientAByeAndTheContainerExitsZero() throws Exception {
        GenericContainer<?> server = LoomchatContainers.server(null);
        containers.add(server);
        server.start();
        for (String nick : List.of("s1", "s2", "s3")) {
            register(server, nick);
        }
        var docker = DockerClientFactory.instance().client();
        docker.stopContainerCmd(server.getContainerId()).withTimeout(20).exec();
        for (TestClient c : clients) {
            JsonNode bye = c.awaitClose();
            assertNotNull(bye, c.nick + " got no bye");
            assertEquals("shutdown", bye.get("code").asText());
        }
        var state = docker.inspectContainerCmd(server.getContainerId()).exec().getState();
        assertEquals(false, state.getRunning());
        assertEquals(0L, state.getExitCodeLong(), server.getLogs());
    }

    @Test
    void killingAClientContainerMidConversationHarmsNoOneAndIsLogged() throws Exception {
        network = Network.newNetwork();
        GenericContainer<?> server = LoomchatContainers.server(network);
        containers.add(server);
        server.start();
        TestClient watcher = register(server, "watcher");
        TestClient talker = register(server, "talker");
        GenericContainer<?> victim = LoomchatContainers.client(network, "--host", LoomchatContainers.SERVER_ALIAS,
                "--nick", "victim", "--say", "victim here", "--await-messages", "1000000", "--timeout", "600");
        containers.add(victim);
        victim.start();
        watcher.awaitMatching("the victim's line", n -> "victim here".equals(n.path("text").asText()));
        talker.say("before the crash");
        watcher.awaitMatching("the talker's line", n -> "before the crash".equals(n.path("text").asText()));

        DockerClientFactory.instance().client().killContainerCmd(victim.getContainerId()).withSignal("KILL").exec();

        JsonNode left = watcher.awaitMatching("the victim leaving", n -> "left".equals(n.path("type").asText())
                && "victim".equals(n.path("nick").asText()));
        assertNotNull(left.get("reason"));
        talker.say("after the crash");
        watcher.awaitMatching("the talker's next line", n -> "after the crash".equals(n.path("text").asText()));
        await("the server to log the disconnect").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> server.getLogs().matches("(?s).*disconnect #\\d+ victim .*"));
        assertEquals(true, server.isRunning());
    }
}
