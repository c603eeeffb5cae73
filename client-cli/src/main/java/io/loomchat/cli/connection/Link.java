package io.loomchat.cli.connection;

import io.loomchat.protocol.BoundedLineReader;
import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Request;
import java.io.IOException;
import java.net.Socket;

/**
 * One connection to the server; a reconnect makes a new one. A virtual thread reads it and hands every line
 * to its {@link Inbound}; requests go out through an {@link Outbox} with a writer thread of its own, so a
 * write that stalls (a server that stopped reading, a full TCP window) never stops the reading.
 */
public final class Link implements AutoCloseable {

    /** Big enough for any room listing a server sends; a server is trusted more than a peer, not blindly. */
    public static final int MAX_SERVER_LINE_BYTES = 4 * 1024 * 1024;

    /** Where a link's lines go; called on its reader thread, one line at a time. */
    public interface Inbound {

        /** One line from the server, without its end: {@code line[0..length)}, valid during the call only. */
        void line(Link from, byte[] line, int length);

        /** A line longer than {@link #MAX_SERVER_LINE_BYTES} was skipped. */
        void tooLong(Link from);

        /** The connection ended, by either side or broken; the last call for this link. */
        void ended(Link from);
    }

    private final Socket socket;
    private final Outbox outbox;
    private volatile boolean ended;

    /** Takes over a connected socket; nothing is read or written until {@link #start}. */
    public Link(Socket socket) throws IOException {
        this.socket = socket;
        this.outbox = new Outbox(socket.getOutputStream(), this::close);
    }

    /** Starts the reader and the writer. */
    public void start(Inbound inbound) {
        outbox.start();
        Thread.ofVirtual().name("loomchat-cli-reader").start(() -> readLoop(inbound));
    }

    /** Queues a request; never waits for the network. Fails once the link is closed. */
    public void send(Request request) throws IOException {
        outbox.offer(Codec.encode(request));
    }

    /** Whether the reader has seen the end of the connection. */
    public boolean ended() {
        return ended;
    }

    @Override
    public void close() {
        outbox.close();
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void readLoop(Inbound inbound) {
        try {
            BoundedLineReader lines = new BoundedLineReader(socket.getInputStream(), MAX_SERVER_LINE_BYTES);
            for (int n; (n = lines.next()) != BoundedLineReader.EOF; ) {
                if (n == BoundedLineReader.TOO_LONG) {
                    inbound.tooLong(this);
                } else {
                    inbound.line(this, lines.line(), n);
                }
            }
        } catch (IOException e) {
            // the connection is gone; the inbound decides what happens next
        } finally {
            ended = true; // before the call, so that anyone it wakes sees it
            inbound.ended(this);
        }
    }
}
