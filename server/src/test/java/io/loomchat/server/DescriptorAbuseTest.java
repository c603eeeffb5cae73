package io.loomchat.server;

import io.loomchat.server.connection.Acceptor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running out of file descriptors: the server refuses connections with a bye before the process runs out,
 * keeps the journals of quiet rooms closed, and an accept that fails anyway is retried, never the end of
 * accepting.
 */
class DescriptorAbuseTest {

    /**
     * The child server runs on the build's class path, some 60 jars (Helidon's among them) that the JVM opens
     * as it looks classes up, where a real deployment opens its one shaded jar: the budget counts what is
     * open at start, and the limit leaves room for them and for more than 100 clients.
     */
    private static final int LIMIT = 320;

    @TempDir
    Path dir;

    @Test
    void underATightDescriptorLimitExtraClientsGetServerFullAndAcceptingGoesOn() throws Exception {
        Path data = dir.resolve("data");
        try (ChildServer server = ChildServer.launch(dir, LIMIT, List.of(), "--data-dir", data.toString(),
                "--flood-lines-per-second", "0")) {
            List<TestClient> clients = new ArrayList<>();
            int welcomed = 0;
            int full = 0;
            try {
                for (int i = 0; i < LIMIT; i++) {
                    TestClient client = TestClient.connect(server.port());
                    clients.add(client);
                    client.send("{\"type\":\"hello\",\"nick\":\"u" + i + "\"}");
                    JsonNode first = client.next();
                    switch (first.path("type").asText()) {
                        case "welcome" -> {
                            welcomed++;
                            // Every client speaks in rooms of its own: each room's journal is created and
                            // written, and the open ones must stay within the budget.
                            for (int r = 0; r < 3; r++) {
                                client.send("{\"type\":\"join\",\"room\":\"r" + i + "-" + r + "\"}");
                                client.send("{\"type\":\"say\",\"room\":\"r" + i + "-" + r + "\",\"text\":\"hi\",\"ref\":\"s\"}");
                                client.awaitMatching("ack", n -> "s".equals(n.path("ref").asText()));
                            }
                        }
                        case "bye" -> {
                            assertEquals("server_full", first.get("code").asText(), first.toString());
                            full++;
                        }
                        default -> throw new AssertionError("neither welcome nor bye: " + first);
                    }
                }
            } finally {
                for (TestClient client : clients) {
                    client.close();
                }
            }
            assertTrue(welcomed > 100, welcomed + " welcomed");
            assertTrue(full > 0, "the clients beyond the budget were told server_full");
            assertFalse(server.output().contains("Too many open files"), server.output());
            long journals;
            try (var files = Files.list(data)) {
                journals = files.filter(f -> f.getFileName().toString().startsWith("room-")).count();
            }
            assertEquals(3L * welcomed, journals, "a journal for every room spoken in, none for the lobby where nobody spoke");

            // Everyone left: the server accepts again.
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                try (TestClient again = TestClient.register(server.port(), "again")) {
                    assertEquals("again", again.nick);
                }
            });
            assertEquals(0, server.stop(Duration.ofSeconds(15)));
        }
    }

    @Test
    void anExplicitMaxConnectionsBeyondTheLimitIsRefusedAtStartWithAClearMessage() throws Exception {
        Process process = ChildServer.start(dir, LIMIT, List.of(), "--max-connections", "1000");
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "it exits");
        assertEquals(2, process.exitValue());
        String output;
        try (var logs = Files.list(dir)) {
            output = Files.readString(logs.filter(f -> f.toString().endsWith(".log")).findFirst().orElseThrow());
        }
        assertTrue(output.contains("max-connections=1000") && output.contains("ulimit -n"), output);
        assertFalse(output.contains("\tat "), "no stack trace: " + output);
    }

    @Test
    void aFailedAcceptIsRetriedNotTheEndOfAccepting() throws Exception {
        AtomicInteger failuresLeft = new AtomicInteger(3);
        try (ServerSocket listener = new ServerSocket() {
            @Override
            public Socket accept() throws IOException {
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new IOException("Too many open files");
                }
                return super.accept();
            }
        }) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
            Acceptor acceptor = new Acceptor(listener, "test", accepted::add);
            acceptor.start();
            try (Socket client = new Socket("127.0.0.1", listener.getLocalPort())) {
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> accepted.size() == 1);
                assertEquals(3, acceptor.failures());
            } finally {
                listener.close();
                acceptor.stop(1_000);
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }
}
