package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that connects and waits is told how to begin, before it says anything. */
class GreetingTest extends ServerTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** The first line a silent client reads; the socket times out after a second. */
    private JsonNode firstLineOfASilentClient() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(1_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            return JSON.readTree(in.readLine());
        }
    }

    @Test
    void aClientThatConnectsAndWaitsIsGreetedWithinASecond() throws Exception {
        start();
        JsonNode greeting = firstLineOfASilentClient();
        assertEquals("notice", greeting.path("type").asText(), "a notice, which every client already handles");
        assertFalse(greeting.has("ref"));
        String text = greeting.path("text").asText();
        assertTrue(text.contains("type your nick"), text);
        assertTrue(text.contains("hello"), "and programs learn to send a hello: " + text);
    }

    @Test
    void withAServerPasswordTheGreetingAsksForIt() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "s3cret\n");
        start(testConfig().toBuilder().password(Files.readString(password).strip()).build());
        assertTrue(firstLineOfASilentClient().path("text").asText().contains("nick and the server password"));
    }

    @Test
    void aProtocolClientGetsTheGreetingThenItsWelcome() throws Exception {
        start();
        TestClient alice = register("alice");
        assertTrue(TestClient.isGreeting(alice.greeting()), "the greeting came first, then the welcome");
    }
}
