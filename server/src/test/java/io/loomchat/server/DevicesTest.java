package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.config.WebConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One account on several clients at once, over real sockets: one member in every room, what one device
 * says or is told shows on the others, and the person leaves when its last device goes.
 */
class DevicesTest extends ServerTestSupport {

    private static final String PASSWORD = AccountsTest.PASSWORD;

    @TempDir
    Path data;

    private ServerConfig config() {
        return testConfig().toBuilder().dataDir(data).accountHashIterations(ServerConfig.MIN_ACCOUNT_HASH_ITERATIONS)
                .web(new WebConfig("127.0.0.1", 0, true, List.of())).build();
    }

    /** alice's first device: registers the account. */
    private TestClient firstDevice() throws Exception {
        TestClient a = register("alice");
        a.send("{\"type\":\"register\",\"password\":\"" + PASSWORD + "\",\"ref\":\"r\"}");
        a.await("account");
        return a;
    }

    private TestClient anotherDevice(String askedNick) throws Exception {
        TestClient b = connect();
        b.send(AccountsTest.helloAs(askedNick, "alice", PASSWORD));
        JsonNode welcome = b.await("welcome");
        assertEquals("alice", welcome.get("nick").asText(), "the person's nick, whatever the hello asked");
        assertEquals("alice", welcome.get("account").asText());
        return b;
    }

    private static List<String> whoIn(TestClient c, String room) throws Exception {
        c.send("{\"type\":\"who\",\"room\":\"" + room + "\",\"ref\":\"w-" + room + "\"}");
        JsonNode members = c.awaitMatching("who", n -> ("w-" + room).equals(n.path("ref").asText()));
        List<String> nicks = new ArrayList<>();
        members.get("nicks").forEach(n -> nicks.add(n.asText()));
        return nicks;
    }

    @Test
    void twoDevicesAreOnePersonInTheRoomAndEachSeesWhatTheOtherSaysAndIsTold() throws Exception {
        start(config());
        TestClient a = firstDevice();
        TestClient b = anotherDevice("alice_phone");
        assertEquals("lobby", b.await("joined").get("room").asText(), "the second device hears of the person's rooms");
        TestClient bob = register("bob");
        a.awaitMatching("bob joins", n -> "bob".equals(n.path("nick").asText()));

        assertEquals(List.of("alice", "bob"), whoIn(bob, "lobby"), "one entry for two devices");

        a.send("{\"type\":\"say\",\"text\":\"from the terminal\",\"ref\":\"s1\"}");
        assertEquals("s1", a.awaitMatching("the ack", n -> "message".equals(n.path("type").asText())).get("ref").asText());
        JsonNode onPhone = b.awaitMatching("the line on the other device", n -> "message".equals(n.path("type").asText()));
        assertEquals("from the terminal", onPhone.get("text").asText());
        assertEquals("alice", onPhone.get("from").asText());
        assertFalse(onPhone.has("ref"), "the ack is the sending device's alone");
        assertEquals("from the terminal", bob.awaitMatching("bob hears it", n -> "message".equals(n.path("type").asText()))
                .get("text").asText());

        bob.send("{\"type\":\"msg\",\"to\":\"alice\",\"text\":\"psst\"}");
        assertEquals("psst", a.await("private").get("text").asText());
        assertEquals("psst", b.await("private").get("text").asText());

        b.send("{\"type\":\"msg\",\"to\":\"bob\",\"text\":\"from the phone\",\"ref\":\"m1\"}");
        assertEquals("m1", b.await("private").get("ref").asText());
        JsonNode copy = a.await("private");
        assertEquals("from the phone", copy.get("text").asText(), "what one device sends shows on the others");
        assertEquals("bob", copy.get("to").asText());

        b.send("{\"type\":\"join\",\"room\":\"dev\",\"ref\":\"j\"}");
        assertEquals("dev", a.awaitMatching("the join on the other device",
                n -> "joined".equals(n.path("type").asText()) && "dev".equals(n.path("room").asText())).get("room").asText());

        a.send("{\"type\":\"quit\"}");
        a.awaitClose();
        b.say("still here", "lobby");
        assertEquals("still here", bob.awaitMatching("the phone still talks",
                n -> "message".equals(n.path("type").asText())).get("text").asText());
        assertEquals(List.of("alice", "bob"), whoIn(bob, "lobby"), "alice stays while one device is connected");

        b.send("{\"type\":\"quit\"}");
        b.awaitClose();
        bob.send("{\"type\":\"who\",\"ref\":\"last\"}");
        JsonNode members = bob.awaitMatching("who", n -> "last".equals(n.path("ref").asText()));
        assertEquals("offline", members.get("away").get("alice").asText(), "an account stays, offline: " + members);
    }

