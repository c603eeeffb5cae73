package io.loomchat.server;

import io.loomchat.server.chat.OperatorCommands;
import io.loomchat.server.guard.Operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorsTest extends ServerTestSupport {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();

    private void startWithOperator() throws Exception {
        Path operators = dir.resolve("operators");
        Files.writeString(operators, "# name:scheme:iterations:salt:hash\n" + Operators.line("root", "correct horse") + "\n");
        server = ChatServer.start(testConfig().toBuilder().operatorsFile(operators).build(), clock);
    }

    /** A client connecting from another loopback address, as another machine would. */
    private TestClient fromOtherAddress(String nick) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress("127.0.0.2", 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
        return track(TestClient.register(socket, nick));
    }

    private TestClient op() throws IOException {
        TestClient op = register("alice");
        op.send("{\"type\":\"oper\",\"name\":\"root\",\"password\":\"correct horse\",\"ref\":\"o\"}");
        JsonNode notice = op.await("notice");
        assertEquals("o", notice.get("ref").asText());
        return op;
    }

    @Test
    void aServerPasswordKeepsOutWhoeverLacksIt() throws Exception {
        start(testConfig().toBuilder().password("s3cret pass").build());
        TestClient none = connect();
        none.send("{\"type\":\"hello\",\"nick\":\"eve\"}");
        JsonNode noneBye = none.awaitClose();
        assertEquals("bad_password", noneBye.get("code").asText());
        assertTrue(noneBye.get("reason").asText().contains("needs a password (terminal client: --password-file FILE)"), noneBye.toString());
        TestClient wrong = connect();
        wrong.send("{\"type\":\"hello\",\"nick\":\"eve\",\"password\":\"guess\"}");
        assertEquals("bad_password", wrong.awaitClose().get("code").asText());

        TestClient right = connect();
        right.send("{\"type\":\"hello\",\"nick\":\"alice\",\"password\":\"s3cret pass\"}");
        right.expect("welcome");

        // A person on nc who gives only a nick is told how to give the password.
        try (Socket nc = new Socket("127.0.0.1", server.port())) {
            nc.getOutputStream().write("dave\n".getBytes());
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(nc.getInputStream()));
            // Text-mode lines wrap at 80 columns; a continuation starts with "   | ".
            String said = String.join("", in.lines().map(l -> l.startsWith("   | ") ? l.substring(5) : "\n" + l).toList());
            assertTrue(said.contains("type your nick and the password on one line"), said);
        }
        // A person on nc types the nick and the password on one line.
        try (Socket nc = new Socket("127.0.0.1", server.port())) {
            nc.getOutputStream().write("dave s3cret pass\n".getBytes());
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(nc.getInputStream()));
            assertTrue(in.readLine().startsWith("{\"type\":\"notice\""), "the greeting comes first");
            assertTrue(in.readLine().contains("nick and the server password"));
            assertTrue(in.readLine().contains("welcome to loomchat, dave"));
        }
    }

    @Test
    void onlyAnOperatorMayKickAndWrongLoginsAreCountedThenCut() throws Exception {
        startWithOperator();
        TestClient bob = register("bob");
        bob.send("{\"type\":\"kick\",\"nick\":\"alice\",\"ref\":\"k\"}");
        assertEquals("not_operator", bob.expect("error").get("code").asText());
        for (int i = 1; i < OperatorCommands.MAX_OPER_FAILURES; i++) {
            bob.send("{\"type\":\"oper\",\"name\":\"root\",\"password\":\"wrong\"}");
            assertEquals("oper_failed", bob.expect("error").get("code").asText());
        }
        bob.send("{\"type\":\"oper\",\"name\":\"nobody\",\"password\":\"wrong\"}");
        assertEquals("oper_failed", bob.awaitClose().get("code").asText());
    }

    @Test
    void anOperatorKicksSomeoneOutOfARoomAndEveryoneSeesWhy() throws Exception {
        startWithOperator();
        List<TestClient> clients = registerQuietly("bob", "troll");
        TestClient bob = clients.get(0);
        TestClient troll = clients.get(1);
        TestClient alice = op();
        bob.await("joined");
        troll.await("joined");

        alice.send("{\"type\":\"kick\",\"nick\":\"troll\",\"reason\":\"be nice\",\"ref\":\"k\"}");
        assertEquals("k", alice.awaitMatching("the op's confirmation", n -> "notice".equals(n.path("type").asText())).get("ref").asText());
        JsonNode seen = bob.await("left");
        assertEquals("troll", seen.get("nick").asText());
        assertEquals("kicked by alice: be nice", seen.get("reason").asText());
        assertEquals("kicked by alice: be nice", troll.await("left").get("reason").asText());

        troll.send("{\"type\":\"say\",\"room\":\"lobby\",\"text\":\"still here?\"}");
        assertEquals("not_in_room", troll.expect("error").get("code").asText());
        troll.send("{\"type\":\"join\",\"room\":\"lobby\"}");
        troll.expect("joined"); // a kick is not a ban
    }

    @Test
    void aMutedPersonIsRefusedUntilTheMuteEndsOrIsLifted() throws Exception {
        startWithOperator();
        List<TestClient> clients = registerQuietly("bob");
        TestClient bob = clients.get(0);
        TestClient alice = op();
        bob.await("joined");

        alice.send("{\"type\":\"mute\",\"nick\":\"bob\",\"seconds\":600}");
        assertTrue(bob.await("notice").get("text").asText().contains("muted you in lobby"));
        bob.send("{\"type\":\"say\",\"text\":\"can you hear me\",\"ref\":\"m\"}");
        JsonNode refused = bob.expect("error");
        assertEquals("muted", refused.get("code").asText());
        assertEquals("m", refused.get("ref").asText());
        alice.await("notice");
        alice.expectNothingPending();

        clock.advance(Duration.ofMinutes(11)); // the mute has run out
        bob.say("back again");
        assertEquals("back again", alice.await("message").get("text").asText());

        alice.send("{\"type\":\"mute\",\"nick\":\"bob\"}");
        bob.await("notice");
        alice.send("{\"type\":\"unmute\",\"nick\":\"bob\"}");
        assertTrue(bob.await("notice").get("text").asText().contains("speak in lobby again"));
        bob.say("thanks");
        assertEquals("thanks", alice.await("message").get("text").asText());
    }

    @Test
    void aNickBanSparesOthersAtTheSameAddressUnlessTheOperatorAsksForTheAddress() throws Exception {
        startWithOperator();
        TestClient troll = fromOtherAddress("troll");
        TestClient neighbour = fromOtherAddress("neighbour"); // the same address: a NAT, a shared machine
        TestClient alice = op();
        troll.await("joined");
        neighbour.await("joined");

        alice.send("{\"type\":\"ban\",\"nick\":\"troll\",\"seconds\":3600,\"ref\":\"b\"}");
        assertEquals("banned", troll.awaitClose().get("code").asText());
        String reply = alice.awaitMatching("the ban's reply", n -> "b".equals(n.path("ref").asText())).get("text").asText();
        assertTrue(reply.contains("the nick troll") && reply.contains("not its address 127.0.0.2"), reply);
        // The reply comes after every disconnect the ban made: the neighbour was not among them.
        assertFalse(neighbour.isClosedByServer());
        neighbour.say("still here");
        neighbour.awaitMatching("its own line", n -> "still here".equals(n.path("text").asText()));
        assertTrue(reply.contains("closed 1 connection(s): troll"), reply);
        TestClient newcomer = fromOtherAddress("newcomer");
        assertFalse(newcomer.isClosedByServer(), "the address is not banned");

        // Asked for the address: whoever shares it goes too, and the reply names them.
        alice.send("{\"type\":\"ban\",\"nick\":\"newcomer\",\"with_address\":true,\"ref\":\"b2\"}");
        String both = alice.awaitMatching("the second ban's reply", n -> "b2".equals(n.path("ref").asText())).get("text").asText();
        assertTrue(both.contains("and the address 127.0.0.2") && both.contains("closed 2 connection(s)")
                && both.contains("newcomer") && both.contains("neighbour"), both);
        alice.send("{\"type\":\"unban\",\"nick\":\"newcomer\",\"ref\":\"u\"}");
        String lifted = alice.awaitMatching("the unban's reply", n -> "u".equals(n.path("ref").asText())).get("text").asText();
        assertEquals("lifted the ban on the nick newcomer and on the address 127.0.0.2 banned with it", lifted);
    }

    @Test
    void aBanClosesTheNickAndItsAddressAndRefusesThemUntilItExpires() throws Exception {
        startWithOperator();
        TestClient troll = fromOtherAddress("troll");
        TestClient alice = op();
        troll.await("joined");

        alice.send("{\"type\":\"ban\",\"nick\":\"troll\",\"seconds\":3600,\"reason\":\"spam\",\"with_address\":true,\"ref\":\"b\"}");
        JsonNode bye = troll.awaitClose();
        assertEquals("banned", bye.get("code").asText());
        assertTrue(bye.get("reason").asText().contains("spam"), bye.toString());
        assertTrue(alice.await("notice").get("text").asText().contains("127.0.0.2"));

        // The address is refused at the door, whatever the nick...
        Socket again = new Socket();
        again.bind(new InetSocketAddress("127.0.0.2", 0));
        again.connect(new InetSocketAddress("127.0.0.1", server.port()));
        TestClient refused = track(TestClient.over(again));
        assertEquals("banned", refused.awaitClose().get("code").asText());
        // ...and the nick from any address.
        TestClient sameNick = connect();
        sameNick.send("{\"type\":\"hello\",\"nick\":\"TROLL\"}");
        assertEquals("banned", sameNick.awaitClose().get("code").asText());
        register("someone-else"); // others from elsewhere are welcome

        clock.advance(Duration.ofMinutes(61));
        troll.close();
        org.awaitility.Awaitility.await().until(() -> server.nicknames().find("troll") == null);
        TestClient afterwards = fromOtherAddress("troll");
        assertFalse(afterwards.isClosedByServer());
    }

    @Test
    void anAddressBanCanBeLiftedAndOnlyTakesIpAddresses() throws Exception {
        startWithOperator();
        TestClient alice = op();
        alice.send("{\"type\":\"ban\",\"address\":\"example.org\",\"ref\":\"x\"}");
        assertEquals("bad_field", alice.expect("error").get("code").asText(), "a name would need a DNS lookup");
        alice.send("{\"type\":\"ban\",\"address\":\"127.0.0.2\",\"seconds\":0}");
        assertTrue(alice.expect("notice").get("text").asText().contains("until the server restarts"));
        Socket probe = new Socket();
        probe.bind(new InetSocketAddress("127.0.0.2", 0));
        probe.connect(new InetSocketAddress("127.0.0.1", server.port()));
        assertEquals("banned", track(TestClient.over(probe)).awaitClose().get("code").asText());

        alice.send("{\"type\":\"unban\",\"address\":\"127.0.0.2\"}");
        assertTrue(alice.expect("notice").get("text").asText().startsWith("lifted"));
        fromOtherAddress("welcome-back");
    }
}
