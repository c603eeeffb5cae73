package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An account stays in its rooms with no client connected, across restarts; its read marker moves on every
 * device at once; coming back, a device hears what was said since the marker, and the private messages
 * that waited.
 */
class AlwaysOnTest extends ServerTestSupport {

    private static final String PASSWORD = AccountsTest.PASSWORD;

    @TempDir
    Path data;

    private ServerConfig config() {
        return testConfig().toBuilder().dataDir(data).accountHashIterations(ServerConfig.MIN_ACCOUNT_HASH_ITERATIONS).build();
    }

    private TestClient login() throws Exception {
        TestClient c = connect();
        c.send(AccountsTest.helloAs("alice", "alice", PASSWORD));
        assertEquals("alice", c.await("welcome").get("account").asText());
        return c;
    }

    /** {@code nick} registered as an account; with {@code away}, it has left the lobby and quit. */
    private TestClient account(String nick, boolean away) throws Exception {
        TestClient c = register(nick);
        c.send("{\"type\":\"register\",\"password\":\"" + PASSWORD + "\"}");
        c.await("account");
        if (away) {
            c.send("{\"type\":\"leave\",\"room\":\"lobby\"}");
            c.await("left");
            c.send("{\"type\":\"quit\"}");
            c.awaitClose();
        }
        return c;
    }

    private static JsonNode who(TestClient c, String room) throws Exception {
        c.send("{\"type\":\"who\",\"room\":\"" + room + "\",\"ref\":\"w\"}");
        return c.awaitMatching("who", n -> "w".equals(n.path("ref").asText()));
    }

    private static List<String> messagesUntilRead(TestClient c, String room) {
        List<String> texts = new ArrayList<>();
        while (true) {
            JsonNode n = c.next();
            if ("message".equals(n.path("type").asText()) && room.equals(n.path("room").asText())) {
                texts.add(n.get("text").asText());
            }
            if ("read".equals(n.path("type").asText()) && room.equals(n.path("room").asText())) {
                return texts;
            }
        }
    }

    private static long say(TestClient c, String room, String text) throws Exception {
        c.send("{\"type\":\"say\",\"room\":\"" + room + "\",\"text\":\"" + text + "\",\"ref\":\"" + text + "\"}");
        return c.awaitMatching("ack of " + text, n -> text.equals(n.path("ref").asText())).get("id").asLong();
    }

    @Test
    void anAccountStaysInItsRoomsOfflineAndComesBackToWhatWasSaidSinceItsMarker() throws Exception {
        start(config());
        TestClient alice = account("alice", false);
        TestClient bob = register("bob");
        long seen = say(bob, "lobby", "before");
        alice.awaitMatching("bob's line", n -> "before".equals(n.path("text").asText()));
        alice.send("{\"type\":\"mark_read\",\"room\":\"lobby\",\"id\":" + seen + ",\"ref\":\"m\"}");
        JsonNode read = alice.awaitMatching("the marker", n -> "m".equals(n.path("ref").asText()));
        assertEquals(seen, read.get("id").asLong());
        assertEquals(0, read.get("unread").asLong());
        alice.send("{\"type\":\"quit\"}");
        alice.awaitClose();

        JsonNode members = who(bob, "lobby");
        assertTrue(members.get("nicks").toString().contains("alice"), "still a member: " + members);
        assertEquals("offline", members.get("away").get("alice").asText());

        say(bob, "lobby", "while-away-1");
        say(bob, "lobby", "while-away-2");
        bob.send("{\"type\":\"msg\",\"to\":\"alice\",\"text\":\"call me\",\"ref\":\"pm\"}");
        assertEquals("pm", bob.await("private").get("ref").asText(), "accepted: it waits");

        server.close(); // and across a restart
        start(config());
        TestClient carol = register("carol");
        assertEquals("offline", who(carol, "lobby").get("away").get("alice").asText(), "back in the room after the restart");

        TestClient back = login();
        assertEquals(List.of("while-away-1", "while-away-2"), messagesUntilRead(back, "lobby"), "only what came after the marker");
        JsonNode pm = back.await("private");
        assertEquals("call me", pm.get("text").asText());
        assertEquals("bob", pm.get("from").asText());
        back.send("{\"type\":\"quit\"}");
        back.awaitClose();

        TestClient again = login();
        again.send("{\"type\":\"ping\",\"ref\":\"p\"}");
        JsonNode after = again.awaitMatching("the pong", n -> "pong".equals(n.path("type").asText())
                || "private".equals(n.path("type").asText()));
        assertEquals("pong", after.get("type").asText(), "a waiting message is delivered once");
    }

