package io.loomchat.server.connection;

import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.delivery.CloseReason;
import io.loomchat.server.delivery.Outbox;
import io.loomchat.server.delivery.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces the deadlines a blocking socket cannot enforce by itself: the handshake, a write stuck on a
 * peer that stopped reading (sockets have no write timeout), and the linger of a connection that said bye.
 * One thread for the whole server, checking every session ten times a second.
 */
public final class Watchdog {

    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    private static final Duration PERIOD = Duration.ofMillis(100);

    private final Sessions sessions;
    private final ServerConfig config;
    private final Ticker ticker;
    private final Thread thread;
    private volatile boolean stopped;
    private final List<Runnable> alsoEvery = new CopyOnWriteArrayList<>();

    /**
     * A platform thread: the deadlines it enforces are the defence against clients that keep virtual
     * threads busy, so it must not wait for a carrier those clients hold.
     */
    public Watchdog(Sessions sessions, ServerConfig config, Ticker ticker) {
        this.sessions = sessions;
        this.config = config;
        this.ticker = ticker;
        this.thread = Thread.ofPlatform().daemon().name("loomchat-watchdog").unstarted(this::loop);
    }

    public void start() {
        thread.start();
    }

    /** Another deadline to enforce (or bounded work to do) every round: a door's, the refusal log's. */
    public void alsoEvery(Runnable check) {
        alsoEvery.add(check);
    }

    public void stop() {
        stopped = true;
        thread.interrupt();
    }

    private void loop() {
        while (!stopped) {
            try {
                Thread.sleep(PERIOD);
            } catch (InterruptedException e) {
                return;
            }
            try {
                check(ticker.nanoTime());
            } catch (RuntimeException e) {
                LOG.error("watchdog check failed", e);
            }
            for (Runnable check : alsoEvery) {
                try {
                    check.run();
                } catch (RuntimeException e) {
                    LOG.error("watchdog check failed", e);
                }
            }
        }
    }

    void check(long now) {
        for (Session session : sessions.all()) {
            if (!session.registered()) {
                if (now - session.lastLineNanos() > config.handshakeTimeout().toNanos()) {
                    session.disconnect(CloseReason.HANDSHAKE_TIMEOUT,
                            "no hello within handshake-timeout=" + seconds(config.handshakeTimeout()));
                } else if (now - session.connectedNanos() > config.registrationTimeout().toNanos()) {
                    session.disconnect(CloseReason.HANDSHAKE_TIMEOUT,
                            "not registered within registration-timeout=" + seconds(config.registrationTimeout()));
                }
            }
            if (session.registered() && !session.isClosing()) {
                long pingSent = session.pingSentNanos();
                if (pingSent == 0 && now - session.lastLineNanos() > config.pingInterval().toNanos()) {
                    session.ping(now);
                } else if (pingSent != 0 && now - pingSent > config.pingTimeout().toNanos()) {
                    session.disconnect(CloseReason.IDLE_TIMEOUT,
                            "silent for ping-interval=" + seconds(config.pingInterval()) + " and ping-timeout="
                                    + seconds(config.pingTimeout()));
                }
            }
            Outbox outbox = session.outbox();
            long writeStarted = outbox.writeStartedNanos();
            if (writeStarted != 0 && now - writeStarted > config.writeTimeout().toNanos()) {
                session.disconnect(CloseReason.WRITE_TIMEOUT,
                        "a write blocked longer than write-timeout=" + seconds(config.writeTimeout()));
                session.closeSocket();
            }
            long closingSince = outbox.closingSinceNanos();
            if (closingSince != 0 && now - closingSince > config.closeLinger().toNanos()) {
                session.closeSocket();
            }
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
