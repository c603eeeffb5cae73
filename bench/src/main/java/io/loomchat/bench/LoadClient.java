package io.loomchat.bench;

import io.loomchat.protocol.BoundedLineReader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One benchmark client of any {@link Peer}: sends chat lines carrying a payload, and reads lines, of which
 * those carrying a payload ({@code ~SEQ NANOS ...}) are deliveries. Speaks each peer's own protocol.
 */
final class LoadClient implements RoomClient {

    private static final byte[] CRLF = {'\r', '\n'};

    private final Peer peer;
    private final Socket socket;
    private final OutputStream out;
    private final BoundedLineReader in;
    final String name;

    LoadClient(Peer peer, Socket socket, String name) throws IOException {
        this.peer = peer;
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 4096);
        this.in = new BoundedLineReader(socket.getInputStream(), 1 << 20);
        this.name = name;
    }

    /** Registers and subscribes; returns once the client is sure to receive what is sent next. */
    void handshake() throws IOException {
        switch (peer.protocol()) {
            case LOOMCHAT -> {
                write("{\"type\":\"hello\",\"nick\":\"" + name + "\",\"history\":0}\n"); // NATS replays nothing either
                awaitLineContaining("\"type\":\"joined\"");
            }
            case NATS -> {
                write("CONNECT {\"verbose\":false,\"pedantic\":false,\"name\":\"" + name + "\"}\r\nSUB chat 1\r\nPING\r\n");
                awaitLineContaining("PONG");
            }
            case NCAT -> {
                // ncat --chat relays to every connected client at once; nothing to ask for
            }
        }
    }

    private void awaitLineContaining(String marker) throws IOException {
        while (true) {
            int n = in.next();
            if (n == BoundedLineReader.EOF) {
                throw new IOException(name + ": closed during the handshake");
            }
            if (n > 0 && new String(in.line(), 0, n, StandardCharsets.ISO_8859_1).contains(marker)) {
                return;
            }
        }
    }

    /** Sends one chat line whose text is {@code payload} (ASCII, no quotes or backslashes), flushed. */
    @Override
    public void send(byte[] payload) throws IOException {
        switch (peer.protocol()) {
            case LOOMCHAT -> {
                out.write(SAY_PREFIX);
                out.write(payload);
                out.write(SAY_SUFFIX);
            }
            case NATS -> {
                out.write(("PUB chat " + payload.length).getBytes(StandardCharsets.ISO_8859_1));
                out.write(CRLF);
                out.write(payload);
                out.write(CRLF);
            }
            case NCAT -> {
                out.write(payload);
                out.write('\n');
            }
        }
        out.flush();
    }

    private static final byte[] SAY_PREFIX = "{\"type\":\"say\",\"text\":\"".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] SAY_SUFFIX = "\"}\n".getBytes(StandardCharsets.ISO_8859_1);

    /**
     * Reads until the next line that carries a payload and parses it into {@code parsed} ({seq, nanos,
     * sender}). Returns false at end of stream. Answers the peer's keep-alive pings on the way.
     */
    @Override
    public boolean nextDelivery(long[] parsed) throws IOException {
        while (true) {
            int n = in.next();
            if (n == BoundedLineReader.EOF) {
                return false;
            }
            if (n <= 0) {
                continue;
            }
            byte[] line = in.line();
            if (Payload.parse(line, n, parsed)) {
                return true;
            }
            if (peer == Peer.NATS && n == 4 && line[0] == 'P' && line[1] == 'I') {
                write("PONG\r\n");
            }
        }
    }

    /** Reads and drops everything, until the connection ends; for a sender's own echo. */
    void drain() {
        try {
            while (in.next() != BoundedLineReader.EOF) {
                // discard
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    Socket socket() {
        return socket;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
