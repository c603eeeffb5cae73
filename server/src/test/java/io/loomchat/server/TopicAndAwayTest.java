package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TopicAndAwayTest extends ServerTestSupport {

    @BeforeEach
    void startServer() throws Exception {
        start(testConfig().toBuilder().maxTopicChars(40).build());
    }

    @Test
    void aTopicIsToldToTheRoomShownToJoinersAndListedWithTheRoom() throws Exception {
        List<TestClient> clients = registerQuietly("alice", "bob");
        TestClient alice = clients.get(0);
        TestClient bob = clients.get(1);

        alice.send("{\"type\":\"topic\",\"text\":\"release on friday\",\"ref\":\"t\"}");
        JsonNode own = alice.expect("topic");
        assertEquals("t", own.get("ref").asText());
        JsonNode told = bob.expect("topic");
        assertEquals("release on friday", told.get("topic").asText());
        assertEquals("alice", told.get("by").asText());
        assertEquals("lobby", told.get("room").asText());

        TestClient carol = register("carol");
        JsonNode shown = carol.expect("topic");
        assertEquals("release on friday", shown.get("topic").asText());

        carol.send("{\"type\":\"rooms\"}");
        JsonNode lobby = carol.expect("room_list").get("rooms").get(0);
        assertEquals("release on friday", lobby.get("topic").asText());

        carol.send("{\"type\":\"topic\",\"ref\":\"q\"}");
        JsonNode asked = carol.expect("topic");
        assertEquals("q", asked.get("ref").asText());
        assertEquals("release on friday", asked.get("topic").asText());
    }

    @Test
    void aTopicTooLongOrOfSeveralLinesIsRefusedAndTheOldOneStays() throws Exception {
        TestClient alice = register("alice");
        alice.send("{\"type\":\"topic\",\"text\":\"" + "t".repeat(41) + "\",\"ref\":\"a\"}");
        JsonNode tooLong = alice.expect("error");
        assertEquals("invalid_topic", tooLong.get("code").asText());
        assertEquals("topic is longer than max-topic-chars=40", tooLong.get("message").asText());
        alice.send("{\"type\":\"topic\",\"text\":\"one\\ntwo\",\"ref\":\"b\"}");
        assertEquals("invalid_topic", alice.expect("error").get("code").asText());
        alice.send("{\"type\":\"topic\"}");
        assertEquals("", alice.expect("topic").get("topic").asText());
        alice.send("{\"type\":\"topic\",\"room\":\"dev\",\"text\":\"x\"}");
        assertEquals("not_in_room", alice.expect("error").get("code").asText());
    }

    @Test
    void awayShowsInWhoAndAnswersPrivateMessagesUntilBack() throws Exception {
        List<TestClient> clients = registerQuietly("alice", "bob");
        TestClient alice = clients.get(0);
        TestClient bob = clients.get(1);

        bob.send("{\"type\":\"away\",\"reason\":\"lunch\",\"ref\":\"a\"}");
        JsonNode set = bob.expect("away");
        assertEquals("lunch", set.get("reason").asText());
        assertEquals("a", set.get("ref").asText());

        alice.send("{\"type\":\"who\"}");
        JsonNode members = alice.expect("members");
        assertEquals("lunch", members.get("away").get("bob").asText());
        assertFalse(members.get("away").has("alice"));

        alice.send("{\"type\":\"msg\",\"to\":\"bob\",\"text\":\"there?\",\"ref\":\"m\"}");
        JsonNode auto = alice.expect("away");
        assertEquals("bob", auto.get("nick").asText());
        assertEquals("lunch", auto.get("reason").asText());
        assertEquals("m", alice.expect("private").get("ref").asText());
        assertEquals("there?", bob.expect("private").get("text").asText());

        bob.send("{\"type\":\"away\"}");
        assertFalse(bob.expect("away").has("reason"));
        alice.send("{\"type\":\"who\"}");
        assertFalse(alice.expect("members").has("away"));
    }

    @Test
    void aLongerNickIsRefusedWithTheSettingItBreaks() throws Exception {
        TestClient client = connect();
        client.send("{\"type\":\"hello\",\"nick\":\"" + "n".repeat(25) + "\"}");
        JsonNode error = client.expect("error");
        assertEquals("invalid_nick", error.get("code").asText());
        assertEquals("nick is longer than max-nick-chars=24", error.get("message").asText());
    }
}
