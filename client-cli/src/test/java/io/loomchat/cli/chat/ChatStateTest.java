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
import io.loomchat.protocol.Request.Hello;
import io.loomchat.protocol.Request.History;
import io.loomchat.protocol.Request.Join;
import io.loomchat.protocol.Request.Replay;
import io.loomchat.protocol.Request.Say;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chat state on its own: events and typed lines in, lines to show and requests to send out. No sockets. */
class ChatStateTest {

    private static final Instant AT = Instant.parse("2026-11-27T09:15:00Z");

    private int refs;
    private final ChatState chat = new ChatState(ZoneOffset.UTC, () -> "r" + ++refs, false, false);

    // ---- a small vocabulary of server events ----

    private static Welcome welcome(String nick, String resume, String epoch) {
        return new Welcome(nick, 1, "loomchat", "lobby", resume, epoch, null);
    }

    private static Joined joined(String room, String nick) {
        return new Joined(room, nick, AT, null);
    }

    private static ChatMessage live(long id, String room, String from, String text) {
        return new ChatMessage(id, room, from, text, false, AT, false, null);
    }

    private static ChatMessage replayed(long id, String room, String from, String text) {
        return new ChatMessage(id, room, from, text, false, AT, true, null);
    }

    /** The server's acknowledgement of our own line: the message, with its ref. */
    private static ChatMessage ack(long id, String room, String text, String ref) {
        return new ChatMessage(id, room, "alice", text, false, AT, false, ref);
    }

    private static List<String> lines(Reaction reaction) {
        return reaction.show().stream().map(Shown::text).toList();
    }

    /** alice registered and in lobby, as after the first hello. */
    private ChatState registeredInLobby() {
        chat.hello("alice", null);
        chat.received(welcome("alice", "token-1", "epoch-1"));
        chat.received(joined("lobby", "alice"));
        return chat;
    }

    private Say typedSay(String text) {
        Reaction reaction = chat.typed(text);
        assertEquals(1, reaction.send().size(), reaction.toString());
        return assertInstanceOf(Say.class, reaction.send().getFirst());
    }

    // ---- what it shows ----

    @Test
    void theServersGreetingBeforeTheWelcomeIsNotShownButANoticeAfterItIs() {
        chat.hello("alice", null);
        Event.Notice greeting = new Event.Notice("loomchat, protocol 1: type your nick to chat", null);
        assertTrue(chat.isGreeting(greeting));
        assertEquals(List.of(), lines(chat.received(greeting)));
        chat.received(welcome("alice", "t", "e"));
        Event.Notice later = new Event.Notice("the server restarts at noon", null);
        assertFalse(chat.isGreeting(later));
        assertEquals(List.of("-!- the server restarts at noon"), lines(chat.received(later)));
    }

    @Test
    void theFirstHelloAsksForWhatWasConfiguredAndTheWelcomeAndJoinAreShown() {
        chat.askHistoryOnJoin(3);
        chat.useSecrets("secret", null);
        Hello hello = assertInstanceOf(Hello.class, chat.hello("alice", "dev"));
        assertEquals("alice", hello.nick());
        assertEquals("dev", hello.room());
        assertEquals(Replay.last(3), hello.replay());
        assertEquals("secret", hello.password());
        assertNull(hello.resume());
        assertFalse(chat.isSettled());

        assertEquals(List.of("-!- welcome to loomchat, alice (protocol 1). /help lists the commands."),
                lines(chat.received(welcome("alice", "t", "e"))));
        assertTrue(chat.isRegistered());
        assertFalse(chat.isSettled(), "registered, but not in a room yet");
        assertEquals(List.of("09:15 -!- you joined dev"), lines(chat.received(joined("dev", "alice"))));
        assertTrue(chat.isSettled());
        assertEquals("dev", chat.rooms().current());
        assertEquals("[dev] > ", chat.prompt());
    }

