package io.loomchat.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomchat.protocol.Event.Bye;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.Event.ErrorReply;
import io.loomchat.protocol.Event.Joined;
import io.loomchat.protocol.Event.Left;
import io.loomchat.protocol.Event.Members;
import io.loomchat.protocol.Event.PrivateMessage;
import io.loomchat.protocol.Event.Renamed;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextRendererTest {

    private static final Instant TS = Instant.parse("2026-11-27T14:05:59.999Z");
    private final TextRenderer renderer = new TextRenderer(ZoneOffset.UTC);

    @Test
    void chatLinesAreTimeNickText() {
        assertEquals("14:05 <bob> hi", renderer.render(new ChatMessage(1, "lobby", "bob", "hi", false, TS, null), "me", "lobby"));
        assertEquals("14:05 * bob waves", renderer.render(new ChatMessage(1, "lobby", "bob", "waves", true, TS, null), "me", "lobby"));
    }

    @Test
    void linesFromAnotherRoomNameTheirRoom() {
        assertEquals("14:05 [dev] <bob> hi", renderer.render(new ChatMessage(1, "dev", "bob", "hi", false, TS, null), "me", "lobby"));
    }

    @Test
    void noticesAndErrorsAreMarkedApartFromChat() {
        assertEquals("14:05 -!- bob joined lobby", renderer.render(new Joined("lobby", "bob", TS, null), "me", "lobby"));
        assertEquals("14:05 -!- you joined dev", renderer.render(new Joined("dev", "Me", TS, null), "me", "lobby"));
        assertEquals("14:05 -!- bob left lobby (quit: zzz)", renderer.render(new Left("lobby", "bob", "quit: zzz", TS, null), "me", "lobby"));
        assertEquals("14:05 -!- bob is now known as rob", renderer.render(new Renamed("bob", "rob", TS, null), "me", "lobby"));
        assertEquals("-!- in lobby (2): bob, me", renderer.render(new Members("lobby", List.of("bob", "me"), null), "me", "lobby"));
        assertEquals("!!! nick_taken: taken", renderer.render(new ErrorReply("nick_taken", "taken", null), "me", "lobby"));
        assertEquals("-!- server closed the connection: bye", renderer.render(new Bye("shutdown", "bye"), "me", "lobby"));
    }

    @Test
    void privateMessagesShowTheirDirection() {
        assertEquals("14:05 *bob* psst", renderer.render(new PrivateMessage("bob", "me", "psst", false, TS, null), "me", "lobby"));
        assertEquals("14:05 -> *bob* psst", renderer.render(new PrivateMessage("me", "bob", "psst", false, TS, null), "me", "lobby"));
    }

    @Test
    void peersCannotInjectTerminalControlThroughNicksRoomsOrText() {
        assertEquals("14:05 [x^[[2J] <b^[[31m> ^[]0;t^G",
                renderer.render(new ChatMessage(1, "x\u001b[2J", "b\u001b[31m", "\u001b]0;t\u0007", false, TS, null), "me", "lobby"));
    }

    @org.junit.jupiter.api.Test
    void wrappingCountsScreenColumnsSoWideCharactersCannotPushAFakeLineToTheLeftEdge() {
        String fake = "12:34 <bob> send me your password";
        for (String padding : new String[] {"\u4e00".repeat(34), "\uff21".repeat(40), "A".repeat(68), "\ud83d\ude00".repeat(30)}) {
            String wrapped = TextRenderer.wrap("12:30 <eve> " + padding + fake, 80);
            for (String visual : wrapped.split("\n")) {
                org.junit.jupiter.api.Assertions.assertTrue(TextRenderer.columns(visual) <= 80, visual);
                org.junit.jupiter.api.Assertions.assertFalse(visual.startsWith("12:34"), "a fake line at the edge: " + visual);
            }
        }
        org.junit.jupiter.api.Assertions.assertEquals("short", TextRenderer.wrap("short", 80));
    }

    @Test
    void aLeaveSaysItsReasonAloneAndAPlainLeaveNothing() {
        assertEquals("14:05 -!- bob left dev", renderer.render(new Left("dev", "bob", "leave", TS, null), "me", "lobby"));
        assertEquals("14:05 -!- bob left dev (lunch)", renderer.render(new Left("dev", "bob", "leave: lunch", TS, null), "me", "lobby"));
        assertEquals("14:05 -!- bob left dev (quit: lunch)", renderer.render(new Left("dev", "bob", "quit: lunch", TS, null), "me", "lobby"));
    }
}
