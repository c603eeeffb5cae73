package io.loomchat.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;

/** A LAN in miniature: the server and three client containers on one network, finding it by name. */
class LanIT {

    private final List<GenericContainer<?>> containers = new ArrayList<>();
    private Network network;

    @BeforeAll
    static void docker() {
        LoomchatContainers.requireDocker();
    }

    @AfterEach
    void stop() {
        containers.forEach(GenericContainer::stop);
        if (network != null) {
            network.close();
        }
    }

    @Test
    void threeClientContainersReachTheServerByNameAndHearEachOther() {
        network = Network.newNetwork();
        GenericContainer<?> server = LoomchatContainers.server(network);
        containers.add(server);
        server.start();
        List<String> nicks = List.of("lan1", "lan2", "lan3");
        List<GenericContainer<?>> clients = new ArrayList<>();
        for (String nick : nicks) {
            GenericContainer<?> client = LoomchatContainers.client(network, "--host", LoomchatContainers.SERVER_ALIAS,
                    "--nick", nick, "--say", "hello from " + nick, "--await-members", "3", "--await-messages", "2",
                    "--timeout", "60");
            containers.add(client);
            clients.add(client);
            client.start();
        }
        for (GenericContainer<?> client : clients) {
            await("a client container to finish").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> !client.getCurrentContainerInfo().getState().getRunning());
        }
        for (int i = 0; i < clients.size(); i++) {
            GenericContainer<?> client = clients.get(i);
            String output = client.getLogs();
            assertEquals(0L, client.getCurrentContainerInfo().getState().getExitCodeLong(), nicks.get(i) + ": " + output);
            for (String other : nicks) {
                if (!other.equals(nicks.get(i))) {
                    assertTrue(output.contains("<" + other + "> hello from " + other),
                            nicks.get(i) + " did not print " + other + "'s line:\n" + output);
                }
            }
        }
        String serverLog = server.getLogs();
        for (String nick : nicks) {
            assertTrue(serverLog.contains(nick + " ") && serverLog.contains(": quit"), serverLog);
        }
    }
}
