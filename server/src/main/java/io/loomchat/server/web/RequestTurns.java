package io.loomchat.server.web;

import io.loomchat.server.connection.Doorway;
import io.loomchat.server.guard.TokenBuckets;
import io.loomchat.server.guard.RefusalLog;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.locks.LockSupport;

/**
 * Fairness for HTTP requests, called by Helidon on the connection's own virtual thread at the start of
 * every request (its prologue) and when its headers are read, whether it is then routed, answered 404 or
 * upgraded. Helidon reads pipelined requests from its buffer without blocking: a client that sends
 * hundreds in one write would keep a carrier thread as long as it liked (two such connections froze every
 * chat on a 2-core machine). So every request takes a turn: the thread parks for a moment, which frees its
 * carrier for certain (a yield alone can be handed the carrier straight back while other virtual threads
 * wait in the pool's shared queue). And every request is charged to its address's request budget; one
 * over the budget closes the connection (the browser's page needs a handful of requests; a connection
 * that is cut can come back only within the connect throttle). Loopback is exempt from the budget unless
 * --limit-loopback, as from the other per-address limits (a reverse proxy on the same machine is every
 * browser at once), never from the turns. A request whose headers are read renews the connection's
 * deadline at the {@link Doorway}.
 */
final class RequestTurns implements Http1ConnectionListener {

    /** Requests one address may make at once, then {@link #PER_SECOND}: a page load is five. */
    static final int BURST = 100;
    static final double PER_SECOND = 20;

    /** A request's turn: short for a page load, and at most a few thousand pipelined requests a second. */
    static final long TURN_NANOS = 100_000;

    private final TokenBuckets<InetAddress> rate;
    private final boolean limitLoopback;
    private final Doorway doorway;
    private final RefusalLog refusals;

    RequestTurns(TokenBuckets<InetAddress> rate, boolean limitLoopback, Doorway doorway, RefusalLog refusals) {
        this.rate = rate;
        this.limitLoopback = limitLoopback;
        this.doorway = doorway;
        this.refusals = refusals;
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        LockSupport.parkNanos(TURN_NANOS);
        InetSocketAddress remote = (InetSocketAddress) ctx.remotePeer().address();
        boolean exempt = remote.getAddress().isLoopbackAddress() && !limitLoopback;
        if (!exempt && !rate.allow(remote.getAddress())) {
            refusals.refused("the web port", remote.getAddress(), "flood",
                    "(over " + BURST + " HTTP requests at once or " + (int) PER_SECOND + " a second)");
            throw new CloseConnectionException("too many HTTP requests from " + remote.getAddress().getHostAddress());
        }
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        doorway.requested((InetSocketAddress) ctx.remotePeer().address());
    }
}
