package io.loomchat.server;

import io.loomchat.server.config.ServerConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** Starts a real server on an ephemeral loopback port per test and closes it, and every client, after. */
abstract class ServerTestSupport {

    protected ChatServer server;
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** Defaults on a loopback ephemeral port, with flood control off: most tests send faster than people. */
    protected static ServerConfig testConfig() {
        return ServerConfig.defaults().toBuilder().host("127.0.0.1").port(0).floodLinesPerSecond(0).build();
    }

    protected ChatServer start(ServerConfig config) throws IOException {
        server = ChatServer.start(config);
        return server;
    }

    protected ChatServer start() throws IOException {
        return start(testConfig());
    }

    protected TestClient register(String nick) throws IOException {
        return track(TestClient.register(server.port(), nick));
    }

    /**
     * Registers clients in order and lets each see the later ones join, so that every client starts with
     * nothing pending.
     */
    protected List<TestClient> registerQuietly(String... nicks) throws IOException {
        List<TestClient> clients = new ArrayList<>();
        for (String nick : nicks) {
            TestClient client = register(nick);
            for (TestClient earlier : clients) {
                earlier.awaitMatching(nick + "'s join", n -> nick.equals(n.path("nick").asText()));
            }
            clients.add(client);
        }
        return clients;
    }

    protected TestClient connect() throws IOException {
        return track(TestClient.connect(server.port()));
    }

    protected <T extends AutoCloseable> T track(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    @AfterEach
    void stopServer() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }
}
