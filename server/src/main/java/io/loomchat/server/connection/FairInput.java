package io.loomchat.server.connection;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.locks.LockSupport;

/**
 * A connection's input that takes turns. Virtual threads are not time-sliced: a read loop whose client
 * always has more input ready never blocks, so it would keep its carrier thread, and a couple of such
 * clients on a small machine would stop every other connection (and anything else scheduled on the
 * carriers). After {@code bytesPerTurn} bytes, or when the read loop asks, the reading thread yields.
 * Yielding alone is not always enough: the scheduler may hand the carrier straight back. So after every
 * {@link #BYTES_BEFORE_PAUSE} the reader also pauses for {@link #PAUSE_NANOS}, which frees its carrier for
 * certain. That caps one connection at 256 MB/s of input, far beyond any chat, and costs a person
 * nothing. Counts what was read, so a closing connection can bound what it still drains. Read loop only.
 */
final class FairInput extends FilterInputStream {

    /** Bytes read after which the reader pauses. */
    static final long BYTES_BEFORE_PAUSE = 256 * 1024;
    /** How long: short for the reader, long enough for every other runnable thread to get a carrier. */
    static final long PAUSE_NANOS = 1_000_000;

    private final int bytesPerTurn;
    private long total;
    private long thisTurn;
    private long sincePause;

    FairInput(InputStream in, int bytesPerTurn) {
        super(in);
        this.bytesPerTurn = bytesPerTurn;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    private void counted(int n) {
        total += n;
        thisTurn += n;
        sincePause += n;
        if (sincePause >= BYTES_BEFORE_PAUSE) {
            sincePause = 0;
            thisTurn = 0;
            LockSupport.parkNanos(PAUSE_NANOS);
        } else if (thisTurn >= bytesPerTurn) {
            yieldTurn();
        }
    }

    /** Lets other virtual threads run before this one goes on. */
    void yieldTurn() {
        thisTurn = 0;
        Thread.yield();
    }

    /** Bytes read so far. */
    long total() {
        return total;
    }
}