    @Test
    void chatLinesCarryTheirSenderAndStandOutWhenTheyNameUsOrWereSaidBefore() {
        registeredInLobby();
        Shown plain = chat.received(live(1, "lobby", "bob", "hello all")).show().getFirst();
        assertEquals(new Shown("09:15 <bob> hello all", "bob", Emphasis.NORMAL), plain);
        Shown mention = chat.received(live(2, "lobby", "bob", "alice: lunch?")).show().getFirst();
        assertEquals(Emphasis.MENTION, mention.emphasis());
        Shown mine = chat.received(ack(3, "lobby", "I am alice", "x")).show().getFirst();
        assertEquals(Emphasis.NORMAL, mine.emphasis(), "our own line naming us is not a mention");
        chat.received(joined("dev", "alice"));
        Shown old = chat.received(replayed(7, "dev", "carol", "alice, before you came")).show().getFirst();
        assertEquals(new Shown("09:15 <carol> alice, before you came", "carol", Emphasis.HISTORY), old);
        Shown elsewhere = chat.received(live(4, "lobby", "bob", "over here")).show().getFirst();
        assertEquals("09:15 [lobby] <bob> over here", elsewhere.text(), "a line from another room is tagged");
        assertEquals(3, chat.messagesFromOthers(), "live lines from others count (1, 2, 4), replayed ones and ours do not");
    }

    @Test
    void aRefusedHelloIsRememberedAndLeftToTheExitLineOfAScript() {
        Hello hello = assertInstanceOf(Hello.class, chat.hello("alice", null));
        Reaction refused = chat.received(new ErrorReply("nick_taken", "alice is taken", hello.ref()));
        assertEquals(List.of(), lines(refused), "said once, by the exit line (could not register: ...)");
        assertEquals("nick_taken: alice is taken", chat.registrationError());
        assertTrue(chat.nickTaken());
        assertFalse(chat.isRegistered());

        assertEquals(List.of("!!! not connected as anyone yet; choose a nick with /nick NAME"), lines(chat.typed("hi")));
        Hello again = assertInstanceOf(Hello.class, chat.typed("/nick alice2").send().getFirst());
        assertEquals("alice2", again.nick());
        assertNull(chat.registrationError(), "a new hello clears the old refusal");
    }

    @Test
    void atATerminalARefusalSaysHowToPickAnotherNick() {
        ChatState terminal = new ChatState(ZoneOffset.UTC, () -> "t" + ++refs, false, true);
        Hello hello = assertInstanceOf(Hello.class, terminal.hello("alice", null));
        assertEquals(List.of("!!! invalid_nick: no", "-!- choose another nick with /nick NAME"),
                lines(terminal.received(new ErrorReply("invalid_nick", "no", hello.ref()))));
    }

    @Test
    void inJsonModeNothingIsRenderedButEverythingIsTracked() {
        ChatState json = new ChatState(ZoneOffset.UTC, () -> "j" + ++refs, true, false);
        json.hello("alice", null);
        assertEquals(List.of(), json.received(welcome("alice", "t", "e")).show());
        assertEquals(List.of(), json.received(joined("lobby", "alice")).show());
        assertEquals("lobby", json.rooms().current());
    }

    @Test
    void aPingIsAnsweredAndNotShown() {
        registeredInLobby();
        Reaction reaction = chat.received(new Event.Ping(null));
        assertEquals(List.of(), reaction.show());
        assertEquals(List.of(new Request.Pong(null)), reaction.send());
    }

    // ---- rooms ----

    @Test
    void theCurrentRoomIsTheLastJoinedAndNotLeft() {
        registeredInLobby();
        chat.received(joined("dev", "alice"));
        chat.received(joined("ops", "alice"));
        chat.received(joined("ops", "bob")); // someone else joining changes nothing for us
        assertEquals(List.of("lobby", "dev", "ops"), chat.rooms().all());
        assertEquals("ops", chat.rooms().current());
        chat.received(new Left("ops", "alice", "leave", AT, "r9"));
        assertEquals("dev", chat.rooms().current());
        chat.received(new Left("lobby", "bob", "leave", AT, null));
        assertEquals(List.of("lobby", "dev"), chat.rooms().all());
        chat.received(new Left("dev", "alice", "leave", AT, null));
        chat.received(new Left("lobby", "alice", "leave", AT, null));
        assertNull(chat.rooms().current());
        assertEquals("> ", chat.prompt());
    }

