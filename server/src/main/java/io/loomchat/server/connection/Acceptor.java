package io.loomchat.server.connection;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accept loop. A failed accept is almost always transient (the process ran out of descriptors, the
 * kernel's backlog hiccuped), so it backs off and tries again instead of giving up: a server that stops
 * accepting while it stays up is worse than one that crashes. It runs on a platform thread of its own, so
 * that virtual threads kept busy by clients can never delay it.
 */
public final class Acceptor {

    private static final Logger LOG = LoggerFactory.getLogger(Acceptor.class);
    static final long FIRST_BACKOFF_MILLIS = 5;
    static final long MAX_BACKOFF_MILLIS = 1_000;

    private final ServerSocket listener;
    private final Consumer<Socket> admission;
    private final String address;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile long failures;

    public Acceptor(ServerSocket listener, String address, Consumer<Socket> admission) {
        this.listener = listener;
        this.address = address;
        this.admission = admission;
        this.thread = Thread.ofPlatform().daemon().name("loomchat-accept").unstarted(this::loop);
    }

    public void start() {
        thread.start();
    }

    /** Accept failures since the server started, for the metrics and the tests. */
    public long failures() {
        return failures;
    }

    private void loop() {
        long backoff = FIRST_BACKOFF_MILLIS;
        long failedInARow = 0;
        while (!stopping) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (stopping || listener.isClosed()) {
                    return;
                }
                failures++;
                if (failedInARow++ == 0) {
                    LOG.error("accept failed on {}: {}; retrying with backoff", address, e.toString());
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                continue;
            }
            if (failedInARow > 0) {
                LOG.warn("accepting again on {} after {} failed accept(s)", address, failedInARow);
                failedInARow = 0;
                backoff = FIRST_BACKOFF_MILLIS;
            }
            admission.accept(socket);
        }
    }

    /** From now on an accept failure is the listener going away, not a fault (see {@link #stop}). */
    public void halt() {
        stopping = true;
    }

    /** Stops after the listener is closed (which ends a blocked accept). */
    public void stop(long waitMillis) throws InterruptedException {
        stopping = true;
        thread.join(waitMillis);
    }
}
