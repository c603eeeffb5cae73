package io.loomchat.server.connection;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection's greeting (docs/PROTOCOL.md, Greeting): like NATS's INFO, a person on nc or a program
 * that waits to be told learns how to begin instead of hearing nothing until the handshake timeout. Where
 * IRC is on it waits a moment for the client to speak first (see {@link Greeter}); an IRC client, which
 * speaks first, is never greeted.
 */
final class Greeting {

    private static final int DUE = 0;
    private static final int SENT = 1;
    private static final int SKIPPED = 2;

    private final Session session;
    private final byte[] line;
    private final AtomicInteger state = new AtomicInteger();
    private final ReentrantLock sending = new ReentrantLock();

    Greeting(Session session, byte[] line) {
        this.session = session;
        this.line = line;
    }

    /** At the start of the connection: greets now, or, when some client may speak first, after a moment. */
    void start(ConnectionContext context) {
        if (context.dialects().isEmpty()) {
            send();
        } else {
            session.transport().whenReady(() -> context.greeter().listenFirst(this)); // TLS: counted from its handshake
        }
    }

    /** Sends the greeting unless it went out already or the client turned out to speak first. Any thread. */
    void send() {
        sending.lock(); // the read loop's call returns only once the timer's greeting is queued
        try {
            if (state.compareAndSet(DUE, SENT)) {
                session.offer(line);
            }
        } finally {
            sending.unlock();
        }
    }

    /** The client's first line opened a dialect that speaks first: no greeting (unless it went out already). */
    void skip() {
        state.compareAndSet(DUE, SKIPPED);
    }
}
