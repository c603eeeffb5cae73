package io.loomchat.server.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A room's kept messages and the stores behind them, without a server or a socket. */
class HistoryStoreTest {

    @TempDir
    Path dir;

    private static ChatMessage message(long id, String text) {
        return new ChatMessage(id, "lobby", "alice", text, false, Instant.EPOCH, null);
    }

    private static RecentMessages kept(int capacity, int count, HistoryBudget budget) {
        RecentMessages recent = new RecentMessages(capacity, new ArrayDeque<>(), budget);
        for (int id = 1; id <= count; id++) {
            recent.add(message(id, "m" + id));
        }
        return recent;
    }

    private static List<Long> ids(RecentMessages.Page page) {
        return page.messages().stream().map(ChatMessage::id).toList();
    }

    @Test
    void keepsTheLatestUpToItsCapacityAndPagesBackAndForth() {
        RecentMessages recent = kept(5, 8, new HistoryBudget(1 << 20));
        assertEquals(5, recent.size());
        assertEquals(List.of(6L, 7L, 8L), ids(recent.page(null, null, 3, 1 << 20)), "the latest, oldest first");
        RecentMessages.Page back = recent.page(6L, null, 3, 1 << 20);
        assertEquals(List.of(4L, 5L), ids(back), "before 6: what is still kept");
        assertFalse(back.more());
        RecentMessages.Page forward = recent.page(null, 4L, 2, 1 << 20);
        assertEquals(List.of(5L, 6L), ids(forward));
        assertTrue(forward.more(), "7 and 8 remain");
        assertTrue(forward.messages().stream().allMatch(ChatMessage::history), "pages are marked as history");
        assertEquals(Codec.encodeToString(forward.messages().get(0)) + "\n",
                new String(forward.lines().get(0), java.nio.charset.StandardCharsets.UTF_8), "each encoded once, as sent");
    }

    @Test
    void aPageStopsAtTheByteBudgetAndSaysThereIsMore() {
        RecentMessages recent = kept(10, 10, new HistoryBudget(1 << 20));
        int one = Codec.encode(message(10, "m10").asHistory()).length;
        RecentMessages.Page page = recent.page(null, null, 10, 2L * one + one / 2);
        assertEquals(List.of(9L, 10L), ids(page));
        assertTrue(page.more());
    }

    @Test
    void theBudgetCountsEveryRoomAndFreesWhatIsDroppedOrReleased() {
        HistoryBudget budget = new HistoryBudget(1 << 20);
        RecentMessages a = kept(3, 3, budget);
        RecentMessages b = kept(3, 2, budget);
        assertEquals(a.bytes() + b.bytes(), budget.used());
        long before = a.bytes();
        assertEquals(1, a.dropOldest(1), "one message frees at least a byte");
        assertTrue(a.bytes() < before);
        a.release();
        assertEquals(b.bytes(), budget.used());
        b.add(message(3, "m3"));
        b.add(message(4, "m4")); // over capacity: the oldest goes, and its bytes with it
        assertEquals(3, b.size());
        assertEquals(b.bytes(), budget.used());
    }

    @Test
    void noHistoryKeptMeansNothingKept() {
        HistoryBudget budget = new HistoryBudget(1 << 20);
        RecentMessages none = kept(0, 5, budget);
        assertEquals(0, none.size());
        assertEquals(0, budget.used());
        assertFalse(HistoryStore.MEMORY_ONLY.keepsIds(), "memory only: ids go with the room");
    }

    @Test
    void aJournalStoreGivesBackWhatItWasGivenAfterAReopen() throws Exception {
        Event.Topic topic = new Event.Topic("lobby", "release friday", "alice", Instant.EPOCH, null);
        try (JournalDirectory journals = JournalDirectory.open(dir, ServerConfig.Fsync.INTERVAL, 8, 3)) {
            HistoryStore store = new JournalStore(journals.openRoom("lobby", 3, recovered -> { }), false);
            assertTrue(store.keepsIds());
            store.append(topic, Codec.encode(topic));
            for (int id = 1; id <= 5; id++) {
                ChatMessage m = message(id, "m" + id);
                store.append(m, Codec.encode(m));
            }
            store.close();
        }
        AtomicReference<JournalFile.Recovered> back = new AtomicReference<>();
        try (JournalDirectory journals = JournalDirectory.open(dir, ServerConfig.Fsync.INTERVAL, 8, 3)) {
            new JournalStore(journals.openRoom("lobby", 3, back::set), false).close();
        }
        assertEquals(5, back.get().lastId());
        assertEquals("release friday", back.get().topic().topic());
        assertEquals(List.of(3L, 4L, 5L), back.get().tail().stream().map(ChatMessage::id).toList(), "the last three kept");
    }

    /** Descriptors this process holds open on {@code file}, read from /proc. */
    private static long descriptorsOn(Path file) throws java.io.IOException {
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(file.toAbsolutePath());
                } catch (java.io.IOException | UnsupportedOperationException e) {
                    return false; // closed meanwhile
                }
            }).count();
        }
    }

    @Test
    void anIdleJournalGivesItsDescriptorBackAfterFiveSecondsOfTheTicker() throws Exception {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        try (JournalDirectory journals = JournalDirectory.open(dir, ServerConfig.Fsync.INTERVAL, 8, 3, now::get)) {
            HistoryStore store = new JournalStore(journals.openRoom("lobby", 3, recovered -> { }), false);
            ChatMessage m = message(1, "m1");
            store.append(m, Codec.encode(m));
            Path file = JournalFile.pathOf(dir, "lobby");
            assertEquals(1, descriptorsOn(file), "open while written");
            now.addAndGet(java.time.Duration.ofSeconds(4).toNanos());
            now.addAndGet(java.time.Duration.ofSeconds(2).toNanos()); // six seconds idle, on the ticker only
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(3))
                    .until(() -> descriptorsOn(file) == 0);
            store.close();
        }
    }

    @Test
    void aJournalWithIdsOutOfOrderIsRefused() throws Exception {
        Files.write(JournalFile.pathOf(dir, "lobby"), List.of(Codec.encodeToString(message(2, "b")),
                Codec.encodeToString(message(1, "a"))));
        assertThrows(JournalFile.CorruptJournalException.class,
                () -> JournalDirectory.open(dir, ServerConfig.Fsync.INTERVAL, 8, 3));
    }
}
