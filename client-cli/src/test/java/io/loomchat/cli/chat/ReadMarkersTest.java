package io.loomchat.cli.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.Event.Joined;
import io.loomchat.protocol.Event.Welcome;
import io.loomchat.protocol.Request;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The terminal client and its account's read markers: typing in a room or switching to it marks it read to
 * its newest line; a marker moved on another device clears that room's unread count here; a guest sends none.
 */
class ReadMarkersTest {

    private static final Instant AT = Instant.parse("2026-12-08T09:00:00Z");

    private int refs;
    private final ChatState chat = new ChatState(ZoneOffset.UTC, () -> "r" + ++refs, false, true);

    private void registered(String account) {
        chat.showRoomsInWindows();
        chat.hello("alice", null);
        chat.received(new Welcome("alice", 1, "loomchat", "lobby", "t", "e", account, null));
        chat.received(new Joined("lobby", "alice", AT, null));
        chat.received(new Joined("dev", "alice", AT, "j"));
    }

    private static ChatMessage line(long id, String room) {
        return new ChatMessage(id, room, "bob", "line " + id, false, AT, false, null);
    }

    @Test
    void typingInARoomMarksItReadToItsNewestLineOnce() {
        registered("alice");
        chat.received(line(7, "dev"));
        Reaction typed = chat.typed("hello");
        Request.MarkRead mark = assertInstanceOf(Request.MarkRead.class, typed.send().getFirst());
        assertEquals("dev", mark.room());
        assertEquals(7, mark.id());
        assertEquals(1, chat.typed("again").send().size(), "nothing newer seen: no second mark");
    }

    @Test
    void switchingToARoomMarksItRead() {
        registered("alice");
        chat.received(line(3, "lobby"));
        Reaction moved = chat.typed("/window 1");
        Request.MarkRead mark = assertInstanceOf(Request.MarkRead.class, moved.send().getFirst());
        assertEquals("lobby", mark.room());
        assertEquals(3, mark.id());
    }

    @Test
    void aMarkerMovedOnAnotherDeviceClearsTheUnreadCountHere() {
        registered("alice");
        chat.received(line(3, "lobby"));
        chat.received(line(4, "lobby"));
        assertEquals(2, chat.statusBar().tabs().getFirst().unread(), chat.statusBar().toString());
        chat.received(new Event.Read("lobby", 4, 0, null));
        assertEquals(0, chat.statusBar().tabs().getFirst().unread(), "read on the phone: read here");
    }

    @Test
    void quittingIsHavingSeenItTooAndTheMarkGoesBeforeTheQuit() {
        registered("alice");
        chat.received(line(9, "dev"));
        Reaction quit = chat.typed("/quit");
        assertInstanceOf(Request.MarkRead.class, quit.send().getFirst());
        assertInstanceOf(Request.Quit.class, quit.send().getLast());
    }

    @Test
    void aGuestHasNoMarkers() {
        registered(null);
        chat.received(line(7, "dev"));
        assertTrue(chat.typed("hello").send().stream().noneMatch(r -> r instanceof Request.MarkRead));
    }

    @Test
    void aScriptThatLogsInAndSaysALineMarksWhatTheJoinReplayed() {
        ChatState script = new ChatState(ZoneOffset.UTC, () -> "s" + ++refs, false, false);
        script.hello("alice", null);
        script.received(new Welcome("alice", 1, "loomchat", "lobby", "t", "e", "alice", "s1"));
        script.received(new Joined("lobby", "alice", AT, null));
        for (long id = 1; id <= 4; id++) {
            script.received(new ChatMessage(id, "lobby", "bob", "old " + id, false, AT, true, null));
        }
        script.received(new Event.HistoryEnd("lobby", 4, false, 4, null));
        script.received(new Event.Read("lobby", 0, 4, null));
        Reaction typed = script.typed("hello");
        assertTrue(typed.send().stream().anyMatch(r -> r instanceof Request.MarkRead m && m.id() == 4), typed.send().toString());
    }
}
