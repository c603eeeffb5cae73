package io.loomchat.server.delivery;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;

/**
 * A writer thread's buffer: copies a batch of small lines into one write, so that a burst of chat lines
 * goes out in one system call. Kept from one turn to the next while the writer is busy, dropped before it
 * waits, so an idle connection holds no write buffer. Writer thread only.
 */
final class Coalescer {

    /** Big enough that a burst of chat lines goes out in one write. */
    private static final int COALESCE_BYTES = 16 * 1024;

    private byte[] coalesce;

    /** Lets the buffer go: the writer is about to wait. */
    void drop() {
        coalesce = null;
    }

    /** Writes and empties {@code batch}; returns the bytes written. */
    long write(OutputStream out, ArrayDeque<byte[]> batch) throws IOException {
        long batchBytes = 0;
        for (byte[] line : batch) {
            batchBytes += line.length;
        }
        // Kept while the writer is busy: allocating (and zeroing) a fresh one per batch was a twelfth of the
        // server's samples at full-speed fan-out to 1,000.
        int need = (int) Math.min(batchBytes, COALESCE_BYTES);
        byte[] coalesce = this.coalesce;
        if (coalesce == null || coalesce.length < need) {
            // in powers of two from 512 bytes, so that a writer that speeds up reallocates a few times, not every turn
            coalesce = this.coalesce = new byte[Math.min(COALESCE_BYTES, Math.max(512, Integer.highestOneBit(need - 1) << 1))];
        }
        long total = 0;
        int filled = 0;
        for (byte[] line; (line = batch.pollFirst()) != null; ) {
            total += line.length;
            if (line.length > coalesce.length - filled) {
                if (filled > 0) {
                    out.write(coalesce, 0, filled);
                    filled = 0;
                }
                if (line.length > coalesce.length) {
                    out.write(line);
                    continue;
                }
            }
            System.arraycopy(line, 0, coalesce, filled, line.length);
            filled += line.length;
        }
        if (filled > 0) {
            out.write(coalesce, 0, filled);
        }
        return total;
    }
}
