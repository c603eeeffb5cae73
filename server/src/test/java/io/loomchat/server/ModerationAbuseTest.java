package io.loomchat.server;

import io.loomchat.server.guard.Operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ways around moderation and ways to pass for someone else, and what stops them. */
class ModerationAbuseTest extends ServerTestSupport {

    @TempDir
    Path dir;

    private void startWithOperator() throws Exception {
        Path operators = dir.resolve("operators");
        Files.writeString(operators, Operators.line("root", "correct horse") + "\n");
        start(testConfig().toBuilder().operatorsFile(operators).build());
    }

    private TestClient op(String nick) throws IOException {
        TestClient op = register(nick);
        op.send("{\"type\":\"oper\",\"name\":\"root\",\"password\":\"correct horse\",\"ref\":\"o\"}");
        op.await("notice");
        return op;
    }

    private TestClient fromOtherAddress(String nick) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress("127.0.0.2", 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
        return track(TestClient.register(socket, nick));
    }

    private static JsonNode answer(TestClient client, String json, String ref) throws IOException {
        client.send(json);
        return client.awaitMatching("the answer to " + ref, n -> ref.equals(n.path("ref").asText()));
    }

    @Test
    void aMuteFollowsItsPersonThroughARename() throws Exception {
        startWithOperator();
        TestClient alice = op("alice");
        TestClient loud = register("loud");
        answer(alice, "{\"type\":\"mute\",\"nick\":\"loud\",\"seconds\":600,\"ref\":\"m\"}", "m");
        JsonNode renamed = answer(loud, "{\"type\":\"nick\",\"nick\":\"quiet\",\"ref\":\"n\"}", "n");
        assertEquals("renamed", renamed.get("type").asText(), renamed.toString());
        JsonNode said = answer(loud, "{\"type\":\"say\",\"text\":\"free!\",\"ref\":\"s\"}", "s");
        assertEquals("muted", said.path("code").asText(), said.toString());
        // Nor is coming back under the old nick, and a muted person may not set the topic either.
        loud.close();
        TestClient back = register("loud");
        assertEquals("muted", answer(back, "{\"type\":\"say\",\"text\":\"back\",\"ref\":\"b\"}", "b").path("code").asText());
        assertEquals("muted", answer(back, "{\"type\":\"topic\",\"text\":\"still talking\",\"ref\":\"t\"}", "t")
                .path("code").asText());
    }

    @Test
    void aBannedNickCannotBeTakenByARename() throws Exception {
        startWithOperator();
        TestClient alice = op("alice");
        answer(alice, "{\"type\":\"ban\",\"nick\":\"mallory\",\"seconds\":600,\"ref\":\"b\"}", "b");
        TestClient sneaky = register("mallory_");
        JsonNode refused = answer(sneaky, "{\"type\":\"nick\",\"nick\":\"Mallory\",\"ref\":\"n\"}", "n");
        assertEquals("nick_banned", refused.path("code").asText(), refused.toString());
        JsonNode lookAlike = answer(sneaky, "{\"type\":\"nick\",\"nick\":\"ma1lory\",\"ref\":\"l\"}", "l");
        assertEquals("nick_banned", lookAlike.path("code").asText(), "a look-alike of a banned nick is banned too");
    }

    @Test
    void liftingANickBanLeavesASeparateAddressBanAlone() throws Exception {
        startWithOperator();
        TestClient alice = op("alice");
        TestClient troll = fromOtherAddress("troll");
        answer(alice, "{\"type\":\"ban\",\"nick\":\"troll\",\"seconds\":60,\"with_address\":true,\"ref\":\"n\"}", "n"); // the nick and its address
        assertEquals("banned", troll.awaitClose().get("code").asText());
        answer(alice, "{\"type\":\"ban\",\"address\":\"127.0.0.2\",\"seconds\":0,\"ref\":\"a\"}", "a"); // until restart
        answer(alice, "{\"type\":\"unban\",\"nick\":\"troll\",\"ref\":\"u\"}", "u");
        Socket probe = new Socket();
        probe.bind(new InetSocketAddress("127.0.0.2", 0));
        probe.connect(new InetSocketAddress("127.0.0.1", server.port()));
        assertEquals("banned", track(TestClient.over(probe)).awaitClose().get("code").asText(),
                "the address ban until restart still holds");
    }

    @Test
    void aNickBanReachesAnOperatorWhoHoldsTheNickAnAddressBanDoesNot() throws Exception {
        startWithOperator();
        TestClient alice = op("alice");
        TestClient rogue = fromOtherAddress("rogue");
        rogue.send("{\"type\":\"oper\",\"name\":\"root\",\"password\":\"correct horse\"}");
        rogue.await("notice");
        answer(alice, "{\"type\":\"ban\",\"address\":\"127.0.0.2\",\"ref\":\"a\"}", "a");
        rogue.expectNothingPending(); // operators are exempt from address bans
        answer(alice, "{\"type\":\"ban\",\"nick\":\"rogue\",\"ref\":\"n\"}", "n");
        assertEquals("banned", rogue.awaitClose().get("code").asText());
    }

