package io.loomchat.bench;

import io.loomchat.server.delivery.DeliveryBatch;
import io.loomchat.server.delivery.Outbox;
import io.loomchat.server.delivery.OutboxBudget;
import io.loomchat.server.delivery.Ticker;
import io.loomchat.server.ops.Metrics;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The outbox: a producer queueing lines while the real writer thread drains them into a sink, and the
 * cost of one queued line with the wake-up deferred to the end of a read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OutboxBenchmark {

    private static final int BURST = 16;

    private final byte[] line = new byte[130];
    private Outbox outbox;
    private Thread writer;
    private DeliveryBatch wakeups;

    @Setup(Level.Trial)
    public void start() {
        outbox = new Outbox(256 * 1024, new Metrics(), Ticker.system(), OutboxBudget.unlimited());
        wakeups = new DeliveryBatch();
        writer = Thread.ofVirtual().start(() -> {
            try {
                outbox.drainTo(OutputStream.nullOutputStream());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        outbox.close(new byte[] {'\n'}, true);
        writer.join();
    }

    /** A burst of lines from one read, then the read loop settles: one wake-up for the burst. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void offerBurstThenSettle() {
        for (int i = 0; i < BURST; i++) {
            if (outbox.offer(line, wakeups) == Outbox.Offer.ACCEPTED_BACKLOGGED) {
                wakeups.backlogged(outbox);
            }
        }
        wakeups.settle();
    }

    /** One line at a time, waking the writer each time it finds the queue empty. */
    @Benchmark
    public Outbox.Offer offerImmediate() {
        Outbox.Offer offer = outbox.offer(line, null);
        if (offer == Outbox.Offer.ACCEPTED_BACKLOGGED) {
            wakeups.backlogged(outbox);
            wakeups.settle();
        }
        return offer;
    }
}
