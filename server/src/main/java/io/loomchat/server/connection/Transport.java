package io.loomchat.server.connection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;

/**
 * What a {@link Session} talks over: a stream of protocol lines in and a stream of lines out. A TCP socket
 * is one; a WebSocket, whose messages are the lines, is another. The session, its read loop and its writer
 * neither know nor care which: limits, flood control, outbox, watchdog and close reasons are the same.
 *
 * <p>Threading as for a socket: {@link #input} is read by the read loop only, {@link #output} written by the
 * writer only; {@link #abort} may come from any thread (the watchdog, a successor) and must unblock both.
 */
public interface Transport {

    /** The client's numeric address, never looked up by name. */
    InetAddress address();

    /** The client's address and port, for logs. */
    String peer();

    /** The door it came in by, for the log: "the chat port" unless said otherwise. */
    default String door() {
        return "the chat port";
    }

    /** The bytes of the client's lines, each ended by {@code \n}; end of stream when the client is gone. */
    InputStream input() throws IOException;

    /** Where the lines for the client go, each ended by {@code \n}; flushed once per batch. */
    OutputStream output() throws IOException;

    /** The last line is out: tells the client nothing more comes (TCP FIN, a WebSocket close frame). */
    void finishOutput() throws IOException;

    /** Closes at once, unblocking a read or a write stuck on a client that stopped reading. Never blocks long. */
    void abort();

    /** Runs {@code ready} once lines can flow: at once, or for TLS when its handshake is done. Never blocks. */
    default void whenReady(Runnable ready) {
        ready.run();
    }
}
