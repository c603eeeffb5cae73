package io.loomchat.server.cluster;

import io.loomchat.server.config.ClusterConfig;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a node's connection to NATS: the servers, credentials and TLS of its {@link ClusterConfig}, reconnects
 * for ever once connected, and at start a wait for NATS to come up (it may be starting alongside) that a
 * certificate problem cuts short.
 */
final class NatsDialer {

    private static final Logger LOG = LoggerFactory.getLogger(NatsDialer.class);

    /** How long a starting node waits for NATS to answer before it gives up. */
    static final Duration START_WAIT = Duration.ofSeconds(30);

    /** What the connection tells its node, from the NATS client's threads. */
    interface Events {
        void changed(ConnectionListener.Events event);

        /** A consumer ({@code subscription}) stopped sending its heartbeats. */
        void feedWentQuiet(JetStreamSubscription subscription);
    }

    private NatsDialer() {
    }

    static Connection dial(ClusterConfig config, Events events) throws IOException {
        Options.Builder options = Options.builder()
                .servers(config.natsUrls().toArray(String[]::new))
                .connectionName("loomchat-" + config.nodeName())
                .maxReconnects(-1) // NATS away for a while is an outage to ride out, not a reason to stop
                .reconnectWait(Duration.ofMillis(250))
                // Nothing is held back for later while NATS is away: a line that cannot be stored now is
                // refused now, never stored after its sender was told it was not.
                .reconnectBufferSize(0)
                .connectionTimeout(Duration.ofSeconds(5));
        if (config.credsFile() != null) {
            options.authHandler(Nats.credentials(config.credsFile().toString()));
        }
        if (config.tokenFile() != null) {
            options.token(Files.readString(config.tokenFile()).strip().toCharArray());
        }
        if (config.tls()) {
            options.sslContext(NatsTls.context(config.caFile()));
        }
        AtomicReference<Exception> lastProblem = new AtomicReference<>();
        options.errorListener(new ErrorListener() {
            @Override
            public void errorOccurred(Connection conn, String error) {
                LOG.warn("NATS: {}", error);
            }

            @Override
            public void exceptionOccurred(Connection conn, Exception e) {
                lastProblem.set(e); // the client's connect error does not carry it
                LOG.debug("NATS: {}", e.toString()); // reconnect attempts: the state change is logged once
            }

            @Override
            public void heartbeatAlarm(Connection conn, JetStreamSubscription sub, long lastStreamSequence,
                                       long lastConsumerSequence) {
                events.feedWentQuiet(sub);
            }
        });
        options.connectionListener((conn, event) -> events.changed(event));
        String servers = String.join(",", config.natsUrls());
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return Nats.connect(options.build());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while connecting to NATS", e);
            } catch (IOException e) {
                Exception problem = lastProblem.get();
                if (problem != null && refusedByTls(problem)) { // a certificate does not get better by waiting
                    throw new IOException("TLS with NATS at " + servers + " failed: " + problem.getMessage()
                            + (config.caFile() == null ? " (a private CA: --nats-ca FILE)" : ""), e);
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("cannot reach NATS at " + servers + " (tried for " + START_WAIT.toSeconds()
                            + " s): " + e.getMessage(), e);
                }
                if (attempt == 1) {
                    LOG.warn("NATS at {} does not answer yet; trying for up to {} s", servers, START_WAIT.toSeconds());
                }
                RoomStream.sleepBriefly();
            }
        }
    }

    private static boolean refusedByTls(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException || cause instanceof CertificateException
                    || cause.getMessage() != null && cause.getMessage().contains("SSL required by server")) {
                return true;
            }
        }
        return false;
    }
}
