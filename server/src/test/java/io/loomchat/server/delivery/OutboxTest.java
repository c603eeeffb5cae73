package io.loomchat.server.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.server.ops.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The outbox on its own: a byte array for a socket, the test's thread for the writer. */
class OutboxTest {

    private static byte[] line(String s) {
        return (s + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void linesGoOutInOrderThenTheFinalLineAndNothingAfterIt() throws Exception {
        Outbox outbox = new Outbox(1_000, new Metrics(), Ticker.system(), OutboxBudget.unlimited());
        assertEquals(Outbox.Offer.ACCEPTED, outbox.offer(line("a"), null));
        assertEquals(Outbox.Offer.ACCEPTED, outbox.offer(line("b"), null));
        assertTrue(outbox.close(line("bye"), false));
        assertFalse(outbox.close(line("again"), false), "closing twice does nothing");
        assertEquals(Outbox.Offer.CLOSED, outbox.offer(line("late"), null));
        ByteArrayOutputStream socket = new ByteArrayOutputStream();
        outbox.drainTo(socket);
        assertEquals("a\nb\nbye\n", socket.toString(StandardCharsets.UTF_8));
    }

    @Test
    void pastItsLimitAnOfferIsRefusedAndPastHalfItSaysBacklogged() {
        Outbox outbox = new Outbox(100, new Metrics(), Ticker.system(), OutboxBudget.unlimited());
        assertEquals(Outbox.Offer.ACCEPTED, outbox.offer(new byte[40], null));
        assertEquals(Outbox.Offer.ACCEPTED_BACKLOGGED, outbox.offer(new byte[40], null));
        assertEquals(Outbox.Offer.OVERFLOW, outbox.offer(new byte[21], null), "101 bytes would be over 100");
        assertEquals(Outbox.Offer.ACCEPTED_BACKLOGGED, outbox.offer(new byte[20], null), "exactly the limit fits");
    }

    @Test
    void aSlowConsumersCloseDropsWhatIsPendingButNotTheFinalLine() throws Exception {
        Outbox outbox = new Outbox(1_000, new Metrics(), Ticker.system(), OutboxBudget.unlimited());
        outbox.offer(line("stale 1"), null);
        outbox.offer(line("stale 2"), null);
        outbox.close(line("bye slow"), true);
        ByteArrayOutputStream socket = new ByteArrayOutputStream();
        outbox.drainTo(socket);
        assertEquals("bye slow\n", socket.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aClientBehindCountsInTheSharedBudgetInStepsRoundedUpAndNothingOnceDrained() throws Exception {
        OutboxBudget budget = new OutboxBudget(1L << 30);
        // Limit 32,000 bytes: counted beyond an eighth (4,000), in steps of a 32nd (1,000).
        Outbox outbox = new Outbox(32_000, new Metrics(), System::nanoTime, budget);
        long held = 0;
        long moves = 0;
        long before = 0;
        for (int i = 0; i < 200; i++) {
            outbox.offer(new byte[100], null);
            held += 100;
            long beyond = Math.max(0, held - 4_000);
            long counted = budget.queued();
            assertTrue(counted >= beyond && counted < beyond + 1_000 && counted % 1_000 == 0,
                    "holding " + held + " bytes, the budget counts " + counted);
            if (counted != before) {
                moves++;
                before = counted;
            }
        }
        assertEquals(16, moves, "16,000 bytes beyond the eighth move the shared counter 16 times, not 160");
        assertTrue(outbox.close(null, false));
        outbox.drainTo(new ByteArrayOutputStream());
        assertEquals(0, budget.queued(), "a drained outbox counts nothing");
    }

    @Test
    void aBurstIsQueuedInOrderAsEachMemberReceivesItAndStopsAtTheLimit() throws Exception {
        Object alice = new Object();
        Object bob = new Object();
        io.loomchat.server.delivery.Burst burst = new io.loomchat.server.delivery.Burst();
        DeliveryBatch batch = new DeliveryBatch();
        burst.add(batch, alice, null, line("1"), null, line("1 ack"));
        burst.add(batch, bob, null, line("2"), null, line("2 ack"));
        burst.add(batch, alice, null, line("3"), null, line("3 ack"));

        Outbox bobs = new Outbox(1_000, new Metrics(), Ticker.system(), OutboxBudget.unlimited());
        assertEquals(Outbox.Offer.ACCEPTED, bobs.offer(burst, bob, null));
        bobs.close(null, false);
        ByteArrayOutputStream socket = new ByteArrayOutputStream();
        bobs.drainTo(socket);
        assertEquals("1\n2 ack\n3\n", socket.toString(StandardCharsets.UTF_8), "bob's own line is his ack");

        Outbox limited = new Outbox(8, new Metrics(), Ticker.system(), OutboxBudget.unlimited()); // "1\n" and "2 ack\n" are exactly 8 bytes; "3\n" is over
        assertEquals(Outbox.Offer.OVERFLOW, limited.offer(burst, bob, null));
        limited.close(null, false);
        socket.reset();
        limited.drainTo(socket);
        assertEquals("1\n2 ack\n", socket.toString(StandardCharsets.UTF_8), "the lines before the refused one stay queued");
    }

    @Test
    void aSenderWaitsLongerForAReaderTheCloserItIsToItsLimitButNotForever() {
        long justOverHalf = settleWithBacklog(510);
        long nearlyFull = settleWithBacklog(990);
        assertTrue(justOverHalf >= TimeUnit.MILLISECONDS.toNanos(9), "at half full the stall is 10 ms: " + justOverHalf);
        assertTrue(nearlyFull >= TimeUnit.MILLISECONDS.toNanos(90), "near the limit about 100 ms: " + nearlyFull);
        assertTrue(nearlyFull < TimeUnit.SECONDS.toNanos(5), "and bounded: " + nearlyFull);
    }

    /** How long a settle waits for an outbox of 1,000 bytes holding {@code bytes} that nobody drains. */
    private static long settleWithBacklog(int bytes) {
        Outbox outbox = new Outbox(1_000, new Metrics(), Ticker.system(), OutboxBudget.unlimited());
        DeliveryBatch batch = new DeliveryBatch();
        assertEquals(Outbox.Offer.ACCEPTED_BACKLOGGED, outbox.offer(new byte[bytes], batch));
        batch.backlogged(outbox);
        long start = System.nanoTime();
        batch.settle();
        return System.nanoTime() - start;
    }

    @Test
    void aBatchedOfferWakesTheWriterOnlyWhenTheBatchIsSettled() {
        Outbox outbox = new Outbox(1_000, new Metrics(), Ticker.system(), OutboxBudget.unlimited());
        DeliveryBatch batch = new DeliveryBatch();
        outbox.offer(line("a"), batch);
        outbox.offer(line("b"), batch);
        assertTrue(outbox.isDraining(), "no write in progress");
        batch.settle(); // wakes the writer once; nothing to wait for
        assertFalse(outbox.isClosing());
    }

    /** A socket stand-in that hands each flushed write to the test. */
    private static final class Writes extends OutputStream {
        final LinkedBlockingQueue<String> flushed = new LinkedBlockingQueue<>();
        private final ByteArrayOutputStream current = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            current.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            current.write(b, off, len);
        }

        @Override
        public void flush() {
            flushed.add(current.toString(StandardCharsets.UTF_8));
            current.reset();
        }
    }

    /** The outbox's writer on a thread of its own, writing into {@code socket}. */
    private static Thread writer(Outbox outbox, Writes socket) {
        return Thread.ofVirtual().start(() -> {
            try {
                outbox.drainTo(socket);
            } catch (Exception e) {
                // the test fails on what was written
            }
        });
    }

    private static void awaitWriterWaiting(Outbox outbox) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!outbox.isWriterWaiting()) {
            assertTrue(System.nanoTime() < deadline, "the writer never started waiting");
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    @Test
    void presenceWaitsForTheNextLineThatMayNotWaitAndGoesOutWithIt() throws Exception {
        Outbox outbox = new Outbox(1_000, new Metrics(), Ticker.system(), OutboxBudget.unlimited());
        PresenceFlush never = new PresenceFlush(); // not started: only another line can wake the writer
        DeliveryBatch batch = new DeliveryBatch(never);
        Writes socket = new Writes();
        Thread writer = writer(outbox, socket);
        awaitWriterWaiting(outbox);
        outbox.offer(line("joined bob"), batch.presence());
        outbox.offer(line("joined carol"), batch.presence());
        batch.settle();
        outbox.offer(line("message"), batch);
        batch.settle();
        assertEquals("joined bob\njoined carol\nmessage\n", socket.flushed.poll(10, TimeUnit.SECONDS),
                "one write, in order, as soon as the message was queued");
        outbox.close(null, false);
        writer.join(10_000);
    }

    @Test
    void presenceAloneGoesOutWhenTheFlushComes() throws Exception {
        Outbox outbox = new Outbox(1_000, new Metrics(), Ticker.system(), OutboxBudget.unlimited());
        PresenceFlush flush = new PresenceFlush();
        flush.start();
        try {
            DeliveryBatch batch = new DeliveryBatch(flush);
            Writes socket = new Writes();
            Thread writer = writer(outbox, socket);
            awaitWriterWaiting(outbox);
            outbox.offer(line("left bob"), batch.presence());
            batch.settle(); // owes no one an immediate wake-up
            assertEquals("left bob\n", socket.flushed.poll(10, TimeUnit.SECONDS));
            outbox.close(null, false);
            writer.join(10_000);
        } finally {
            flush.stop();
        }
    }
}