    @Test
    void theRosterFollowsJoinsLeavesAndRenamesForCompletion() {
        chat.seedMembersForCompletion();
        chat.hello("alice", null);
        chat.received(welcome("alice", "t", "e"));
        Reaction joinedLobby = chat.received(joined("lobby", "alice"));
        Request.Who who = assertInstanceOf(Request.Who.class, joinedLobby.send().getFirst());
        assertEquals("lobby", who.room());
        assertEquals(List.of(), lines(chat.received(new Event.Members("lobby", List.of("alice", "Bob"), who.ref()))),
                "the seeding who is not shown");
        chat.received(joined("lobby", "carol"));
        chat.received(new Event.Renamed("carol", "Caroline", AT, null));
        assertEquals(List.of("Bob", "Caroline"), List.copyOf(chat.knownNicks()));
        assertEquals(3, chat.membersIn("lobby"));
        chat.received(new Left("lobby", "bob", "quit", AT, null));
        assertEquals(2, chat.membersIn("lobby"));
    }

    // ---- history ----

    @Test
    void historyPagesBackFromTheOldestLineShown() {
        registeredInLobby();
        for (long id = 13; id <= 15; id++) {
            chat.received(replayed(id, "lobby", "bob", "earlier " + id));
        }
        assertEquals(List.of("-!- end of history of lobby (more: /history)"),
                lines(chat.received(new HistoryEnd("lobby", 3, true, 15, null))));
        History first = assertInstanceOf(History.class, chat.typed("/history").send().getFirst());
        assertEquals(new History("lobby", 13L, null, 20, first.ref()), first);
        assertFalse(chat.allAnswered());
        for (long id = 1; id <= 12; id++) {
            assertEquals(1, chat.received(replayed(id, "lobby", "bob", "earlier " + id)).show().size(), "page line " + id);
        }
        assertEquals(List.of("-!- end of history of lobby"), lines(chat.received(new HistoryEnd("lobby", 12, false, 15, first.ref()))));
        assertTrue(chat.allAnswered());
        History second = assertInstanceOf(History.class, chat.typed("/history").send().getFirst());
        assertEquals(1L, second.before(), "the next page starts before the oldest now shown");
        History counted = assertInstanceOf(History.class, chat.typed("/history 5").send().getFirst());
        assertEquals(new History("lobby", null, null, 5, counted.ref()), counted, "with a number: the room's last N");
    }

    @Test
    void afterHistoryNTheNextPageIsOlderThanTheOldestOfThose() {
        registeredInLobby();
        for (long id = 1; id <= 10; id++) {
            chat.received(replayed(id, "lobby", "bob", "said " + id));
        }
        chat.received(new HistoryEnd("lobby", 10, false, 10, null));
        History three = assertInstanceOf(History.class, chat.typed("/history 3").send().getFirst());
        for (long id = 8; id <= 10; id++) {
            chat.received(replayed(id, "lobby", "bob", "said " + id));
        }
        assertEquals(List.of("-!- end of history of lobby (more: /history)"),
                lines(chat.received(new HistoryEnd("lobby", 3, true, 10, three.ref()))));
        History next = assertInstanceOf(History.class, chat.typed("/history").send().getFirst());
        assertEquals(8L, next.before(), "pages on from what /history 3 showed, not from id 1");
    }

