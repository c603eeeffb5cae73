package io.loomchat.server.chat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.Request.Replay;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.delivery.DeliveryBatch;
import io.loomchat.server.delivery.Member;
import io.loomchat.server.history.HistoryBudget;
import io.loomchat.server.history.HistoryStore;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A room on its own: members are plain objects that collect what they are handed; no sockets, no threads. */
class RoomTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final DeliveryBatch batch = new DeliveryBatch();
    /** For the tests of held lines: two members, and the batch of alice's read loop. */
    private final Listener alice = new Listener("alice");
    private final Listener bob = new Listener("bob");
    private final DeliveryBatch alicesReads = new DeliveryBatch();

    /** A member that keeps every event and its bytes. */
    static final class Listener implements Member {
        final String nick;
        final List<Event> events = new ArrayList<>();
        final List<byte[]> lines = new ArrayList<>();
        long budget = Long.MAX_VALUE;

        Listener(String nick) {
            this.nick = nick;
        }

        @Override
        public String nick() {
            return nick;
        }

        @Override
        public String away() {
            return null;
        }

        @Override
        public void deliver(Event event, byte[] json, DeliveryBatch batch) {
            events.add(event);
            lines.add(json);
        }

        @Override
        public long replayBudget() {
            return budget;
        }

        <E extends Event> List<E> of(Class<E> type) {
            return events.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    private static Room room(ServerConfig config, Room.Start start) {
        return new Room("lobby", start, CLOCK, config, HistoryStore.MEMORY_ONLY, new HistoryBudget(Long.MAX_VALUE));
    }

    private static Room room() {
        return room(ServerConfig.defaults(), Room.Start.empty(0));
    }

    /** A room of its own that {@code members} have joined, in that order. */
    private Room roomWith(Listener... members) {
        Room room = room();
        for (Listener member : members) {
            room.join(member, batch, null, 100, Replay.DEFAULT, 20);
        }
        return room;
    }

    @Test
    void everyMemberGetsTheSameBytesInTheSameOrderAndTheSenderItsRefOnTheSameBytes() {
        Room room = room();
        Listener alice = new Listener("alice");
        Listener bob = new Listener("bob");
        room.join(alice, batch, null, 100, Replay.DEFAULT, 20);
        room.join(bob, batch, null, 100, Replay.DEFAULT, 20);
        for (int i = 1; i <= 5; i++) {
            room.say(i % 2 == 0 ? alice : bob, batch, "line " + i, false, "r" + i);
        }
        batch.settle();
        List<ChatMessage> seenByAlice = alice.of(ChatMessage.class);
        List<ChatMessage> seenByBob = bob.of(ChatMessage.class);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seenByAlice.stream().map(ChatMessage::id).toList());
        assertEquals(seenByAlice.stream().map(ChatMessage::id).toList(), seenByBob.stream().map(ChatMessage::id).toList());
        // Bob said line 1: his copy carries his ref, Alice's does not; the bytes are the encoding of each.
        int first = bob.events.indexOf(seenByBob.get(0));
        assertEquals("r1", seenByBob.get(0).ref());
        assertArrayEquals(Codec.encode(seenByBob.get(0)), bob.lines.get(first));
        int aliceFirst = alice.events.indexOf(seenByAlice.get(0));
        assertEquals(null, seenByAlice.get(0).ref());
        assertArrayEquals(Codec.encode(seenByAlice.get(0)), alice.lines.get(aliceFirst));
    }

    @Test
    void aboveTheQuietLimitOnlyTheJoinerHearsItsJoin() {
        Room room = room(ServerConfig.defaults().withQuietJoinsAbove(1), Room.Start.empty(0));
        Listener alice = new Listener("alice");
        Listener bob = new Listener("bob");
        room.join(alice, batch, null, 100, Replay.DEFAULT, 20);
        room.join(bob, batch, "j", 100, Replay.DEFAULT, 20);
        assertEquals(1, alice.of(Event.Joined.class).size(), "alice heard only her own join");
        assertEquals("j", bob.of(Event.Joined.class).getFirst().ref());
        assertFalse(room.leave(bob, batch, "leave", null, false));
        assertTrue(alice.of(Event.Left.class).isEmpty(), "nor a leave");
    }

    @Test
    void aJoinerGetsTheKeptHistoryAfterItsJoinAndAReplayNeverExceedsItsBudget() {
        Room room = room();
        Listener alice = new Listener("alice");
        room.join(alice, batch, null, 100, Replay.DEFAULT, 20);
        for (int i = 1; i <= 30; i++) {
            room.say(alice, batch, "m" + i, false, null);
        }
        Listener bob = new Listener("bob");
        room.join(bob, batch, null, 100, new Replay(null, 25L), 20); // after id 25
        List<ChatMessage> replayed = bob.of(ChatMessage.class);
        assertEquals(List.of(26L, 27L, 28L, 29L, 30L), replayed.stream().map(ChatMessage::id).toList());
        assertTrue(replayed.stream().allMatch(ChatMessage::history));
        assertTrue(bob.events.getFirst() instanceof Event.Joined, "the join comes first");
        Event.HistoryEnd end = bob.of(Event.HistoryEnd.class).getFirst();
        assertFalse(end.more());

        Listener carol = new Listener("carol");
        carol.budget = 300; // room for about two encoded messages
        room.join(carol, batch, null, 100, new Replay(30, null), 20);
        Event.HistoryEnd cut = carol.of(Event.HistoryEnd.class).getFirst();
        assertTrue(cut.more(), "the replay was cut by the budget and says so");
        assertTrue(carol.of(ChatMessage.class).size() < 30);
        assertEquals(30L, carol.of(ChatMessage.class).getLast().id(), "what fits is the newest");
    }

    @Test
    void theLastToLeaveClosesTheRoomAndAClosedRoomTakesNoJoin() {
        Room room = room(ServerConfig.defaults(), Room.Start.empty(41));
        Listener alice = new Listener("alice");
        room.join(alice, batch, null, 100, Replay.DEFAULT, 20);
        assertEquals(42L, room.say(alice, batch, "hi", false, null).id(), "ids continue from the start");
        assertTrue(room.leave(alice, batch, "leave", "bye", true));
        assertEquals("bye", alice.of(Event.Left.class).getFirst().ref());
        assertEquals(Room.JoinResult.CLOSED, room.join(new Listener("bob"), batch, null, 100, Replay.DEFAULT, 20));
    }

    @Test
    void aFullRoomRefusesAJoiner() {
        Room room = room();
        room.join(new Listener("a"), batch, null, 1, Replay.DEFAULT, 20);
        assertEquals(Room.JoinResult.FULL, room.join(new Listener("b"), batch, null, 1, Replay.DEFAULT, 20));
    }

    @Test
    void whatTheStoreRefusesNobodyReceivesAndItsIdIsNotReused() {
        List<byte[]> stored = new ArrayList<>();
        boolean[] failing = {false};
        HistoryStore store = new HistoryStore() {
            @Override
            public void append(Event event, byte[] line) throws java.io.IOException {
                if (failing[0]) {
                    throw new java.io.IOException("disk full");
                }
                stored.add(line);
            }

            @Override
            public void close() {
            }

            @Override
            public boolean keepsIds() {
                return true;
            }
        };
        Room room = new Room("lobby", Room.Start.empty(0), CLOCK, ServerConfig.defaults(), store,
                new HistoryBudget(Long.MAX_VALUE));
        Listener alice = new Listener("alice");
        Listener bob = new Listener("bob");
        room.join(alice, batch, null, 100, Replay.DEFAULT, 20);
        room.join(bob, batch, null, 100, Replay.DEFAULT, 20);
        room.say(alice, batch, "one", false, null);
        failing[0] = true;
        assertEquals(null, room.say(alice, batch, "lost", false, "x"));
        failing[0] = false;
        assertEquals(3L, room.say(alice, batch, "three", false, null).id(), "the refused line's id is skipped");
        batch.settle();
        assertEquals(List.of("one", "three"), bob.of(ChatMessage.class).stream().map(ChatMessage::text).toList());
        assertEquals(2, stored.size());
        assertArrayEquals(bob.lines.get(bob.events.indexOf(bob.of(ChatMessage.class).get(1))), stored.get(1),
                "the store holds exactly the bytes the members received");
    }

    @Test
    void saidLinesAreHeldUntilTheirReadLoopSettlesThenEveryMemberGetsThemAtOnceInOrder() {
        Room room = roomWith(alice, bob);
        room.say(alice, alicesReads, "one", false, "a1");
        room.say(alice, alicesReads, "two", false, "a2");
        assertTrue(bob.of(ChatMessage.class).isEmpty(), "held while the read loop handles the rest of its read");
        alicesReads.settle();
        assertEquals(List.of(1L, 2L), ids(bob));
        assertEquals(List.of("a1", "a2"), alice.of(ChatMessage.class).stream().map(ChatMessage::ref).toList());
        alicesReads.settle();
        assertEquals(List.of(1L, 2L), ids(bob), "released once");
    }

    @Test
    void anotherReadLoopsLineReleasesTheHeldOnesFirstSoIdsStayInOrder() {
        Listener carol = new Listener("carol");
        Room room = roomWith(alice, bob, carol);
        DeliveryBatch bobsReads = new DeliveryBatch();
        room.say(alice, alicesReads, "a", false, null);
        room.say(alice, alicesReads, "b", false, null);
        room.say(bob, bobsReads, "c", false, null); // bob's read loop finds alice's lines held
        assertEquals(List.of(1L, 2L), ids(carol), "alice's lines went out before bob's was held");
        bobsReads.settle();
        assertEquals(List.of(1L, 2L, 3L), ids(carol));
        alicesReads.settle(); // holds nothing any more
        room.say(alice, alicesReads, "d", false, null);
        alicesReads.settle();
        assertEquals(List.of(1L, 2L, 3L, 4L), ids(carol));
        assertEquals(ids(carol), ids(alice));
        assertEquals(ids(carol), ids(bob));
    }

    @Test
    void aJoinerGetsHeldLinesAsHistoryOnceAndALeaverGetsThemBeforeItsLeave() {
        Room room = roomWith(alice, bob);
        room.say(alice, alicesReads, "before carol", false, null);
        Listener carol = new Listener("carol");
        room.join(carol, new DeliveryBatch(), null, 100, Replay.DEFAULT, 20);
        assertEquals(List.of(1L), ids(bob), "the join released the held line to the members of then");
        room.say(alice, alicesReads, "after carol", false, null);
        room.leave(bob, new DeliveryBatch(), "leave", "l", true);
        alicesReads.settle();
        assertEquals(List.of(1L, 2L), ids(carol), "1 as history, 2 live, neither twice");
        assertTrue(carol.of(ChatMessage.class).get(0).history());
        assertEquals(List.of(1L, 2L), ids(bob), "bob got 2 before he left");
        assertTrue(bob.events.getLast() instanceof Event.Left);
    }

    @Test
    void aFullBurstGoesOutWithoutWaitingForTheSettle() {
        Room room = roomWith(alice, bob);
        for (int i = 0; i < io.loomchat.server.delivery.Burst.MAX_LINES + 3; i++) {
            room.say(alice, alicesReads, "m" + i, false, null);
        }
        assertEquals(io.loomchat.server.delivery.Burst.MAX_LINES, ids(bob).size());
        alicesReads.settle();
        assertEquals(io.loomchat.server.delivery.Burst.MAX_LINES + 3, ids(bob).size());
    }

    @Test
    void sayingInAnotherRoomReleasesWhatTheSameReadLoopHeldInTheFirst() {
        Room lobby = room();
        Room dev = new Room("dev", Room.Start.empty(0), CLOCK, ServerConfig.defaults(), HistoryStore.MEMORY_ONLY,
                new HistoryBudget(Long.MAX_VALUE));
        for (Room r : List.of(lobby, dev)) {
            r.join(alice, batch, null, 100, Replay.DEFAULT, 20);
            r.join(bob, batch, null, 100, Replay.DEFAULT, 20);
        }
        lobby.say(alice, alicesReads, "in lobby", false, null);
        dev.say(alice, alicesReads, "in dev", false, null);
        lobby.say(alice, alicesReads, "lobby again", false, null);
        alicesReads.settle();
        assertEquals(List.of("in lobby", "in dev", "lobby again"),
                bob.of(ChatMessage.class).stream().map(ChatMessage::text).toList(), "in the order alice said them");
    }

    private static List<Long> ids(Listener listener) {
        return listener.of(ChatMessage.class).stream().map(ChatMessage::id).toList();
    }
}
