package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A raw protocol client over a WebSocket (the JDK's client, which nobody here wrote): one JSON object per
 * text message. It can stop reading, as a browser tab that hangs does: it then asks for no more messages,
 * and the JDK client stops reading the socket.
 */
public final class WsTestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNode CLOSED = TextNode.valueOf("<closed>");

    private final WebSocket ws;
    private final Listener listener;
    public final String nick;

    private WsTestClient(WebSocket ws, String nick, Listener listener) {
        this.ws = ws;
        this.nick = nick;
        this.listener = listener;
    }

    /** Opens a WebSocket to {@code /ws} on {@code port}, with an {@code Origin} header unless it is null. */
    public static WsTestClient open(int port, String origin, String nick) {
        return open(URI.create("ws://127.0.0.1:" + port + "/ws"), origin, nick, HttpClient.newHttpClient());
    }

    /** Opens a WebSocket to {@code uri} with the given client (e.g. one that trusts a test certificate for wss:). */
    public static WsTestClient open(URI uri, String origin, String nick, HttpClient http) {
        Listener listener = new Listener();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (origin != null) {
            builder.header("Origin", origin);
        }
        WebSocket ws = builder.buildAsync(uri, listener).join();
        return new WsTestClient(ws, nick, listener);
    }

    /** Opens, says hello and waits for the welcome and the join. */
    public static WsTestClient register(int port, String nick) {
        WsTestClient client = open(port, null, nick);
        client.send("{\"type\":\"hello\",\"nick\":\"" + nick + "\"}");
        assertEquals(nick, client.await("welcome").get("nick").asText()); // after the greeting
        client.expect("joined");
        return client;
    }

    public void send(String text) {
        ws.sendText(text, true).join();
    }

    public JsonNode next() {
        try {
            JsonNode node = listener.received.poll(TestClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(node, nick + ": nothing received within " + TestClient.WAIT);
            return node;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public JsonNode expect(String type) {
        JsonNode node = next();
        if (!type.equals(node.path("type").asText())) {
            fail(nick + ": expected a '" + type + "' but got " + node);
        }
        return node;
    }

    public JsonNode awaitMatching(String what, Predicate<JsonNode> condition) {
        while (true) {
            JsonNode node = next();
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

    /** Waits for the server's close, skipping what comes before; returns the bye, if any. */
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

    /** From the next message on, asks for no more: the JDK client then stops reading the socket. */
    public void stopReading() {
        listener.reading = false;
    }

    /** The close code the server sent; -1 before the close. */
    public int closeCode() {
        return listener.closeCode;
    }

    @Override
    public void close() {
        ws.abort();
    }

    private static final class Listener implements WebSocket.Listener {
        // Filled by the JDK client's thread, in the order the messages arrived.
        final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        volatile int closeCode = -1;
        volatile boolean reading = true;
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                try {
                    received.add(JSON.readTree(message));
                } catch (java.io.IOException e) {
                    received.add(TextNode.valueOf("<not json: " + message + ">"));
                }
            }
            if (reading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode = statusCode;
            received.add(CLOSED);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            received.add(CLOSED);
        }
    }
}