    @Test
    void aReplayTooLongForOnePageIsFetchedPageByPageUntilCaughtUp() {
        registeredInLobby();
        chat.received(live(1, "lobby", "bob", "before the drop"));
        chat.connectionLost();
        assertEquals(Replay.after(1), ((Hello) chat.resumeHello()).replay());
        chat.received(welcome("alice", "token-2", "epoch-1"));
        chat.received(joined("lobby", "alice"));
        chat.received(replayed(2, "lobby", "bob", "one"));
        chat.received(replayed(3, "lobby", "bob", "two"));
        Reaction end = chat.received(new HistoryEnd("lobby", 2, true, 11, null));
        assertEquals(List.of(), end.show(), "not the end yet");
        History page = assertInstanceOf(History.class, end.send().getFirst());
        assertEquals(new History("lobby", null, 3L, 500, page.ref()), page);
        chat.received(live(12, "lobby", "bob", "said live meanwhile"));
        for (long id = 4; id <= 11; id++) {
            assertEquals(1, chat.received(replayed(id, "lobby", "bob", "gap " + id)).show().size());
        }
        assertEquals(List.of(), chat.received(replayed(12, "lobby", "bob", "said live meanwhile")).show(),
                "a page line past the gap was shown live already");
        Reaction last = chat.received(new HistoryEnd("lobby", 9, false, 12, page.ref()));
        assertEquals(List.of(), last.send());
        assertEquals(List.of(), last.show(), "our own catch-up pages end quietly");
    }

    @Test
    void aJoinWithNoHistoryStillKnowsWhereTheRoomStoodAndCatchesUpOnlyAfterThat() {
        chat.askHistoryOnJoin(0);
        Hello first = assertInstanceOf(Hello.class, chat.hello("eve", null));
        assertEquals(Replay.last(0), first.replay());
        chat.received(welcome("eve", "token-1", "epoch-1"));
        chat.received(joined("lobby", "eve"));
        Reaction end = chat.received(new HistoryEnd("lobby", 0, true, 20, null));
        assertEquals(List.of(), end.send(), "older history is not a gap to fetch");
        assertEquals(List.of(), end.show());
        chat.connectionLost();
        assertEquals(Replay.after(20), ((Hello) chat.resumeHello()).replay(), "only what came after joining");
    }

    // ---- sending, losing the connection and resuming ----

    @Test
    void aSaidLineIsSentAndSettledByItsAcknowledgement() {
        registeredInLobby();
        Say say = typedSay("hello");
        assertEquals(new Say("lobby", "hello", false, say.ref()), say, "every line names the client's current room");
        assertFalse(chat.allAnswered());
        assertEquals(List.of("09:15 <alice> hello"), lines(chat.received(ack(1, "lobby", "hello", say.ref()))));
        assertTrue(chat.allAnswered());
    }

    @Test
    void afterAReconnectItResumesRejoinsAfterTheLastSeenIdsAndResendsWhatWasNotAcknowledged() {
        registeredInLobby();
        chat.received(joined("dev", "alice"));
        chat.received(live(41, "lobby", "bob", "in lobby"));
        chat.received(live(7, "dev", "bob", "in dev"));
        Say acked = typedSay("acknowledged");
        chat.received(ack(8, "dev", "acknowledged", acked.ref()));
        Say lost1 = typedSay("lost one");
        Say lost2 = typedSay("lost two");

        chat.connectionLost();
        assertFalse(chat.isRegistered());
        Reaction offline = chat.typed("typed while away");
        assertEquals(List.of(), offline.send(), "nothing goes out while disconnected");
        assertEquals(List.of("-!- not connected; will send when reconnected: typed while away"), lines(offline));
        assertEquals(List.of("!!! not connected right now; reconnecting, try again in a moment"), lines(chat.typed("/who")));

        Hello hello = assertInstanceOf(Hello.class, chat.resumeHello());
        assertEquals("alice", hello.nick());
        assertEquals("token-1", hello.resume());
        assertEquals("lobby", hello.room(), "the first room comes back with the hello");
        assertEquals(Replay.after(41), hello.replay());

        assertEquals(List.of("-!- reconnected"), lines(chat.received(welcome("alice", "token-2", "epoch-1"))),
                "said once, before the rejoins' notices");
        chat.received(joined("lobby", "alice"));
        List<Request> rest = chat.rejoinAndResend();
        assertEquals(new Join("dev", Replay.after(8), null), rest.get(0));
        List<Request> resent = rest.subList(1, rest.size());
        assertEquals(List.of("lost one", "lost two", "typed while away"), resent.stream().map(r -> ((Say) r).text()).toList());
        assertEquals(lost1.ref(), resent.get(0).ref(), "a resent line keeps its ref, so the server does not say it twice");
        assertEquals(lost2.ref(), resent.get(1).ref());
        assertEquals(List.of("lobby", "dev"), chat.rooms().all(), "each room keeps its window number");
        assertEquals("dev", chat.rooms().current(), "and the person stays where they were");
    }

