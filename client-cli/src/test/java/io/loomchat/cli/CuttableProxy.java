package io.loomchat.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay to a server whose connections can be cut the way a dropped Wi-Fi cuts them: the
 * client's side is closed at once, the server's side is left open and silent, so the server goes on
 * believing the client is there (a ghost) until something tells it otherwise.
 */
final class CuttableProxy implements AutoCloseable {

    private record Pair(Socket client, Socket server) {
    }

    private final ServerSocket listener;
    private final int serverPort;
    private final List<Pair> pairs = new CopyOnWriteArrayList<>();
    private final List<Socket> ghosts = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long latencyNanos; // added to what the server sends, as a slow link would

    CuttableProxy(int serverPort) throws IOException {
        this.serverPort = serverPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("proxy-accept").start(this::acceptLoop);
    }

    /** How many connections clients have made through the proxy. */
    int accepted() {
        return accepted.get();
    }

    /** From now on, what the server sends reaches the client {@code latency} later (a slow link, not a wait). */
    void slowDown(java.time.Duration latency) {
        latencyNanos = latency.toNanos();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket client = listener.accept();
                accepted.incrementAndGet();
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort));
                Pair pair = new Pair(client, server);
                pairs.add(pair);
                Thread.ofVirtual().start(() -> relay(pair, client, server));
                Thread.ofVirtual().start(() -> relay(pair, server, client));
            }
        } catch (IOException e) {
            // closed
        }
    }

    private void relay(Pair pair, Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) != -1; ) {
                if (!pairs.contains(pair)) {
                    return; // cut: what was in flight is lost, as on a dead link
                }
                if (from == pair.server() && latencyNanos > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(latencyNanos);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
            if (pairs.contains(pair)) {
                to.shutdownOutput(); // an orderly close passes through
            }
        } catch (IOException e) {
            // one side went away
        }
    }

    /** Drops every current connection: the client side closes, the server side stays open and silent. */
    int cut() throws IOException {
        int cut = 0;
        for (Pair pair : pairs) {
            pairs.remove(pair);
            ghosts.add(pair.server());
            pair.client().close();
            cut++;
        }
        return cut;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Pair pair : pairs) {
            pair.client().close();
            pair.server().close();
        }
        for (Socket ghost : ghosts) {
            ghost.close();
        }
    }
}
