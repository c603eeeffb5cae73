package io.loomchat.cli.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.Event.ErrorReply;
import io.loomchat.protocol.Event.HistoryEnd;
import io.loomchat.protocol.Event.Joined;
import io.loomchat.protocol.Event.Left;
import io.loomchat.protocol.Event.Welcome;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.Request.History;
import io.loomchat.protocol.Request.Join;
import io.loomchat.protocol.Request.Replay;
import io.loomchat.protocol.Request.Say;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chat state of a person in several rooms: moving between them, what a terminal shows of each (only
 * the current room's lines; the others counted in the status bar), the marker above unseen lines, and
 * what leaving a room forgets.
 */
class ChatStateWindowsTest {

    private static final Instant AT = Instant.parse("2026-11-27T09:15:00Z");

    private int refs;
    private final ChatState chat = new ChatState(ZoneOffset.UTC, () -> "r" + ++refs, false, true);

    private static ChatMessage live(long id, String room, String from, String text) {
        return new ChatMessage(id, room, from, text, false, AT, false, null);
    }

    private static ChatMessage replayed(long id, String room, String from, String text) {
        return new ChatMessage(id, room, from, text, false, AT, true, null);
    }

    private static List<String> lines(Reaction reaction) {
        return reaction.show().stream().map(Shown::text).toList();
    }

    /** alice in lobby, then in release by a typed /join that the server confirmed. */
    private void inLobbyAndRelease(boolean windowed) {
        if (windowed) {
            chat.showRoomsInWindows();
        }
        chat.hello("alice", null);
        chat.received(new Welcome("alice", 1, "loomchat", "lobby", "token-1", "epoch-1", null));
        chat.received(new Joined("lobby", "alice", AT, null));
        Join join = assertInstanceOf(Join.class, chat.typed("/join release").send().getFirst());
        chat.received(new Joined("release", "alice", AT, join.ref()));
    }

    private Say said(String text) {
        return assertInstanceOf(Say.class, chat.typed(text).send().getFirst());
    }

    // ---- moving between rooms ----

    @Test
    void joiningARoomAlreadyJoinedSwitchesToItWithoutAskingTheServer() {
        inLobbyAndRelease(false);
        assertEquals("release", said("for release").room());
        Reaction back = chat.typed("/join lobby");
        assertEquals(List.of(), back.send(), "no join request: already in lobby");
        assertEquals(List.of("-!- now talking in lobby"), lines(back));
        assertEquals("lobby", chat.rooms().current());
        assertEquals("[lobby] > ", chat.prompt());
        assertEquals("lobby", said("for lobby").room(), "each line names the current room");
        assertEquals(List.of("lobby", "release"), chat.rooms().all(), "the windows keep their numbers");
    }

    @Test
    void windowNumbersSwitchAndNextAndPreviousWrapAround() {
        inLobbyAndRelease(false);
        Join ops = assertInstanceOf(Join.class, chat.typed("/join ops").send().getFirst());
        chat.received(new Joined("ops", "alice", AT, ops.ref()));
        assertEquals(List.of("lobby", "release", "ops"), chat.rooms().all());

        chat.typed("/window 1");
        assertEquals("lobby", chat.rooms().current());
        chat.typed("/switch ops");
        assertEquals("ops", chat.rooms().current());
        chat.typed("/next");
        assertEquals("lobby", chat.rooms().current(), "after the last comes the first");
        chat.typed("/prev");
        assertEquals("ops", chat.rooms().current(), "before the first comes the last");
        chat.typed("/win 2");
        assertEquals("release", chat.rooms().current());

        assertEquals(List.of("!!! no window 7: you are in 3 room(s)"), lines(chat.typed("/window 7")));
        assertEquals(List.of("!!! you are not in dev"), lines(chat.typed("/switch dev")));
        assertEquals(List.of("!!! usage: /window N"), lines(chat.typed("/window two")));
        assertEquals("release", chat.rooms().current(), "a mistake moves nothing");
        assertTrue(chat.typed("/window 2").show().isEmpty(), "already there");
    }

    @Test
    void aTypedJoinIsCurrentAtOnceAndARefusedOneGivesTheRoomBack() {
        inLobbyAndRelease(false);
        Join join = assertInstanceOf(Join.class, chat.typed("/join Dev").send().getFirst());
        assertEquals("dev", chat.rooms().current(), "the next typed line goes to dev, even before the server confirms");
        assertEquals("dev", said("first words in dev").room());
        chat.received(new ErrorReply("too_many_rooms", "you are in too many rooms", join.ref()));
        assertEquals("release", chat.rooms().current(), "refused: back where the person was");

        chat.connectionLost();
        chat.resumeHello();
        chat.received(new Welcome("alice", 1, "loomchat", "lobby", "token-2", "epoch-1", null));
        chat.received(new Joined("lobby", "alice", AT, null));
        chat.rejoinAndResend();
        chat.received(new Joined("release", "alice", AT, null));
        assertEquals("release", chat.rooms().current(), "rejoins after a reconnect move nobody");
    }

    @Test
    void leavingTheCurrentRoomMovesToTheWindowBeforeIt() {
        inLobbyAndRelease(false);
        chat.received(new Left("release", "alice", "leave", AT, null));
        assertEquals("lobby", chat.rooms().current());
        chat.received(new Left("lobby", "alice", "kicked by op", AT, null));
        assertNull(chat.rooms().current());
    }

    // ---- a terminal: one room at a time, the others in the status bar ----

    @Test
    void linesOfAnotherRoomWaitInItsWindowCountedInTheStatusBar() {
        inLobbyAndRelease(true);
        assertEquals("[alice] 1:lobby 2:release", chat.statusBar().text());
        assertEquals(List.of(), chat.received(live(1, "lobby", "bob", "in lobby")).show(), "not shown: release is current");
        chat.received(live(2, "lobby", "bob", "alice: are you there?"));
        chat.received(new Joined("lobby", "carol", AT, null));
        assertEquals("[alice] 1:lobby(2)! 2:release", chat.statusBar().text(), "two unread, one naming alice");
        assertEquals(List.of("09:15 <dave> in release"), lines(chat.received(live(3, "release", "dave", "in release"))),
                "the current room's lines are shown, untagged");

        Reaction back = chat.typed("/window 1");
        assertTrue(back.redraw(), "the screen is cleared for lobby's window");
        assertEquals(List.of("09:15 -!- you joined lobby", "--- new since you were away ---", "09:15 <bob> in lobby",
                "09:15 <bob> alice: are you there?", "09:15 -!- carol joined lobby"), lines(back));
        assertEquals("[alice] 1:lobby 2:release", chat.statusBar().text(), "looking clears the count and the mark");
        assertTrue(chat.statusBar().tabs().getFirst().current());

        Reaction again = chat.typed("/window 2");
        assertFalse(again.show().contains(Shown.plain("--- new since you were away ---")), "release had nothing unseen");
        assertEquals(List.of("09:15 -!- you joined release", "09:15 <dave> in release"), lines(again));
    }

    @Test
    void aTypedJoinDrawsTheNewRoomsWindowInPlaceOfTheOldOne() {
        chat.showRoomsInWindows();
        chat.hello("alice", null);
        chat.received(new Welcome("alice", 1, "loomchat", "lobby", "token-1", "epoch-1", null));
        chat.received(new Joined("lobby", "alice", AT, null));
        chat.received(live(1, "lobby", "bob", "in lobby"));
        Join join = assertInstanceOf(Join.class, chat.typed("/join release").send().getFirst());
        Reaction joined = chat.received(new Joined("release", "alice", AT, join.ref()));
        assertTrue(joined.redraw(), "lobby's lines go from the screen");
        assertEquals(List.of("09:15 -!- you joined release"), lines(joined));
        assertFalse(chat.received(live(2, "release", "bob", "hi")).redraw());
    }

    @Test
    void theSettingsFilesOtherRoomsAreJoinedBehindAndTheirFirstReplayIsNotNewSinceAway() {
        chat.showRoomsInWindows();
        chat.hello("alice", null);
        chat.received(new Welcome("alice", 1, "loomchat", "lobby", "token-1", "epoch-1", null));
        chat.received(new Joined("lobby", "alice", AT, null));
        Join release = assertInstanceOf(Join.class, chat.joinBehind("release"));
        assertEquals("lobby", chat.rooms().current(), "the first room stays current");
        assertEquals(List.of("09:15 <bob> said before"), lines(chat.received(replayed(3, "lobby", "bob", "said before"))));
        Reaction joined = chat.received(new Joined("release", "alice", AT, release.ref()));
        assertFalse(joined.redraw());
        assertEquals(List.of(), lines(joined), "release waits in its window");
        chat.received(new Event.Topic("release", "ship it", "bob", AT, null));
        chat.received(replayed(5, "release", "carol", "tagged"));
        chat.received(new HistoryEnd("release", 1, true, 5, null));
        assertEquals("[alice] 1:lobby 2:release", chat.statusBar().text(), "nothing unread");

        List<String> second = lines(chat.typed("/window 2"));
        assertFalse(second.contains("--- new since you were away ---"), "never away from it: " + second);
        assertEquals("09:15 -!- you joined release", second.getFirst());
        List<String> first = lines(chat.typed("/window 1"));
        assertEquals(List.of("09:15 -!- you joined lobby", "09:15 <bob> said before"), first);

        chat.received(live(6, "release", "carol", "new one"));
        List<String> again = lines(chat.typed("/window 2"));
        assertEquals(List.of("--- new since you were away ---", "09:15 <carol> new one"), again.subList(again.size() - 2, again.size()));
    }

    @Test
    void theStatusBarSaysAwayAndTheNickListShowsTheCurrentRoomsMembers() {
        inLobbyAndRelease(true);
        chat.received(new Event.Away("alice", "lunch", "r9"));
        assertEquals("[alice (away)] 1:lobby 2:release", chat.statusBar().text());
        chat.received(new Event.Members("release", List.of("alice", "Bob"), java.util.Map.of(), false, null));
        assertNull(chat.statusBar().members());
        assertEquals(List.of(), chat.typed("/names").send(), "shown here, not asked of the server");
        assertEquals(List.of("alice", "Bob"), chat.statusBar().members());
        chat.typed("/names");
        assertNull(chat.statusBar().members(), "the same command hides it");
        chat.received(new Event.Away("alice", null, "r10"));
        assertFalse(chat.statusBar().away());
    }

    @Test
    void afterAReconnectTheMissedLinesOfTheCurrentRoomComeUnderTheMarker() {
        inLobbyAndRelease(true);
        chat.received(live(7, "release", "bob", "before the drop"));
        chat.connectionLost();
        chat.resumeHello();
        List<String> back = lines(chat.received(new Welcome("alice", 1, "loomchat", "lobby", "token-2", "epoch-1", null)));
        assertEquals(List.of("-!- reconnected"), back, "once, before any rejoin");
        chat.received(new Joined("lobby", "alice", AT, null));
        chat.rejoinAndResend();
        chat.received(new Joined("release", "alice", AT, null));
        assertEquals(List.of("--- new since you were away ---", "09:15 <bob> missed one"),
                lines(chat.received(replayed(8, "release", "bob", "missed one"))));
        assertEquals(List.of("09:15 <bob> missed two"), lines(chat.received(replayed(9, "release", "bob", "missed two"))));
        chat.received(new HistoryEnd("release", 2, false, 9, null));
    }

    @Test
    void leavingTheRoomOnTheScreenDrawsTheWindowBeforeIt() {
        inLobbyAndRelease(true);
        chat.received(live(1, "lobby", "bob", "meanwhile in lobby"));
        Reaction left = chat.received(new Left("release", "alice", "leave", AT, null));
        assertTrue(left.redraw());
        assertEquals(List.of("09:15 -!- you joined lobby", "--- new since you were away ---", "09:15 <bob> meanwhile in lobby",
                "09:15 -!- you left release"), lines(left));
        assertFalse(chat.received(live(2, "lobby", "bob", "next")).redraw());
    }

    // ---- leaving forgets ----

    @Test
    void afterLeavingAndRejoiningHistoryPagesBackFromTheNewReplay() {
        inLobbyAndRelease(false);
        for (long id = 1; id <= 3; id++) {
            chat.received(replayed(id, "release", "bob", "old " + id));
        }
        chat.received(new HistoryEnd("release", 3, false, 3, null));
        for (long id = 40; id <= 42; id++) {
            chat.received(live(id, "release", "bob", "new " + id));
        }
        chat.received(new Event.Members("release", List.of("alice", "bob"), java.util.Map.of(), false, null));
        chat.typed("/leave release");
        chat.received(new Left("release", "alice", "leave", AT, null));
        assertEquals(0, chat.membersIn("release"), "who was there is forgotten");

        Join join = assertInstanceOf(Join.class, chat.typed("/join release").send().getFirst());
        assertEquals(Replay.DEFAULT, join.replay() == null ? Replay.DEFAULT : join.replay());
        chat.received(new Joined("release", "alice", AT, join.ref()));
        chat.received(replayed(41, "release", "bob", "new 41"));
        chat.received(replayed(42, "release", "bob", "new 42"));
        chat.received(new HistoryEnd("release", 2, true, 42, null));
        Request older = chat.typed("/history").send().getFirst();
        assertEquals(41L, assertInstanceOf(History.class, older).before(), "pages back from the replay, not from id 1");
    }
}
