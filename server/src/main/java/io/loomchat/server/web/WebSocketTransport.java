package io.loomchat.server.web;

import io.loomchat.server.connection.Transport;

import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A browser's WebSocket as a session's transport: each line the session writes goes out as one text
 * message (without its line end), and each text message that comes in is one line
 * ({@link MessagePipe}).
 *
 * <p>Threads: Helidon's thread for this connection reads frames and feeds the pipe; the session's read loop
 * reads the pipe; its writer sends. {@link #abort} interrupts the frame reader and a writer inside a send:
 * a virtual thread interrupted in socket I/O closes the socket, which is the only way to end a send stuck
 * on a browser that stopped reading.
 */
final class WebSocketTransport implements Transport {

    private final WsSession ws;
    private final InetAddress address;
    private final String peer;
    private final MessagePipe pipe;
    private final Thread frameReader;
    private final MessageOutput output = new MessageOutput();
    private volatile Thread writer; // the session's writer, once it has sent something

    WebSocketTransport(WsSession ws, InetSocketAddress remote, MessagePipe pipe, Thread frameReader) {
        this.ws = ws;
        this.address = remote.getAddress();
        this.peer = address.getHostAddress() + ":" + remote.getPort() + " (web)";
        this.pipe = pipe;
        this.frameReader = frameReader;
    }

    @Override
    public InetAddress address() {
        return address;
    }

    @Override
    public String peer() {
        return peer;
    }

    @Override
    public String door() {
        return "the web port";
    }

    @Override
    public InputStream input() {
        return pipe;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void finishOutput() throws IOException {
        try {
            ws.close(WsCloseCodes.NORMAL_CLOSE, "bye");
        } catch (RuntimeException e) {
            throw new IOException("closing the WebSocket: " + e.getMessage(), e);
        }
    }

    @Override
    public void abort() {
        pipe.end();
        Thread sending = writer;
        if (sending != null) {
            sending.interrupt();
        }
        frameReader.interrupt();
    }

    /** Cuts the session's byte stream of lines into text messages. Writer thread only. */
    private final class MessageOutput extends OutputStream {

        private final ByteArrayOutputStream partial = new ByteArrayOutputStream(0);

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (writer == null) {
                writer = Thread.currentThread();
            }
            int start = offset;
            int end = offset + length;
            for (int i = offset; i < end; i++) {
                if (bytes[i] != '\n') {
                    continue;
                }
                if (partial.size() == 0) {
                    send(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                } else {
                    partial.write(bytes, start, i - start);
                    send(partial.toString(StandardCharsets.UTF_8));
                    partial.reset();
                }
                start = i + 1;
            }
            if (start < end) {
                partial.write(bytes, start, end - start); // a line the next write ends
            }
        }

        private void send(String message) throws IOException {
            try {
                ws.send(message, true);
            } catch (RuntimeException e) {
                // Helidon reports a failed write unchecked; the writer expects it as the I/O error it is.
                throw new IOException("WebSocket send failed: " + e.getMessage(), e);
            }
        }
    }
}
