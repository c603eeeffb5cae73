package io.loomchat.server;

import io.loomchat.server.connection.DeliveryBatch;
import io.loomchat.server.connection.Outbox;
import io.loomchat.server.ops.Metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The outbox on its own: a byte array for a socket, the test's thread for the writer. */
class OutboxTest {

    private static byte[] line(String s) {
        return (s + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void linesGoOutInOrderThenTheFinalLineAndNothingAfterIt() throws Exception {
        Outbox outbox = new Outbox(1_000, new Metrics());
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
        Outbox outbox = new Outbox(100, new Metrics());
        assertEquals(Outbox.Offer.ACCEPTED, outbox.offer(new byte[40], null));
        assertEquals(Outbox.Offer.ACCEPTED_BACKLOGGED, outbox.offer(new byte[40], null));
        assertEquals(Outbox.Offer.OVERFLOW, outbox.offer(new byte[21], null), "101 bytes would be over 100");
        assertEquals(Outbox.Offer.ACCEPTED_BACKLOGGED, outbox.offer(new byte[20], null), "exactly the limit fits");
    }

    @Test
    void aSlowConsumersCloseDropsWhatIsPendingButNotTheFinalLine() throws Exception {
        Outbox outbox = new Outbox(1_000, new Metrics());
        outbox.offer(line("stale 1"), null);
        outbox.offer(line("stale 2"), null);
        outbox.close(line("bye slow"), true);
        ByteArrayOutputStream socket = new ByteArrayOutputStream();
        outbox.drainTo(socket);
        assertEquals("bye slow\n", socket.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aBatchedOfferWakesTheWriterOnlyWhenTheBatchIsSettled() {
        Outbox outbox = new Outbox(1_000, new Metrics());
        DeliveryBatch batch = new DeliveryBatch();
        outbox.offer(line("a"), batch);
        outbox.offer(line("b"), batch);
        assertTrue(outbox.isDraining(), "no write in progress");
        batch.settle(); // wakes the writer once; nothing to wait for
        assertFalse(outbox.isClosing());
    }
}
