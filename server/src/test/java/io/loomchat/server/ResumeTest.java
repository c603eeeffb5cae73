package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResumeTest extends ServerTestSupport {

    @BeforeEach
    void startServer() throws Exception {
        start();
    }

    /** Registers and returns the resume token from the welcome. */
    private String hello(TestClient client, String nick, String resume) throws Exception {
        client.send("{\"type\":\"hello\",\"nick\":\"" + nick + "\""
                + (resume == null ? "" : ",\"resume\":\"" + resume + "\"") + ",\"history\":0}");
        JsonNode welcome = client.expect("welcome");
        client.expect("joined");
        String token = welcome.path("resume").asText(null);
        assertNotNull(token, "welcome carries a resume token");
        assertNotNull(welcome.path("epoch").asText(null), "welcome names the history's epoch");
        return token;
    }

    @Test
    void aReconnectingClientTakesItsNickBackFromItsGhostSession() throws Exception {
        TestClient bob = register("bob");
        TestClient ghost = connect();
        String token = hello(ghost, "alice", null);
        bob.awaitMatching("alice joins", n -> "joined".equals(n.path("type").asText()));
        // The old connection is dead for alice but the server has not noticed: its socket stays open.

        TestClient back = connect();
        String newToken = hello(back, "alice", token);
        ghost.awaitClose(); // the ghost connection is closed by the server
        JsonNode left = bob.awaitMatching("the ghost leaves", n -> "left".equals(n.path("type").asText()));
        assertEquals("replaced", left.get("reason").asText());
        bob.awaitMatching("alice is back", n -> "joined".equals(n.path("type").asText()));
        assertNotNull(newToken);

        back.say("I'm back");
        assertEquals("I'm back", bob.await("message").get("text").asText());
    }

    @Test
    void aLineResentAfterTheServerNoticedTheLossIsStillSaidOnce() throws Exception {
        List<TestClient> quiet = registerQuietly("bob");
        TestClient bob = quiet.get(0);
        TestClient first = connect();
        String token = hello(first, "alice", null);
        bob.await("joined");
        first.send("{\"type\":\"say\",\"text\":\"said, then the line dropped\",\"ref\":\"k7\"}");
        long id = bob.await("message").get("id").asLong();
        first.close(); // the server sees this one go
        assertEquals("client_closed", bob.await("left").get("reason").asText());
        Awaitility.await().until(() -> server.nicknames().find("alice") == null);

        TestClient back = connect();
        hello(back, "alice", token);
        bob.await("joined");
        back.send("{\"type\":\"say\",\"text\":\"said, then the line dropped\",\"ref\":\"k7\"}");
        JsonNode ack = back.expect("message");
        assertEquals(id, ack.get("id").asLong(), "acknowledged as the message it already was");
        bob.expectNothingPending();

        // Taken once: a second connection with the same old token gets nothing more.
        assertEquals(0, server.resumptions().size());
    }

    @Test
    void aWrongOrStaleTokenTakesNothing() throws Exception {
        TestClient alice = connect();
        String token = hello(alice, "alice", null);
        TestClient thief = connect();
        thief.send("{\"type\":\"hello\",\"nick\":\"alice\",\"resume\":\"" + token.substring(1) + "x\"}");
        assertEquals("nick_taken", thief.expect("error").get("code").asText());
        alice.expectNothingPending();

        // A token of a session that ended is worth nothing either, but a free nick is free.
        alice.send("{\"type\":\"quit\"}");
        alice.awaitClose();
        Awaitility.await().until(() -> server.nicknames().find("alice") == null);
        TestClient later = connect();
        hello(later, "alice", token);
    }

    @Test
    void aLineOrPrivateMessageResentAfterAResumeIsAcknowledgedAgainButSentOnce() throws Exception {
        List<TestClient> quiet = registerQuietly("bob");
        TestClient bob = quiet.get(0);
        TestClient ghost = connect();
        String token = hello(ghost, "alice", null);
        bob.await("joined");
        ghost.send("{\"type\":\"say\",\"text\":\"sent before the cut\",\"ref\":\"k1\"}");
        long id = bob.await("message").get("id").asLong();
        ghost.send("{\"type\":\"msg\",\"to\":\"bob\",\"text\":\"psst\",\"ref\":\"p1\"}");
        bob.await("private");

        TestClient back = connect();
        hello(back, "alice", token);
        bob.await("left");
        bob.await("joined");
        back.send("{\"type\":\"say\",\"text\":\"sent before the cut\",\"ref\":\"k1\"}");
        JsonNode ack = back.expect("message");
        assertEquals("k1", ack.get("ref").asText());
        assertEquals(id, ack.get("id").asLong(), "the same message, acknowledged again");
        back.send("{\"type\":\"msg\",\"to\":\"bob\",\"text\":\"psst\",\"ref\":\"p1\"}");
        assertEquals("p1", back.expect("private").get("ref").asText());
        bob.expectNothingPending();

        back.send("{\"type\":\"say\",\"text\":\"new line\",\"ref\":\"k2\"}");
        assertEquals(id + 1, back.expect("message").get("id").asLong());
        assertEquals("new line", bob.expect("message").get("text").asText());
    }

    @Test
    void aRefReusedForADifferentLineAfterAResumeIsANewLineNotAFalseAcknowledgement() throws Exception {
        List<TestClient> quiet = registerQuietly("bob");
        TestClient bob = quiet.get(0);
        TestClient first = connect();
        String token = hello(first, "alice", null);
        bob.await("joined");
        first.send("{\"type\":\"say\",\"text\":\"one\",\"ref\":\"same\"}");
        long id = bob.await("message").get("id").asLong();
        TestClient back = connect();
        hello(back, "alice", token);
        back.send("{\"type\":\"say\",\"text\":\"something else\",\"ref\":\"same\"}");
        JsonNode heard = bob.awaitMatching("the new line", n -> "message".equals(n.path("type").asText()));
        assertEquals("something else", heard.get("text").asText(), "said, not swallowed as a resend");
        assertEquals(id + 1, heard.get("id").asLong());
    }
}