    @Test
    void readingOnOneDeviceMovesTheMarkerOnTheOthers() throws Exception {
        start(config());
        TestClient phone = account("alice", false);
        TestClient terminal = login();
        terminal.await("read"); // where the marker is, as the terminal comes in
        TestClient bob = register("bob");
        long first = say(bob, "lobby", "one");
        long second = say(bob, "lobby", "two");
        phone.send("{\"type\":\"mark_read\",\"id\":" + first + ",\"ref\":\"r\"}");
        JsonNode onTerminal = terminal.awaitMatching("the marker on the other device", n -> "read".equals(n.path("type").asText()));
        assertEquals(first, onTerminal.get("id").asLong());
        assertEquals(second - first, onTerminal.get("unread").asLong());
        assertFalse(onTerminal.has("ref"));

        terminal.send("{\"type\":\"mark_read\",\"room\":\"lobby\",\"id\":" + (first - 1) + ",\"ref\":\"back\"}");
        JsonNode never = terminal.awaitMatching("the answer", n -> "back".equals(n.path("ref").asText()));
        assertEquals(first, never.get("id").asLong(), "a marker never moves back");

        TestClient guest = register("dave");
        guest.send("{\"type\":\"mark_read\",\"id\":1,\"ref\":\"g\"}");
        assertEquals("not_logged_in", guest.awaitMatching("refused", n -> "g".equals(n.path("ref").asText())).get("code").asText());
    }

    @Test
    void aPrivateMessageToARegisteredAccountThatIsInNoRoomWaitsToo() throws Exception {
        start(config());
        account("erin", true);
        TestClient bob = register("bob");
        bob.send("{\"type\":\"msg\",\"to\":\"erin\",\"text\":\"see you\",\"ref\":\"pm\"}");
        assertEquals("pm", bob.await("private").get("ref").asText());
        bob.send("{\"type\":\"msg\",\"to\":\"nobody\",\"text\":\"hello?\",\"ref\":\"x\"}");
        assertEquals("no_such_nick", bob.await("error").get("code").asText());
        TestClient back = connect();
        back.send(AccountsTest.helloAs("erin", "erin", PASSWORD));
        back.await("welcome");
        assertEquals("see you", back.await("private").get("text").asText());
    }

    @Test
    void aGuestWhoLogsInAfterHelloBecomesTheAccountThatWasAwayInItsRooms() throws Exception {
        start(config());
        TestClient alice = account("alice", false);
        alice.send("{\"type\":\"join\",\"room\":\"dev\"}");
        alice.awaitMatching("dev", n -> "joined".equals(n.path("type").asText()) && "dev".equals(n.path("room").asText()));
        alice.send("{\"type\":\"quit\"}");
        alice.awaitClose();
        TestClient bob = register("bob");

        TestClient guest = register("guesty");
        guest.send("{\"type\":\"login\",\"account\":\"alice\",\"password\":\"" + PASSWORD + "\",\"ref\":\"l\"}");
        JsonNode renamed = guest.await("renamed");
        assertEquals("guesty", renamed.get("old").asText());
        assertEquals("alice", renamed.get("nick").asText());
        guest.awaitMatching("the account's room", n -> "joined".equals(n.path("type").asText()) && "dev".equals(n.path("room").asText()));
        assertEquals("alice", guest.awaitMatching("logged in", n -> "l".equals(n.path("ref").asText())).get("account").asText());
        bob.awaitMatching("the guest left", n -> "left".equals(n.path("type").asText()) && "guesty".equals(n.path("nick").asText()));
        JsonNode members = who(bob, "lobby");
        assertEquals("[\"alice\",\"bob\"]", members.get("nicks").toString());
        assertTrue(members.path("away").path("alice").isMissingNode(), "back: " + members);
    }

    @Test
    void aGuestWhoLogsInToAnAccountThatIsNowhereTakesItsName() throws Exception {
        start(config());
        account("zed", true);
        TestClient zed = register("guest2");
        zed.send("{\"type\":\"login\",\"account\":\"zed\",\"password\":\"" + PASSWORD + "\"}");
        assertEquals("zed", zed.await("renamed").get("nick").asText());
        zed.send("{\"type\":\"nick\",\"nick\":\"other\",\"ref\":\"n\"}");
        assertEquals("invalid_nick", zed.awaitMatching("refused", n -> "n".equals(n.path("ref").asText())).get("code").asText());
    }
}