    @Test
    void aLineTypedAfterTheWelcomeBackIsNotResentAgain() {
        registeredInLobby();
        Say lost = typedSay("lost");
        chat.connectionLost();
        chat.resumeHello();
        chat.received(welcome("alice", "token-2", "epoch-1"));
        Say fresh = typedSay("fresh"); // sent on the new connection already
        List<Request> resent = chat.rejoinAndResend();
        assertEquals(List.of(lost), resent);
        assertFalse(resent.contains(fresh));
        chat.connectionLost();
        chat.resumeHello();
        chat.received(welcome("alice", "token-3", "epoch-1"));
        assertEquals(List.of(lost, fresh), chat.rejoinAndResend(), "both unacknowledged after the next drop");
    }

    @Test
    void aResentLineAcknowledgedAgainIsNotShownTwice() {
        registeredInLobby();
        chat.received(live(4, "lobby", "bob", "before"));
        Say lost = typedSay("mine"); // the server said it as id 5, but its acknowledgement was lost
        chat.connectionLost();
        chat.resumeHello();
        chat.received(welcome("alice", "token-2", "epoch-1"));
        chat.received(joined("lobby", "alice"));
        assertEquals(List.of("--- new since you were away ---", "09:15 <alice> mine"),
                lines(chat.received(replayed(5, "lobby", "alice", "mine"))), "caught up: shown once, under the marker");
        chat.received(new HistoryEnd("lobby", 1, false, 5, null));
        assertEquals(List.of(lost), chat.rejoinAndResend());
        assertEquals(List.of(), chat.received(ack(5, "lobby", "mine", lost.ref())).show(), "the second acknowledgement is not shown");
        assertTrue(chat.allAnswered());
        assertEquals(1, chat.received(live(6, "lobby", "bob", "after")).show().size());
    }

