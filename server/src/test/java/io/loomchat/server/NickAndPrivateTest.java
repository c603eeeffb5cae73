package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NickAndPrivateTest extends ServerTestSupport {

    @BeforeEach
    void startServer() throws Exception {
        start();
    }

    @Test
    void aPrivateMessageReachesOnlyItsTargetAndIsEchoedToItsSender() throws Exception {
        TestClient alice = register("alice");
        TestClient bob = register("bob");
        TestClient carol = register("carol");
        alice.send("{\"type\":\"msg\",\"to\":\"BOB\",\"text\":\"psst\",\"ref\":\"p\"}");
        JsonNode echo = alice.await("private");
        assertEquals("p", echo.get("ref").asText());
        assertEquals("bob", echo.get("to").asText(), "the target's real nick, whatever case was typed");
        JsonNode got = bob.await("private");
        assertEquals("alice", got.get("from").asText());
        assertEquals("psst", got.get("text").asText());
        carol.expectNothingPending();
    }

    @Test
    void aPrivateMessageToAnUnknownNickIsRefused() throws Exception {
        TestClient alice = register("alice");
        alice.send("{\"type\":\"msg\",\"to\":\"ghost\",\"text\":\"boo\",\"ref\":\"g\"}");
        JsonNode error = alice.expect("error");
        assertEquals("no_such_nick", error.get("code").asText());
        assertEquals("g", error.get("ref").asText());
    }

    @Test
    void aTakenNickIsRefusedCaseInsensitivelyAndTheClientMayTryAnother() throws Exception {
        register("alice");
        TestClient other = connect();
        other.send("{\"type\":\"hello\",\"nick\":\"ALICE\",\"ref\":\"h1\"}");
        JsonNode error = other.expect("error");
        assertEquals("nick_taken", error.get("code").asText());
        assertEquals("h1", error.get("ref").asText());
        other.send("{\"type\":\"hello\",\"nick\":\"alice2\",\"ref\":\"h2\"}");
        assertEquals("alice2", other.expect("welcome").get("nick").asText());
    }

    @Test
    void invalidNicksAreRefusedWithTheReason() throws Exception {
        TestClient c = connect();
        for (String bad : new String[] {"", "1abc", "has space", "a".repeat(25), "esc\\u001b"}) {
            c.send("{\"type\":\"hello\",\"nick\":\"" + bad + "\"}");
            JsonNode error = c.expect("error");
            assertEquals("invalid_nick", error.get("code").asText(), bad);
        }
    }

    @Test
    void aNickChangeIsAnnouncedOnceToEveryoneWhoSharesARoom() throws Exception {
        TestClient alice = register("alice");
        TestClient bob = register("bob");
        alice.send("{\"type\":\"join\",\"room\":\"dev\"}");
        alice.awaitMatching("own join of dev", n -> "dev".equals(n.path("room").asText()));
        bob.send("{\"type\":\"join\",\"room\":\"dev\"}");
        bob.expect("joined");
        alice.awaitMatching("bob's join of dev", n -> "dev".equals(n.path("room").asText()));
        alice.send("{\"type\":\"nick\",\"nick\":\"alicia\",\"ref\":\"n\"}");
        JsonNode own = alice.expect("renamed");
        assertEquals("n", own.get("ref").asText());
        JsonNode seen = bob.await("renamed");
        assertEquals("alice", seen.get("old").asText());
        assertEquals("alicia", seen.get("nick").asText());
        bob.expectNothingPending(); // once, though they share two rooms

        bob.send("{\"type\":\"hello\",\"nick\":\"x\"}");
        assertEquals("already_registered", bob.expect("error").get("code").asText());
        TestClient late = connect();
        late.send("{\"type\":\"hello\",\"nick\":\"alice\"}");
        assertEquals("alice", late.expect("welcome").get("nick").asText(), "the old nick is free again");
    }
}
