package io.loomchat.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.server.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;

/** The server image, started as a container; clients in this JVM chat through the mapped port. */
class ServerContainerIT {

    private GenericContainer<?> server;
    private final List<TestClient> clients = new ArrayList<>();

    @BeforeAll
    static void docker() {
        LoomchatContainers.requireDocker();
    }

    @BeforeEach
    void start() {
        // These clients send 50 lines each as fast as they can: more than a person, so no flood control.
        server = LoomchatContainers.server(null).withCommand("--flood-lines-per-second", "0");
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (TestClient c : clients) {
            c.close();
        }
        server.stop();
    }

    private TestClient register(String nick) throws Exception {
        TestClient c = TestClient.register(server.getHost(), server.getMappedPort(LoomchatContainers.PORT), nick);
        clients.add(c);
        return c;
    }

    @Test
    void clientsChatThroughTheMappedPortAndAllSeeEveryLineInOneOrder() throws Exception {
        List<String> nicks = List.of("ann", "ben", "cat");
        for (String nick : nicks) {
            TestClient c = register(nick);
            for (TestClient earlier : clients.subList(0, clients.size() - 1)) {
                earlier.awaitMatching(nick + " joining", n -> nick.equals(n.path("nick").asText()));
            }
        }
        int each = 50;
        for (int i = 0; i < each; i++) {
            for (TestClient c : clients) {
                c.say(c.nick + " " + i);
            }
        }
        List<String> reference = null;
        for (TestClient c : clients) {
            List<String> seen = new ArrayList<>();
            long lastId = 0;
            for (int i = 0; i < each * nicks.size(); i++) {
                JsonNode m = c.await("message");
                if (lastId > 0) {
                    assertEquals(lastId + 1, m.get("id").asLong(), c.nick + ": ids must be dense and increasing");
                }
                lastId = m.get("id").asLong();
                seen.add(m.get("text").asText());
            }
            if (reference == null) {
                reference = seen;
            } else {
                assertEquals(reference, seen, c.nick + " saw another order");
            }
        }
    }

    @Test
    void theHealthCheckReportsHealthyByAnsweringAProtocolPing() {
        await("health").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                "healthy".equals(server.getCurrentContainerInfo().getState().getHealth().getStatus()));
        // Healthy as soon as the probe got its pong; the server logs the probe's quit a moment later.
        await("the probe's quit in the log").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> server.getLogs().contains("quit (health check)"));
    }
}
