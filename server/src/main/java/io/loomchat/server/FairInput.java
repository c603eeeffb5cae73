package io.loomchat.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A connection's input that takes turns. Virtual threads are not time-sliced: a read loop whose client
 * always has more input ready never blocks, so it would keep its carrier thread, and a couple of such
 * clients on a small machine would stop every other connection (and anything else scheduled on the
 * carriers). After {@code bytesPerTurn} bytes, or when the read loop asks, the reading thread yields.
 * Counts what was read, so a closing connection can bound what it still drains. Read loop only.
 */
final class FairInput extends FilterInputStream {

    private final int bytesPerTurn;
    private long total;
    private long thisTurn;

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
        if (thisTurn >= bytesPerTurn) {
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
