package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.loomchat.protocol.BoundedLineReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw protocol client over a real socket, for tests: {@code send(json)} and {@code expect(type)}.
 * A virtual thread reads every line the server sends into a queue, so this client is never slow.
 */
public final class TestClient implements AutoCloseable {

    public static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Put in the queue when the server closes the connection. */
    private static final JsonNode CLOSED = TextNode.valueOf("<closed>");

    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    public final String nick;
    private volatile JsonNode greeting;

    private TestClient(Socket socket, String nick) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.nick = nick;
        Thread.ofVirtual().name("test-client-" + nick).start(this::readLoop);
    }

    public static TestClient connect(int port) throws IOException {
        return connect("127.0.0.1", port);
    }

    public static TestClient connect(String host, int port) throws IOException {
        return new TestClient(new Socket(host, port), "(unregistered)");
    }

    /** A client over a socket the caller connected (e.g. from a chosen local address), not yet registered. */
    public static TestClient over(Socket socket) throws IOException {
        return new TestClient(socket, "(unregistered)");
    }

    /** Connects, says hello and waits for the welcome and its own join notice. */
    public static TestClient register(int port, String nick) throws IOException {
        return register("127.0.0.1", port, nick);
    }

    public static TestClient register(String host, int port, String nick) throws IOException {
        return register(new Socket(host, port), nick);
    }

    /** Registers over a socket the caller connected, e.g. one speaking TLS. */
    public static TestClient register(Socket socket, String nick) throws IOException {
        TestClient client = new TestClient(socket, nick);
        client.send("{\"type\":\"hello\",\"nick\":\"" + nick + "\"}");
        assertEquals(nick, client.expect("welcome").get("nick").asText());
        client.expect("joined");
        return client;
    }

    private void readLoop() {
        try {
            BoundedLineReader lines = new BoundedLineReader(socket.getInputStream(), 1 << 20);
            boolean first = true;
            for (int n; (n = lines.next()) != BoundedLineReader.EOF; first = false) {
                if (n == BoundedLineReader.TOO_LONG) {
                    received.add(TextNode.valueOf("<too long>"));
                    continue;
                }
                JsonNode node = JSON.readTree(lines.line(), 0, n);
                if (first && isGreeting(node)) {
                    greeting = node; // every connection's first line; GreetingTest checks it
                } else {
                    received.add(node);
                }
            }
        } catch (IOException e) {
            // closed: by us or by the server
        }
        received.add(CLOSED);
    }

    /** The server's greeting: a notice without a ref, before anything else. */
    static boolean isGreeting(JsonNode node) {
        return "notice".equals(node.path("type").asText()) && !node.has("ref");
    }

    /** The greeting this connection received first, or null (a refused connection gets only its bye). */
    public JsonNode greeting() {
        return greeting;
    }

    public void send(String json) throws IOException {
        sendRaw((json + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void say(String text) throws IOException {
        send("{\"type\":\"say\",\"text\":" + JSON.writeValueAsString(text) + "}");
    }

    public void say(String text, String room) throws IOException {
        send("{\"type\":\"say\",\"room\":" + JSON.writeValueAsString(room) + ",\"text\":" + JSON.writeValueAsString(text) + "}");
    }

    /** The next line from the server, failing if none arrives in time. */
    public JsonNode next() {
        return next(WAIT);
    }

    private JsonNode next(Duration wait) {
        try {
            JsonNode node = received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(node, nick + ": nothing received within " + wait);
            return node;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next line, which must be of {@code type}. */
    public JsonNode expect(String type) {
        JsonNode node = next();
        if (!type.equals(node.path("type").asText())) {
            fail(nick + ": expected a '" + type + "' but got " + node);
        }
        return node;
    }

    /** Skips lines until one matches, failing on close or timeout. */
    public JsonNode awaitMatching(String what, Predicate<JsonNode> condition) {
        return awaitMatching(what, condition, WAIT);
    }

    /** The same, with a longer wait for each line (an answer the server may give only after its own timeout). */
    public JsonNode awaitMatching(String what, Predicate<JsonNode> condition, Duration wait) {
        while (true) {
            JsonNode node = next(wait);
            if (node == CLOSED) {
                fail(nick + ": connection closed while waiting for " + what);
            }
            if (condition.test(node)) {
                return node;
            }
        }
    }

    public JsonNode await(String type) {
        return awaitMatching("a '" + type + "'", n -> type.equals(n.path("type").asText()));
    }

    /**
     * Proves that nothing else is queued for this client: a ping's pong must be the very next line. Anything
     * the server queued before the ping would arrive first.
     */
    public void expectNothingPending() throws IOException {
        send("{\"type\":\"ping\",\"ref\":\"barrier\"}");
        JsonNode node = next();
        if (!"pong".equals(node.path("type").asText())) {
            fail(nick + ": expected nothing pending but got " + node);
        }
    }

    /** Waits for the server to close the connection, skipping what comes before; returns the bye, if any. */
    public JsonNode awaitClose() {
        JsonNode bye = null;
        while (true) {
            JsonNode node = next();
            if (node == CLOSED) {
                return bye;
            }
            if ("bye".equals(node.path("type").asText())) {
                bye = node;
            }
        }
    }

    /** Drops what arrived and was not read, e.g. before measuring the heap. */
    public void discardReceived() {
        received.clear();
    }

    public boolean isClosedByServer() {
        return received.contains(CLOSED);
    }

    /** Closes the socket abruptly, as a crashed client would. */
    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** A client that registers and then never reads again, with a tiny receive window. */
    public static Socket stalled(int port, String nick) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.getOutputStream().write(("{\"type\":\"hello\",\"nick\":\"" + nick + "\"}\n")
                .getBytes(StandardCharsets.UTF_8));
        return socket;
    }
}
