package io.loomchat.server.web;

import io.helidon.common.socket.SocketOptions;
import io.loomchat.server.connection.Doorway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The web port's door into the connection layer. Helidon has no hook between accepting a connection and
 * serving it, but it configures every accepted socket through its listener's {@link SocketOptions}, on its
 * accepting thread: this implementation does what Helidon's would (the options, delegated) and first asks
 * the {@link Doorway} whether the connection may stay. A refused one is answered with a short 503 (written
 * into the fresh socket's empty send buffer, which cannot block) and closed; throwing tells Helidon to
 * drop it without a handler, a thread or a log line of its own.
 */
final class DoorOptions implements SocketOptions {

    private final SocketOptions options;
    private final Doorway doorway;

    DoorOptions(SocketOptions options, Doorway doorway) {
        this.options = options;
        this.doorway = doorway;
    }

    @Override
    public void configureSocket(SocketChannel socket) {
        InetSocketAddress remote;
        try {
            remote = (InetSocketAddress) socket.getRemoteAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // gone already: Helidon closes it
        }
        if (remote == null) {
            throw new IllegalStateException("not connected");
        }
        String refusal = doorway.admit(remote, socket::isOpen, socket);
        if (refusal != null) {
            answer(socket, refusal);
            throw new IllegalStateException("refused: " + refusal);
        }
        options.configureSocket(socket);
    }

    private static void answer(SocketChannel socket, String refusal) {
        byte[] body = ("loomchat: " + refusal + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] head = ("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 60\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try {
            socket.write(ByteBuffer.wrap(head));
            socket.write(ByteBuffer.wrap(body));
            socket.shutdownOutput();
        } catch (IOException e) {
            // closed by the client already: nothing to tell it
        }
    }

    @Override
    public void configureSocket(Socket socket) {
        options.configureSocket(socket);
    }

    @Override
    public Map<SocketOption<?>, Object> socketOptions() {
        return options.socketOptions();
    }

    @Override
    public Duration connectTimeout() {
        return options.connectTimeout();
    }

    @Override
    public Duration readTimeout() {
        return options.readTimeout();
    }

    @Override
    public Optional<Integer> socketReceiveBufferSize() {
        return options.socketReceiveBufferSize();
    }

    @Override
    public Optional<Integer> socketSendBufferSize() {
        return options.socketSendBufferSize();
    }

    @Override
    public boolean socketReuseAddress() {
        return options.socketReuseAddress();
    }

    @Override
    public boolean socketKeepAlive() {
        return options.socketKeepAlive();
    }

    @Override
    public boolean tcpNoDelay() {
        return options.tcpNoDelay();
    }
}
