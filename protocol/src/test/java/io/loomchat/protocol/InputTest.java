package io.loomchat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.protocol.Input.Problem;
import io.loomchat.protocol.Input.Send;
import io.loomchat.protocol.Request.Join;
import io.loomchat.protocol.Request.Leave;
import io.loomchat.protocol.Request.ListRooms;
import io.loomchat.protocol.Request.Msg;
import io.loomchat.protocol.Request.Nick;
import io.loomchat.protocol.Request.Ping;
import io.loomchat.protocol.Request.Quit;
import io.loomchat.protocol.Request.Say;
import io.loomchat.protocol.Request.Who;
import org.junit.jupiter.api.Test;

class InputTest {

    private static Request sent(String line) {
        return assertInstanceOf(Send.class, Input.parse(line, "lobby", "r")).request();
    }

    @Test
    void plainTextIsSaidToTheCurrentRoom() {
        assertEquals(new Say("lobby", "hello there", false, "r"), sent("hello there\r\n"));
        assertEquals(new Say("lobby", "/not a command", false, "r"), sent("//not a command"));
    }

    @Test
    void everySlashCommandBecomesItsRequest() {
        assertEquals(new Join("dev", "r"), sent("/join dev"));
        assertEquals(new Leave("lobby", "r"), sent("/leave"));
        assertEquals(new Leave("dev", "r"), sent("/part dev"));
        assertEquals(new Msg("bob", "hi there bob", false, "r"), sent("/msg bob hi there bob"));
        assertEquals(new Say("lobby", "waves", true, "r"), sent("/me waves"));
        assertEquals(new Nick("alicia", "r"), sent("/NICK alicia"));
        assertEquals(new Nick("alicia", "r"), sent("/nick alicia  "));
        assertEquals("a nick is one word: letters, digits, _ and -",
                assertInstanceOf(Input.Problem.class, Input.parse("/nick bad nick", "lobby", "r")).message());
        assertEquals(new Who("lobby", "r"), sent("/who"));
        assertEquals(new Who("dev", "r"), sent("/who dev"));
        assertEquals(new ListRooms("r"), sent("/rooms"));
        assertEquals(new Ping("r"), sent("/ping"));
        assertEquals(new Quit(null, "r"), sent("/quit"));
        assertEquals(new Quit("see you", "r"), sent("/quit see you"));
        assertEquals(new Request.Topic("lobby", null, "r"), sent("/topic"));
        assertEquals(new Request.Topic("lobby", "release friday", "r"), sent("/topic release friday"));
        assertEquals(new Request.Away("lunch, back at 2", "r"), sent("/away lunch, back at 2"));
        assertEquals(new Request.Away(null, "r"), sent("/away"));
        assertEquals(new Request.Away(null, "r"), sent("/back"));
        assertEquals(new Request.History("lobby", null, null, null, "r"), sent("/history"));
        assertEquals(new Request.History("lobby", null, null, 100, "r"), sent("/history 100"));
        assertEquals(new Request.Oper("root", "s3cret pass", "r"), sent("/oper root s3cret pass"));
        assertEquals(new Request.Kick("lobby", "troll", "be nice", "r"), sent("/kick troll be nice"));
        assertEquals(new Request.Ban("troll", null, 1800L, "spam", "r"), sent("/ban troll 30m spam"));
        assertEquals(new Request.Ban("troll", null, null, "spam links", "r"), sent("/ban troll spam links"));
        assertEquals(new Request.Ban(null, "192.0.2.7", 0L, null, "r"), sent("/ban 192.0.2.7 0"));
        assertEquals(new Request.Ban("troll", null, 86400L, "spam", true, "r"), sent("/ban troll +address 1d spam"));
        assertEquals(new Request.Ban("troll", null, null, null, true, "r"), sent("/ban troll +address"));
        assertEquals(new Request.Unban(null, "2001:db8::7", "r"), sent("/unban 2001:db8::7"));
        assertEquals(new Request.Unban("troll", null, "r"), sent("/unban troll"));
        assertEquals(new Request.Mute("lobby", "loud", 86_400L, "r"), sent("/mute loud 1d"));
        assertEquals(new Request.Mute("lobby", "loud", null, "r"), sent("/mute loud"));
        assertEquals(new Request.Unmute("lobby", "loud", "r"), sent("/unmute loud"));
        assertInstanceOf(Input.ShowHelp.class, Input.parse("/help", "lobby", "r"));
        assertInstanceOf(Input.Nothing.class, Input.parse("   ", "lobby", "r"));
    }

    @Test
    void missingArgumentsAndUnknownCommandsAreExplained() {
        assertTrue(assertInstanceOf(Problem.class, Input.parse("/msg bob", "lobby", "r")).message()
                .contains("/msg NICK TEXT"));
        assertTrue(assertInstanceOf(Problem.class, Input.parse("/join", "lobby", "r")).message()
                .contains("/join ROOM"));
        assertTrue(assertInstanceOf(Problem.class, Input.parse("/frobnicate", "lobby", "r")).message()
                .contains("/help"));
        assertTrue(assertInstanceOf(Problem.class, Input.parse("/history lots", "lobby", "r")).message()
                .contains("/history [N]"));
    }
}
