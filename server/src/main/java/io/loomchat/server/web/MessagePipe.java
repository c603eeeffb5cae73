package io.loomchat.server.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A WebSocket's messages as the lines a session's read loop reads: each text message becomes one line (its
 * raw line breaks, JSON whitespace at most, become spaces, so one message can never be read as two). The
 * connection's frame reader puts messages in, the session's read loop takes bytes out. Bounded: a reader
 * that falls behind makes the frame reader wait, and TCP then slows the browser down, as it does a TCP
 * client. Only the lock's waits block; nothing blocks while holding it.
 */
final class MessagePipe extends InputStream {

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>(); // guarded by lock
    private int queued; // guarded by lock: bytes in chunks, the head's read part excluded
    private int headOffset; // guarded by lock
    private boolean ended; // guarded by lock: no more input (the client closed, or the connection is gone)

    MessagePipe(int capacity) {
        this.capacity = capacity;
    }

    /**
     * Frame reader: adds a message's text ({@code last}: the message ends here, a line end follows). Waits
     * while the pipe is full. Returns false once the pipe has ended; the text is then dropped.
     */
    boolean put(String text, boolean last) throws InterruptedException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int length = bytes.length;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n' || bytes[i] == '\r') {
                bytes[i] = ' ';
            }
        }
        if (last) {
            bytes = Arrays.copyOf(bytes, length + 1);
            bytes[length] = '\n';
        }
        lock.lock();
        try {
            // A message bigger than the whole pipe still goes in, alone: the line reader caps it.
            while (!ended && queued > 0 && queued + bytes.length > capacity) {
                writable.await();
            }
            if (ended) {
                return false;
            }
            if (bytes.length > 0) {
                chunks.addLast(bytes);
                queued += bytes.length;
                readable.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** No more input: the reader sees the end of the stream once it has read what is queued. */
    void end() {
        lock.lock();
        try {
            ended = true;
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (chunks.isEmpty()) {
                if (ended) {
                    return -1;
                }
                readable.await();
            }
            int copied = 0;
            while (copied < length && !chunks.isEmpty()) {
                byte[] head = chunks.peekFirst();
                int n = Math.min(length - copied, head.length - headOffset);
                System.arraycopy(head, headOffset, into, offset + copied, n);
                copied += n;
                headOffset += n;
                if (headOffset == head.length) {
                    chunks.pollFirst();
                    headOffset = 0;
                }
            }
            queued -= copied;
            writable.signal();
            return copied;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a WebSocket message");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return queued;
        } finally {
            lock.unlock();
        }
    }
}
