package io.loomchat.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import io.loomchat.server.TestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/** A server container with its journal on a named volume: a new container on that volume has the history. */
class DurabilityIT {

    private final String volume = "loomchat-it-data-" + UUID.randomUUID();
    private final List<GenericContainer<?>> containers = new ArrayList<>();

    @BeforeAll
    static void docker() {
        LoomchatContainers.requireDocker();
    }

    @AfterEach
    void stop() {
        containers.forEach(GenericContainer::stop);
        try {
            DockerClientFactory.instance().client().removeVolumeCmd(volume).exec();
        } catch (RuntimeException e) {
            // never created, or already gone
        }
    }

    private GenericContainer<?> serverOnVolume() {
        GenericContainer<?> server = LoomchatContainers.server(null)
                .withCommand("--data-dir", "/data", "--flood-lines-per-second", "0")
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withBinds(new Bind(volume, new Volume("/data"))));
        containers.add(server);
        server.start();
        return server;
    }

    @Test
    void historyAndTopicOutliveTheContainerOnAVolume() throws Exception {
        GenericContainer<?> first = serverOnVolume();
        try (TestClient alice = TestClient.register(first.getHost(), first.getMappedPort(LoomchatContainers.PORT), "alice")) {
            alice.send("{\"type\":\"topic\",\"text\":\"kept on a volume\"}");
            alice.await("topic");
            for (int i = 1; i <= 5; i++) {
                alice.send("{\"type\":\"say\",\"text\":\"line " + i + "\",\"ref\":\"r" + i + "\"}");
            }
            alice.awaitMatching("the last ack", n -> "r5".equals(n.path("ref").asText()));
        }
        DockerClientFactory.instance().client().stopContainerCmd(first.getContainerId()).withTimeout(20).exec();

        GenericContainer<?> second = serverOnVolume();
        try (TestClient bob = TestClient.connect(second.getHost(), second.getMappedPort(LoomchatContainers.PORT))) {
            bob.send("{\"type\":\"hello\",\"nick\":\"bob\",\"after\":0}");
            bob.expect("welcome");
            bob.expect("joined");
            assertEquals("kept on a volume", bob.expect("topic").get("topic").asText());
            List<String> texts = new ArrayList<>();
            for (JsonNode n; !(n = bob.next()).path("type").asText().equals("history_end"); ) {
                texts.add(n.get("text").asText());
            }
            assertEquals(List.of("line 1", "line 2", "line 3", "line 4", "line 5"), texts);
            bob.send("{\"type\":\"say\",\"text\":\"after\",\"ref\":\"a\"}");
            assertEquals(6, bob.awaitMatching("ack", n -> "a".equals(n.path("ref").asText())).get("id").asLong());
        }
    }
}
