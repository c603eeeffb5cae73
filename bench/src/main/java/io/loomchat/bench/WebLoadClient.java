package io.loomchat.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark client over Loomchat's WebSocket, as a browser connects: the same JSON protocol, one object per
 * text message. Uses the JDK's WebSocket client; its listener queues each message for {@link #nextDelivery}.
 */
final class WebLoadClient implements RoomClient {

    private static final String END = "\u0000end";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final WebSocket ws;

    private WebLoadClient(int webPort, String name) throws IOException {
        try {
            this.ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + webPort + "/ws"), new Listener())
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException(name + ": no WebSocket: " + e, e);
        }
        ws.sendText("{\"type\":\"hello\",\"nick\":\"" + name + "\",\"history\":0}", true).join();
        while (true) {
            String message = take();
            if (message == END) {
                throw new IOException(name + ": closed during the handshake");
            }
            if (message.contains("\"type\":\"joined\"")) {
                return;
            }
        }
    }

    static WebLoadClient connect(int webPort, String name) throws IOException {
        return new WebLoadClient(webPort, name);
    }

    @Override
    public void send(byte[] payload) throws IOException {
        try {
            ws.sendText("{\"type\":\"say\",\"text\":\"" + new String(payload, StandardCharsets.ISO_8859_1) + "\"}", true).join();
        } catch (RuntimeException e) {
            throw new IOException("send failed: " + e, e);
        }
    }

    @Override
    public boolean nextDelivery(long[] parsed) throws IOException {
        while (true) {
            String message = take();
            if (message == END) {
                return false;
            }
            byte[] line = message.getBytes(StandardCharsets.ISO_8859_1);
            if (Payload.parse(line, line.length, parsed)) {
                return true;
            }
            if (message.startsWith("{\"type\":\"ping\"")) {
                ws.sendText("{\"type\":\"pong\"}", true);
            }
        }
    }

    private String take() throws IOException {
        try {
            return received.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        ws.abort();
        received.add(END);
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (last && partial.isEmpty()) {
                received.add(data.toString());
            } else {
                partial.append(data);
                if (last) {
                    received.add(partial.toString());
                    partial.setLength(0);
                }
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            received.add(END);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            received.add(END);
        }
    }
}
