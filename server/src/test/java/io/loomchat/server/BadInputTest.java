package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad input gets a clear error, and nothing else is harmed: not the sender's connection, not anyone else. */
class BadInputTest extends ServerTestSupport {

    @BeforeEach
    void startServer() throws Exception {
        start(testConfig().withMaxLineBytes(1024));
    }

    @Test
    void anOverLongLineIsRefusedAndTheConnectionGoesOn() throws Exception {
        List<TestClient> both = registerQuietly("alice", "bob");
        TestClient alice = both.get(0);
        TestClient bob = both.get(1);
        alice.send("{\"type\":\"say\",\"text\":\"" + "x".repeat(5000) + "\"}");
        JsonNode error = alice.expect("error");
        assertEquals("line_too_long", error.get("code").asText());
        assertTrue(error.get("message").asText().contains("max-line-bytes=1024"), error.toString());
        alice.say("still here");
        assertEquals("still here", bob.await("message").get("text").asText());
        assertEquals("still here", alice.expect("message").get("text").asText());
    }

    @Test
    void garbageGetsOneErrorPerLineAndTheConnectionGoesOn() throws Exception {
        List<TestClient> both = registerQuietly("alice", "bob");
        TestClient alice = both.get(0);
        TestClient bob = both.get(1);
        String[][] cases = {
                {"this is not json", "malformed"},
                {"{\"type\":\"say\",\"text\":", "malformed"},
                {"[\"say\"]", "malformed"},
                {"{\"text\":\"no type\"}", "missing_field"},
                {"{\"type\":\"explode\",\"ref\":\"e\"}", "unknown_type"},
                {"{\"type\":\"say\",\"text\":42}", "bad_field"},
                {"{\"type\":\"say\",\"text\":\"   \"}", "invalid_text"},
                {"{\"type\":\"say\",\"room\":\"elsewhere\",\"text\":\"x\"}", "not_in_room"},
                {"{\"type\":\"join\",\"room\":\"bad room!\"}", "invalid_room"},
                {"{\"type\":\"join\",\"room\":\"lobby\"}", "already_in_room"},
                {"{\"type\":\"who\",\"room\":\"nowhere\"}", "no_such_room"},
        };
        for (String[] c : cases) {
            alice.send(c[0]);
            JsonNode error = alice.expect("error");
            assertEquals(c[1], error.get("code").asText(), c[0]);
            assertTrue(error.get("message").asText().length() > 5, error.toString());
        }
        alice.sendRaw(new byte[] {'{', '"', (byte) 0xff, (byte) 0xfe, '"', '}', '\n'});
        assertEquals("malformed", alice.expect("error").get("code").asText());
        alice.sendRaw(new byte[] {0, 0, 0, 0, '{', '"', 't', 'y', 'p', 'e', '"', ':', '"', 'p', 'i', 'n', 'g', '"', '}', '\n'});
        assertEquals("malformed", alice.expect("error").get("code").asText(), "NUL bytes once killed the connection");
        alice.sendRaw("\n\r\n".getBytes(StandardCharsets.UTF_8)); // blank lines are ignored, not errors
        alice.say("after all that");
        assertEquals("after all that", alice.expect("message").get("text").asText());
        assertEquals("after all that", bob.await("message").get("text").asText());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"a byte order mark", "a carriage return", "both"})
    void aHelloAfterAByteOrderMarkOrACarriageReturnIsStillJson(String before) throws Exception {
        // Some Windows tools write a UTF-8 byte order mark first; a CR can be left over from a CRLF: neither
        // makes a program's JSON hello a person's text-mode nick.
        String prefix = switch (before) {
            case "a byte order mark" -> "\uFEFF";
            case "a carriage return" -> "\r";
            default -> "\uFEFF\r ";
        };
        TestClient anon = connect();
        anon.sendRaw((prefix + "{\"type\":\"hello\",\"nick\":\"bom\"}\n").getBytes(StandardCharsets.UTF_8));
        assertEquals("bom", anon.expect("welcome").get("nick").asText());
    }

    @Test
    void theErrorEchoesTheRefOfTheBadRequest() throws Exception {
        TestClient alice = register("alice");
        alice.send("{\"type\":\"say\",\"text\":false,\"ref\":\"r42\"}");
        JsonNode error = alice.expect("error");
        assertEquals("r42", error.get("ref").asText());
        assertEquals("field 'text' must be a string, got a boolean", error.get("message").asText());
    }

    @Test
    void requestsBeforeHelloAreRefusedButPingAnswers() throws Exception {
        TestClient anon = connect();
        anon.send("{\"type\":\"say\",\"text\":\"hi\"}");
        JsonNode error = anon.expect("error");
        assertEquals("not_registered", error.get("code").asText());
        assertTrue(error.get("message").asText().contains("hello"));
        anon.send("{\"type\":\"ping\",\"ref\":\"p\"}");
        assertEquals("p", anon.expect("pong").get("ref").asText());
    }

    @Test
    void aClientThatDisconnectsInTheMiddleOfALineHarmsNobody() throws Exception {
        TestClient alice = register("alice");
        TestClient bob = register("bob");
        TestClient quitter = register("quitter");
        quitter.sendRaw("{\"type\":\"say\",\"text\":\"half a li".getBytes(StandardCharsets.UTF_8));
        quitter.close();
        JsonNode left = alice.awaitMatching("quitter's left", n -> "left".equals(n.path("type").asText()));
        assertEquals("quitter", left.get("nick").asText());
        assertEquals("client_closed", left.get("reason").asText());
        bob.say("fine here");
        assertEquals("fine here", alice.await("message").get("text").asText());
        bob.await("left");
        assertEquals("fine here", bob.expect("message").get("text").asText());
    }
}
