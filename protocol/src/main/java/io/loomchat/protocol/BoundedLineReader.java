package io.loomchat.protocol;

import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream into lines ended by {@code \n} (a {@code \r} before it is dropped), never holding
 * more than {@code maxLineBytes} of one line. {@code BufferedReader.readLine()} has no such cap, so a peer
 * could make it buffer without end.
 *
 * <p>A line longer than the cap is reported once, as {@link #TOO_LONG}, as soon as the cap is crossed; its
 * remaining bytes are skipped up to and including the next {@code \n}, so the stream stays usable. An
 * unterminated last line before end of stream is dropped: it may be cut short, and the protocol only
 * defines terminated lines.
 *
 * <p>Not thread-safe: one reader per stream, used by that stream's read loop only.
 */
public final class BoundedLineReader {

    /** {@link #next()} result: the stream ended. */
    public static final int EOF = -1;
    /** {@link #next()} result: a line crossed the cap and is being discarded. */
    public static final int TOO_LONG = -2;
    /**
     * {@link #next()} result: the line being discarded has gone on for another max-line-bytes. So a line
     * that never ends still shows up, once per cap's worth, for whoever counts lines (flood control).
     */
    public static final int STILL_TOO_LONG = -3;

    /**
     * The read buffer adapts, as NATS's does: it starts small, doubles whenever a read fills it (a client
     * sending at full speed gets larger reads), and halves after {@link #SHORT_READS_TO_SHRINK} reads in a
     * row used less than a quarter of it (an idle or slow connection holds little). Not beyond 8 KiB: the
     * read loop settles its deliveries once per read, and with 64 KiB reads fan-out receivers fell more
     * than an outbox behind between two settles (docs/BENCHMARKS.md, "An adaptive read buffer").
     */
    static final int MIN_CHUNK_BYTES = 512;
    static final int MAX_CHUNK_BYTES = 8 * 1024;
    static final int SHORT_READS_TO_SHRINK = 8;
    private static final int FIRST_LINE_BYTES = 256;

    private final InputStream in;
    private final int maxLineBytes;
    private final Runnable beforeBlocking;
    private byte[] chunk;
    private int shortReads;
    private int nextChunk = MIN_CHUNK_BYTES;
    private int chunkPos;
    private int chunkEnd;
    private byte[] line = new byte[0];
    private int lineLen;
    private boolean skipping;
    private long skippedSinceReport;
    private final boolean reportEveryCap;

    public BoundedLineReader(InputStream in, int maxLineBytes) {
        this(in, maxLineBytes, () -> { });
    }

    /**
     * {@code beforeBlocking} runs each time everything read so far has been handed out and the reader is
     * about to wait for more: the moment to flush work batched over the lines of one read.
     */
    public BoundedLineReader(InputStream in, int maxLineBytes, Runnable beforeBlocking) {
        this(in, maxLineBytes, beforeBlocking, false);
    }

    /**
     * With {@code reportEveryCap}, a line being discarded is also reported as {@link #STILL_TOO_LONG} for
     * every further max-line-bytes of it, so that a line that never ends still counts, for whoever counts
     * lines; without it, an over-long line is reported once however long it is.
     */
    public BoundedLineReader(InputStream in, int maxLineBytes, Runnable beforeBlocking, boolean reportEveryCap) {
        this.reportEveryCap = reportEveryCap;
        this.beforeBlocking = beforeBlocking;
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.chunk = new byte[MIN_CHUNK_BYTES];
    }

    public int maxLineBytes() {
        return maxLineBytes;
    }

    /**
     * Reads the next line. Returns its length in bytes (its content is {@code line()[0 .. length)}, valid
     * until the next call), or {@link #EOF}, or {@link #TOO_LONG}.
     */
    public int next() throws IOException {
        lineLen = 0;
        while (true) {
            if (chunkPos == chunkEnd && !fill()) {
                skipping = false;
                return EOF;
            }
            int newline = indexOfNewline();
            int end = newline < 0 ? chunkEnd : newline;
            if (skipping) {
                // At most one cap's worth at a time: a read may hold many, and each is reported.
                int skip = reportEveryCap ? (int) Math.min(end - chunkPos, maxLineBytes - skippedSinceReport) : end - chunkPos;
                skippedSinceReport += skip;
                chunkPos += skip;
                if (chunkPos == end && newline >= 0) {
                    chunkPos = newline + 1;
                    skipping = false;
                    skippedSinceReport = 0;
                } else if (reportEveryCap && skippedSinceReport >= maxLineBytes) {
                    skippedSinceReport = 0;
                    return STILL_TOO_LONG;
                }
                continue;
            }
            int take = end - chunkPos;
            if (lineLen + take > maxLineBytes && !endsInCarriageReturnJustOverCap(take, end)) {
                skipping = true;
                skippedSinceReport = 0;
                chunkPos += Math.min(take, maxLineBytes + 1 - lineLen); // up to the first byte over the cap
                lineLen = 0;
                return TOO_LONG;
            }
            append(take);
            chunkPos = end;
            if (newline >= 0) {
                chunkPos = newline + 1;
                if (lineLen > 0 && line[lineLen - 1] == '\r') {
                    lineLen--;
                }
                return lineLen;
            }
        }
    }

    /**
     * A '\r' that turns out to precede '\n' is not content, so a line may reach one byte over the cap if
     * that byte is '\r'. Should the next byte not be '\n', the line crosses the cap on the next read.
     */
    private boolean endsInCarriageReturnJustOverCap(int take, int end) {
        if (lineLen + take != maxLineBytes + 1) {
            return false;
        }
        byte last = take > 0 ? chunk[end - 1] : line[lineLen - 1];
        return last == '\r';
    }

    /** The buffer holding the line returned by the last {@link #next()}. */
    public byte[] line() {
        return line;
    }

    private boolean fill() throws IOException {
        beforeBlocking.run();
        if (nextChunk != chunk.length) {
            chunk = new byte[nextChunk];
        }
        int n = in.read(chunk, 0, chunk.length);
        if (n <= 0) {
            return false;
        }
        chunkPos = 0;
        chunkEnd = n;
        if (n == chunk.length && chunk.length < MAX_CHUNK_BYTES) {
            nextChunk = chunk.length * 2; // taken at the next fill, once this one is handed out
            shortReads = 0;
        } else if (n < chunk.length / 4 && chunk.length > MIN_CHUNK_BYTES) {
            if (++shortReads >= SHORT_READS_TO_SHRINK) {
                nextChunk = chunk.length / 2;
                shortReads = 0;
            }
        } else {
            shortReads = 0;
        }
        return true;
    }

    /** The read buffer's size now (for tests). */
    int chunkBytes() {
        return chunk.length;
    }

    private int indexOfNewline() {
        for (int i = chunkPos; i < chunkEnd; i++) {
            if (chunk[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void append(int count) {
        int needed = lineLen + count;
        if (needed > line.length) {
            int grown = Math.max(FIRST_LINE_BYTES, line.length * 2);
            byte[] bigger = new byte[Math.min(Math.max(grown, needed), maxLineBytes + 1)];
            System.arraycopy(line, 0, bigger, 0, lineLen);
            line = bigger;
        }
        System.arraycopy(chunk, chunkPos, line, lineLen, count);
        lineLen += count;
    }
}