    @Test
    void linesRefusedByFloodControlAreSentAgainAFewAtATimeInTheOrderTypedWithThoseTypedMeanwhileBehindThem() {
        registeredInLobby();
        List<Say> typed = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            typed.add(typedSay("line " + i));
        }
        assertEquals(List.of("-!- faster than the server's flood control allows; what you type is kept and sent again in a moment"),
                lines(chat.received(new ErrorReply("rate_limited", "wait", typed.get(3).ref()))), "told once");
        for (int i = 4; i < 10; i++) {
            assertEquals(List.of(), lines(chat.received(new ErrorReply("rate_limited", "wait", typed.get(i).ref()))));
        }
        assertFalse(chat.allAnswered(), "a script does not end with lines still to send");
        Reaction behind = chat.typed("typed while they wait");
        assertEquals(List.of(), behind.send(), "not sent before the lines typed earlier");
        List<String> sentAgain = new java.util.ArrayList<>();
        while (chat.awaitingRetry()) {
            List<Request> batch = chat.retryNow().send();
            assertTrue(batch.size() <= 4, "a few at a time: " + batch.size());
            batch.forEach(r -> sentAgain.add(((Say) r).text()));
        }
        assertEquals(List.of("line 3", "line 4", "line 5", "line 6", "line 7", "line 8", "line 9", "typed while they wait"),
                sentAgain, "in the order typed");
        // Refused again: waits again, nothing lost.
        assertEquals(List.of(), lines(chat.received(new ErrorReply("rate_limited", "wait", typed.get(9).ref()))));
        assertEquals(List.of(typed.get(9)), chat.retryNow().send());
    }

    @Test
    void aServerThatRestartedWithoutHistoryMakesTheOldIdsMeaningless() {
        registeredInLobby();
        chat.received(joined("dev", "alice"));
        chat.received(live(90, "dev", "bob", "old"));
        chat.connectionLost();
        chat.resumeHello();
        assertEquals(List.of("-!- the server restarted without keeping history; what was said meanwhile is lost",
                        "-!- reconnected"),
                lines(chat.received(welcome("alice", "token-2", "epoch-2"))));
        assertEquals(new Join("dev", Replay.DEFAULT, null), chat.rejoinAndResend().getFirst());
        assertEquals(1, chat.received(live(1, "dev", "bob", "new id 1")).show().size(), "id 1 is new on this server");
    }

    @Test
    void aTakenNickIsRetriedWithAVariantWithoutTheToken() {
        registeredInLobby();
        chat.connectionLost();
        Hello resume = assertInstanceOf(Hello.class, chat.resumeHello());
        chat.received(new ErrorReply("nick_taken", "taken", resume.ref()));
        assertTrue(chat.nickTaken());
        Reaction other = chat.helloAsAnother();
        assertEquals(List.of("-!- alice is taken now; trying alice_"), lines(other));
        Hello hello = assertInstanceOf(Hello.class, other.send().getFirst());
        assertEquals("alice_", hello.nick());
        assertNull(hello.resume());
        assertEquals("lobby", hello.room());
    }

    @Test
    void quittingIsSentAndTheServersByeIsThenNotShown() {
        registeredInLobby();
        Reaction quit = chat.typed("/quit lunch");
        assertEquals(new Request.Quit("lunch", quit.send().getFirst().ref()), quit.send().getFirst());
        assertTrue(chat.isQuitting());
        assertEquals(List.of(), chat.received(new Event.Bye("quit", "client quit: lunch")).show());
        assertEquals("quit", chat.bye().code());
    }

    @Test
    void linesTheClusterCannotStoreAreKeptSaidOnceAndSentAgainWithTheirRefs() {
        registeredInLobby();
        Say first = typedSay("one");
        Say second = typedSay("two");
        Reaction refused = chat.received(new ErrorReply("unavailable", "cluster unavailable", first.ref()));
        assertEquals(List.of("-!- the server cannot store lines just now; what you type is kept and sent again in a moment"),
                lines(refused), "told once, not as an error per line");
        assertEquals(List.of(), lines(chat.received(new ErrorReply("unavailable", "cluster unavailable", second.ref()))));
        assertTrue(chat.awaitingRetry());
        assertFalse(chat.allAnswered(), "a script does not end with lines still to send");
        List<Request> again = chat.retryNow().send();
        assertEquals(List.of(first.ref(), second.ref()), again.stream().map(Request::ref).toList(), "same refs, typed order");
        assertFalse(chat.awaitingRetry());
        assertEquals(List.of("09:15 <alice> one"), lines(chat.received(ack(5, "lobby", "one", first.ref()))));
        assertEquals(List.of("09:15 <alice> two"), lines(chat.received(ack(6, "lobby", "two", second.ref()))));
        assertTrue(chat.allAnswered());
    }

    @Test
    void aWhoAnswerOlderThanAJoinThatOvertookItDoesNotDropTheJoiner() {
        registeredInLobby();
        chat.received(joined("lobby", "bob"));
        chat.received(new Event.Members("lobby", List.of("alice", "carol"), java.util.Map.of(), false, null));
        assertEquals(java.util.Set.of("bob", "carol"), chat.knownNicks(), "bob joined after the answer was made");
    }
}
