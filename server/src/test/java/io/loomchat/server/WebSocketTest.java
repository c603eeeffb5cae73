package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.server.config.WebConfig;
import io.loomchat.server.connection.TlsSetup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web front over real sockets: the page, and WebSocket sessions that are sessions like any other (same
 * room, same limits, same close reasons), driven by the JDK's WebSocket client.
 */
class WebSocketTest extends ServerTestSupport {

    private ChatServer startWeb(List<String> allowedOrigins) throws Exception {
        return start(testConfig().toBuilder().web(new WebConfig("127.0.0.1", 0, true, allowedOrigins)).build());
    }

    private WsTestClient ws(String nick) {
        return track(WsTestClient.register(server.webPort(), nick));
    }

    @Test
    void thePageIsServedWithAStrictContentSecurityPolicy() throws Exception {
        startWeb(List.of());
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.webPort() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script src=\"app.js\""), page.body());
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe"), csp);
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElseThrow());
        HttpResponse<String> script = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.webPort() + "/app.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(script.headers().firstValue("Content-Type").orElseThrow().startsWith("text/javascript"));
        HttpResponse<String> info = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.webPort() + "/server.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("{\"name\":\"loomchat\",\"password\":false,\"maxLineBytes\":16384,\"protocol\":1}", info.body().strip());
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.webPort() + "/../etc/passwd")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
    }

    @Test
    void aWebSocketClientAndATcpClientShareARoomWithTheSameIds() throws Exception {
        startWeb(List.of());
        WsTestClient alice = ws("alice");
        TestClient bob = register("bob");
        alice.awaitMatching("bob's join", n -> "joined".equals(n.path("type").asText()) && "bob".equals(n.path("nick").asText()));
        alice.send("{\"type\":\"say\",\"text\":\"from the browser\",\"ref\":\"a1\"}");
        JsonNode ack = alice.await("message");
        assertEquals("a1", ack.path("ref").asText());
        JsonNode heard = bob.await("message");
        assertEquals("from the browser", heard.get("text").asText());
        assertEquals(ack.get("id").asLong(), heard.get("id").asLong());
        bob.say("from the terminal");
        JsonNode back = alice.await("message");
        bob.await("message"); // its own
        assertEquals("from the terminal", back.get("text").asText());
        assertEquals(ack.get("id").asLong() + 1, back.get("id").asLong());
        // A message of nothing but spaces is a blank line: ignored, as over TCP.
        alice.send("   ");
        alice.send("{\"type\":\"ping\",\"ref\":\"after-blank\"}");
        assertEquals("after-blank", alice.await("pong").path("ref").asText());
        // A line break inside a message is whitespace, not the end of a line: the message stays one request.
        alice.send("{\"type\":\"say\",\n\"text\":\"two\\nlines\"}");
        assertEquals("two\nlines", bob.await("message").get("text").asText());
        assertEquals("two\nlines", alice.await("message").get("text").asText());
    }

    @Test
    void aPageFromAnotherSiteIsRefusedAndTheServersOwnIsLetIn() throws Exception {
        startWeb(List.of());
        int port = server.webPort();
        CompletionException refused = assertThrows(CompletionException.class,
                () -> WsTestClient.open(port, "http://evil.example", "evil"));
        assertTrue(refused.getCause() instanceof WebSocketHandshakeException, refused.toString());
        assertEquals(403, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
        assertThrows(CompletionException.class, () -> WsTestClient.open(port, "http://127.0.0.1:" + (port + 1), "near"));
        assertThrows(CompletionException.class, () -> WsTestClient.open(port, "null", "sandboxed"));
        assertThrows(CompletionException.class, () -> WsTestClient.open(port, "https://127.0.0.1:" + port, "scheme"));
        for (String origin : new String[] {"http://127.0.0.1:" + port, null}) {
            WsTestClient ok = track(WsTestClient.open(port, origin, "ok"));
            ok.send("{\"type\":\"ping\",\"ref\":\"p\"}");
            assertEquals("p", ok.await("pong").path("ref").asText(), origin);
        }
    }

    @Test
    void withAllowedOriginsExactlyThoseAreLetIn() throws Exception {
        startWeb(List.of("HTTPS://Chat.Example.com:443", "http://chat.lan:8080"));
        int port = server.webPort();
        for (String origin : new String[] {"https://chat.example.com", "http://chat.lan:8080"}) {
            WsTestClient ok = track(WsTestClient.open(port, origin, "ok"));
            ok.send("{\"type\":\"ping\",\"ref\":\"p\"}");
            assertEquals("p", ok.await("pong").path("ref").asText(), origin);
        }
        for (String origin : new String[] {"http://chat.example.com", "https://chat.example.com:8443", "http://127.0.0.1:" + port}) {
            assertThrows(CompletionException.class, () -> WsTestClient.open(port, origin, "no"), origin);
        }
    }

    @Test
    void aMessageOverMaxLineBytesClosesTheWebSocketBeforeItIsHeldWhole() throws Exception {
        start(testConfig().toBuilder().maxLineBytes(1024).web(new WebConfig("127.0.0.1", 0, true, List.of())).build());
        WsTestClient alice = ws("alice");
        alice.send("{\"type\":\"ping\",\"ref\":\"short\"}");
        assertEquals("short", alice.await("pong").path("ref").asText());
        // A frame is held whole before it is handed on: past max-line-bytes it is not read at all, and the
        // connection is closed as "message too big" (the web page checks the length before sending).
        alice.send("{\"type\":\"say\",\"text\":\"" + "x".repeat(1100) + "\"}");
        alice.awaitClose();
        assertEquals(1009, alice.closeCode());
    }

    @Test
    void aWebSocketThatStopsReadingIsCutAsASlowConsumerWhileTheOthersGetEverything() throws Exception {
        startWeb(List.of());
        TestClient reader = register("reader");
        WsTestClient stuck = ws("stuck");
        reader.awaitMatching("stuck's join", n -> "stuck".equals(n.path("nick").asText()));
        stuck.stopReading();
        TestClient sender = register("sender");
        String padding = "p".repeat(1000);
        int messages = 4_000; // 4 MB: more than the outbox and the socket buffers can hide
        for (int i = 0; i < messages; i++) {
            sender.say(i + " " + padding);
            if (i % 50 == 49) {
                String expected = i + " " + padding;
                sender.awaitMatching("the ack of line " + i, n -> expected.equals(n.path("text").asText()));
            }
        }
        boolean sawSlowLeave = false;
        int next = 0;
        while (next < messages) {
            JsonNode node = reader.next();
            String type = node.path("type").asText();
            if (type.equals("message")) {
                assertEquals(next + " " + padding, node.get("text").asText(), "lost or reordered");
                next++;
            } else if (type.equals("left") && "stuck".equals(node.path("nick").asText())) {
                assertEquals("slow_consumer", node.get("reason").asText());
                sawSlowLeave = true;
            }
        }
        if (!sawSlowLeave) {
            reader.awaitMatching("stuck's slow_consumer leave", n -> "left".equals(n.path("type").asText())
                    && "stuck".equals(n.path("nick").asText()) && "slow_consumer".equals(n.path("reason").asText()));
        }
    }

    @Test
    void aWebSocketBeyondMaxConnectionsGetsTheSameByeAsASocket() throws Exception {
        start(testConfig().toBuilder().maxConnections(1).web(new WebConfig("127.0.0.1", 0, true, List.of())).build());
        register("first");
        WsTestClient second = track(WsTestClient.open(server.webPort(), null, "second"));
        JsonNode bye = second.awaitClose();
        assertEquals("server_full", bye.get("code").asText());
        assertTrue(bye.get("reason").asText().contains("max-connections=1"), bye.toString());
        assertEquals(1013, second.closeCode());
    }

    @Test
    void withTlsThePageIsHttpsAndTheWebSocketWssOnTheSameCertificate(@TempDir Path dir) throws Exception {
        TestCertificates certs = TestCertificates.create(dir, "dns:localhost,ip:127.0.0.1");
        server = ChatServer.start(testConfig().toBuilder().web(new WebConfig("127.0.0.1", 0, true, List.of())).build(),
                Clock.systemUTC(), TlsSetup.fromPem(certs.certPem(), certs.keyPem()));
        HttpClient https = HttpClient.newBuilder().sslContext(TlsTest.trusting(certs.certPem())).build();
        HttpResponse<String> page = https.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.webPort() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        WsTestClient alice = track(WsTestClient.open(URI.create("wss://localhost:" + server.webPort() + "/ws"),
                "https://localhost:" + server.webPort(), "alice", https));
        alice.send("{\"type\":\"hello\",\"nick\":\"alice\"}");
        assertEquals("alice", alice.await("welcome").get("nick").asText());
        // Plain HTTP to the TLS port gets no page.
        assertThrows(java.io.IOException.class, () -> HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.webPort() + "/")).build(), HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void aWebSocketClientIsToldByeOnShutdown() throws Exception {
        startWeb(List.of());
        WsTestClient alice = ws("alice");
        server.close();
        JsonNode bye = alice.awaitClose();
        assertEquals("shutdown", bye.get("code").asText());
        assertEquals(1000, alice.closeCode());
    }
}