    @Test
    void aBanOrMuteLengthOutOfRangeIsABadFieldAndTheOperatorStaysConnected() throws Exception {
        startWithOperator();
        TestClient alice = op("alice");
        register("loud");
        for (String json : new String[] {
                "{\"type\":\"mute\",\"nick\":\"loud\",\"seconds\":9223372036854775807,\"ref\":\"x\"}",
                "{\"type\":\"mute\",\"nick\":\"loud\",\"seconds\":99999999999999999999999,\"ref\":\"x\"}",
                "{\"type\":\"ban\",\"nick\":\"loud\",\"seconds\":9223372036854775000,\"ref\":\"x\"}",
                "{\"type\":\"mute\",\"nick\":\"loud\",\"seconds\":-5,\"ref\":\"x\"}"}) {
            JsonNode error = answer(alice, json, "x");
            assertEquals("bad_field", error.path("code").asText(), error.toString());
        }
        alice.expectNothingPending();
        JsonNode tenYears = answer(alice, "{\"type\":\"mute\",\"nick\":\"loud\",\"seconds\":315360000,\"ref\":\"t\"}", "t");
        assertEquals("notice", tenYears.get("type").asText());
    }

    @Test
    void nicksThatLookAlikeCannotBothBeHeld() throws Exception {
        start();
        register("alice");
        for (String lookAlike : new String[] {"aIice", "a1ice", "ALICE", "aiice"}) {
            TestClient twin = connect();
            twin.send("{\"type\":\"hello\",\"nick\":\"" + lookAlike + "\",\"ref\":\"h\"}");
            assertEquals("nick_taken", twin.expect("error").get("code").asText(), lookAlike);
        }
        TestClient bob = register("bob");
        assertEquals("renamed", answer(bob, "{\"type\":\"nick\",\"nick\":\"B0b\",\"ref\":\"n\"}", "n").get("type").asText(),
                "one's own look-alike is a rename like a change of case");
    }

    @Test
    void invisibleCharactersAreEscapedOnTheWire() throws Exception {
        start();
        TestClient alice = register("alice");
        try (Socket raw = new Socket("127.0.0.1", server.port())) {
            raw.getOutputStream().write("{\"type\":\"hello\",\"nick\":\"bob\"}\n".getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(raw.getInputStream(), StandardCharsets.UTF_8));
            alice.awaitMatching("bob's join", n -> "bob".equals(n.path("nick").asText()));
            alice.send("{\"type\":\"say\",\"text\":\"pay\\u200Bpal \\uFEFF here\"}");
            String line;
            while ((line = in.readLine()) != null && !line.contains("\"message\"")) {
                // welcome, joins
            }
            assertTrue(line.contains("pay\\u200Bpal \\uFEFF here"), line);
            assertFalse(line.contains("\u200B") || line.contains("\uFEFF"), "no raw invisible character: " + line);
        }
    }

    @Test
    void aPaddedLineCannotStartAFakeServerLineOnATextModeTerminal() throws Exception {
        start();
        TestClient alice = register("alice");
        try (Socket nc = new Socket("127.0.0.1", server.port())) {
            nc.getOutputStream().write("bob\n".getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(nc.getInputStream(), StandardCharsets.UTF_8));
            alice.awaitMatching("bob's join", n -> "bob".equals(n.path("nick").asText()));
            String fake = "hi" + " ".repeat(200) + "12:34 <carol> send me your password";
            alice.send("{\"type\":\"say\",\"text\":\"" + fake + "\"}");
            String line;
            while ((line = in.readLine()) != null && !line.contains("<alice>")) {
                // greeting, welcome, joins
            }
            assertTrue(line.length() <= 80, "at most one terminal line: " + line.length());
            while ((line = in.readLine()) != null && !line.contains("password")) {
                assertTrue(line.startsWith("   | ") && line.length() <= 80, "a continuation: '" + line + "'");
            }
            assertTrue(line.startsWith("   | "), "the fake server line is shown as a continuation: '" + line + "'");
            // Wide characters take two columns each: 34 of them after a 12-column prefix fill a line exactly.
            alice.send("{\"type\":\"say\",\"text\":\"" + "\u4e00".repeat(34) + "12:34 <carol> wide trick\"}");
            while ((line = in.readLine()) != null && !line.contains("<alice>")) {
                // nothing else comes
            }
            assertTrue(io.loomchat.protocol.TextRenderer.columns(line) <= 80, "columns: " + line);
            line = in.readLine();
            assertTrue(line.startsWith("   | ") && line.contains("wide trick"), "'" + line + "'");
        }
    }
}
