package io.loomchat.server.connection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A plain (or TLS) TCP connection: lines straight on the socket. */
public final class TcpTransport implements Transport {

    private static final Logger LOG = LoggerFactory.getLogger(TcpTransport.class);

    private final Socket socket;
    private final String peer;

    public TcpTransport(Socket socket) {
        this.socket = socket;
        // The numeric address: a name lookup here would block the accept path on DNS.
        this.peer = socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
    }

    @Override
    public InetAddress address() {
        return socket.getInetAddress();
    }

    @Override
    public String peer() {
        return peer;
    }

    @Override
    public InputStream input() throws IOException {
        return socket.getInputStream();
    }

    /** For TLS, after the handshake (done by the first read or write), once: the time before it is not the client's. */
    @Override
    public void whenReady(Runnable ready) {
        if (!(socket instanceof SSLSocket tls)) {
            ready.run();
            return;
        }
        AtomicBoolean once = new AtomicBoolean();
        tls.addHandshakeCompletedListener(done -> {
            if (once.compareAndSet(false, true)) {
                ready.run();
            }
        });
    }

    @Override
    public OutputStream output() throws IOException {
        return socket.getOutputStream();
    }

    @Override
    public void finishOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void abort() {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("closing {}: {}", peer, e.toString());
        }
    }
}
