package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A person on plain nc and a JSON client in one room: a first line that is not JSON means text mode. */
class TextModeTest extends ServerTestSupport {

    private Socket nc;
    private BufferedReader screen;
    private OutputStream keyboard;

    @BeforeEach
    void startServer() throws Exception {
        start();
        nc = track(new Socket("127.0.0.1", server.port()));
        nc.setSoTimeout((int) TestClient.WAIT.toMillis());
        screen = new BufferedReader(new InputStreamReader(nc.getInputStream(), StandardCharsets.UTF_8));
        keyboard = nc.getOutputStream();
    }

    private void type(String line) throws Exception {
        keyboard.write((line + "\r\n").getBytes(StandardCharsets.UTF_8)); // telnet sends CRLF
        keyboard.flush();
    }

    /** The next screen line that contains {@code text}, skipping others. */
    private String awaitLine(String text) throws Exception {
        for (String line; (line = screen.readLine()) != null; ) {
            if (line.contains(text)) {
                return line;
            }
        }
        throw new AssertionError("the connection closed before a line with: " + text);
    }

    @Test
    void aNetcatUserAndAJsonClientChatBothWays() throws Exception {
        type("alice");
        assertTrue(awaitLine("text mode").startsWith("-!- "));
        assertTrue(awaitLine("welcome").contains("alice"));
        awaitLine("you joined lobby");

        TestClient bob = register("bob");
        assertTrue(awaitLine("bob joined lobby").matches("\\d\\d:\\d\\d -!- bob joined lobby"));

        type("hello from nc");
        assertEquals("hello from nc", bob.await("message").get("text").asText());
        bob.say("hi alice \u001b[2J");
        assertTrue(awaitLine("<bob>").matches("\\d\\d:\\d\\d <bob> hi alice \\^\\[\\[2J"),
                "lines are rendered, and escapes neutralized, for the nc user");

        type("/me waves");
        assertEquals("waves", bob.awaitMatching("alice's action", n -> n.path("action").asBoolean()).get("text").asText());
        type("/who");
        assertTrue(awaitLine("in lobby").endsWith("alice, bob"));
        type("/frobnicate");
        assertTrue(awaitLine("!!!").contains("/help"));

        type("/quit off to lunch");
        assertTrue(awaitLine("server closed the connection").contains("client quit: off to lunch"));
        assertNull(screen.readLine(), "then the server closes");
        assertEquals("quit: off to lunch", bob.await("left").get("reason").asText());
    }

    @Test
    void aTextUserSeesTheTopicAndTheHistoryOfTheRoomOnJoining() throws Exception {
        TestClient bob = register("bob");
        bob.send("{\"type\":\"topic\",\"text\":\"standup at ten\"}");
        bob.await("topic");
        bob.say("said before you came");
        bob.await("message");

        type("alice");
        assertTrue(awaitLine("topic of lobby").endsWith("standup at ten (set by bob)"));
        assertTrue(awaitLine("said before").matches("\\d\\d:\\d\\d <bob> said before you came"),
                "history reads like the room's own lines, without a room tag");
        awaitLine("end of history of lobby");
        type("/topic");
        assertTrue(awaitLine("topic of lobby").contains("standup at ten"));
    }

    @Test
    void aTextUserMustGiveAValidNickFirst() throws Exception {
        type("hello everyone!");
        awaitLine("text mode");
        assertTrue(awaitLine("!!!").contains("nick"));
        type("/nick carol");
        assertTrue(awaitLine("welcome").contains("carol"));
    }

    @Test
    void aJsonClientIsNotAffected() throws Exception {
        type("{\"type\":\"hello\",\"nick\":\"dave\"}");
        assertTrue(awaitLine("\"type\":\"welcome\"").contains("\"nick\":\"dave\""));
    }
}