    @Test
    void aBrowserAndAnIrcClientJoinTheSamePerson() throws Exception {
        start(config());
        TestClient a = firstDevice();
        WsTestClient browser = track(WsTestClient.open(server.webPort(), null, "x"));
        browser.send(AccountsTest.helloAs("x", "alice", PASSWORD));
        assertEquals("alice", browser.await("welcome").get("nick").asText());
        IrcTestClient irc = track(new IrcTestClient(server.port()));
        irc.send("PASS :alice:" + PASSWORD);
        irc.send("NICK alice_irc");
        irc.send("USER alice 0 * :Alice");
        irc.await("welcome", l -> l.contains(" 001 alice "));
        irc.await("JOIN of the person's room", l -> l.contains(" JOIN #lobby"));

        a.send("{\"type\":\"say\",\"text\":\"everywhere\",\"ref\":\"e\"}");
        assertEquals("everywhere", browser.awaitMatching("in the browser", n -> "message".equals(n.path("type").asText()))
                .get("text").asText());
        irc.await("in the IRC client", l -> l.contains("PRIVMSG #lobby :everywhere"));
        irc.send("PRIVMSG #lobby :from irssi");
        assertEquals("from irssi", a.awaitMatching("on the terminal", n -> "message".equals(n.path("type").asText())
                && "from irssi".equals(n.path("text").asText())).get("text").asText());
        assertTrue(browser.awaitMatching("and in the browser", n -> "from irssi".equals(n.path("text").asText())) != null);
    }

    @Test
    void readMarkersCrossBetweenAnIrcClientWithReadMarkerAndAJsonClient() throws Exception {
        start(config());
        TestClient a = firstDevice();
        IrcTestClient irc = track(new IrcTestClient(server.port()));
        irc.send("CAP LS 302");
        irc.send("CAP REQ :sasl draft/read-marker server-time");
        irc.await("ACK", l -> l.contains(" ACK :"));
        irc.send("AUTHENTICATE PLAIN");
        irc.await("go on", l -> l.equals("AUTHENTICATE +"));
        irc.send("AUTHENTICATE " + java.util.Base64.getEncoder().encodeToString(("\0alice\0" + PASSWORD)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        irc.await("903", l -> l.contains(" 903 "));
        irc.send("NICK alice");
        irc.send("USER alice 0 * :Alice");
        irc.send("CAP END");
        irc.await("welcome", l -> l.contains(" 001 alice "));
        irc.await("the marker after the join", l -> l.contains("MARKREAD #lobby *"));

        TestClient bob = register("bob");
        bob.say("first");
        bob.say("second");
        JsonNode second = a.awaitMatching("second", n -> "second".equals(n.path("text").asText()));
        String secondTs = second.get("ts").asText();
        a.send("{\"type\":\"mark_read\",\"id\":" + second.get("id").asLong() + "}");
        irc.await("the marker from the JSON device", l -> l.equals(":loomchat MARKREAD #lobby timestamp=" + secondTs)
                || l.endsWith(" MARKREAD #lobby timestamp=" + secondTs));

        bob.say("third");
        JsonNode third = a.awaitMatching("third", n -> "third".equals(n.path("text").asText()));
        irc.await("third on IRC", l -> l.contains("PRIVMSG #lobby :third"));
        irc.send("MARKREAD #lobby timestamp=" + third.get("ts").asText());
        JsonNode read = a.awaitMatching("the marker from IRC", n -> "read".equals(n.path("type").asText())
                && n.path("id").asLong() == third.get("id").asLong());
        assertEquals(0, read.get("unread").asLong());
        irc.send("MARKREAD #lobby");
        irc.await("where it is", l -> l.endsWith(" MARKREAD #lobby timestamp=" + third.get("ts").asText()));
        irc.send("MARKREAD #lobby timestamp=yesterday");
        irc.await("a bad timestamp", l -> l.contains("FAIL MARKREAD INVALID_PARAMS #lobby"));
    }

    @Test
    void anIrcClientOverTheDeviceLimitIsToldAndClosedNotLeftHanging() throws Exception {
        start(config().toBuilder().maxDevicesPerAccount(1).build());
        firstDevice();
        IrcTestClient irc = track(new IrcTestClient(server.port()));
        irc.send("PASS :alice:" + PASSWORD);
        irc.send("NICK alice");
        irc.send("USER alice 0 * :Alice");
        irc.await("the close", l -> l.startsWith("ERROR :Closing Link") && l.contains("as many clients"));
        while (!irc.next().equals(IrcTestClient.CLOSED)) {
            // the connection ends
        }
    }

    @Test
    void anAccountConnectsFromAtMostMaxDevicesPerAccountClients() throws Exception {
        start(config().toBuilder().maxDevicesPerAccount(2).build());
        firstDevice();
        anotherDevice("alice");
        TestClient third = connect();
        third.send(AccountsTest.helloAs("alice", "alice", PASSWORD));
        JsonNode refused = third.await("error");
        assertEquals("too_many_devices", refused.get("code").asText());
        assertTrue(refused.get("message").asText().contains("max-devices-per-account=2"), refused.toString());
    }
}
