package io.loomchat.server.cluster;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the rooms' stream back, in order, into a {@link RoomFeed}: an ordered push consumer from the first
 * stored line, started over from the line after the last one handed over whenever it may have been lost
 * (after a reconnect, or when its heartbeats stop). The one owner of the subscription.
 */
final class StreamFollower {

    private static final Logger LOG = LoggerFactory.getLogger(StreamFollower.class);

    /** A heartbeat every second: a consumer on a NATS server that died is noticed within seconds. */
    static final Duration FEED_HEARTBEAT = Duration.ofSeconds(1);

    private final Connection connection;
    private final JetStream jetStream;
    private final ReentrantLock lock = new ReentrantLock(); // subscribing is a request to NATS: no synchronized
    private Dispatcher dispatcher; // guarded by lock
    private volatile JetStreamSubscription feed; // written under lock; read by the NATS client's alarm, lock-free
    private RoomFeed handler; // guarded by lock; null until started
    private volatile boolean closed;

    StreamFollower(Connection connection) throws IOException {
        this.connection = connection;
        this.jetStream = connection.jetStream();
    }

    /** Follows the stream from its first line into {@code handler}, and returns once it has caught up. */
    void start(RoomFeed handler) throws IOException {
        long last;
        try {
            last = connection.jetStreamManagement().getStreamInfo(RoomSubjects.STREAM).getStreamState().getLastSequence();
        } catch (JetStreamApiException e) {
            throw new IOException("cannot read the rooms' stream: " + e.getMessage(), e);
        }
        lock.lock();
        try {
            this.handler = handler;
            dispatcher = connection.createDispatcher();
            follow(1);
        } finally {
            lock.unlock();
        }
        if (!handler.awaitApplied(last, Duration.ofSeconds(60))) {
            throw new IOException("the rooms' stream did not replay up to line " + last + " within 60 s");
        }
    }

    /** Starts the feed over, on a thread of its own (asked from the NATS client's threads, which must not wait). */
    void restartSoon() {
        Thread.ofVirtual().name("loomchat-feed-restart").start(this::refollow);
    }

    void close() {
        closed = true;
    }

    /** Whether {@code subscription} is the feed's subscription now (not one it replaced). */
    boolean isCurrent(JetStreamSubscription subscription) {
        return subscription == feed; // never waits: asked on the NATS client's thread
    }

    /** Subscribes the ordered consumer from stream sequence {@code from}. Under lock. */
    private void follow(long from) throws IOException {
        ConsumerConfiguration start = ConsumerConfiguration.builder()
                .deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(from)
                .idleHeartbeat(FEED_HEARTBEAT).build();
        try {
            feed = jetStream.subscribe(RoomSubjects.STORED, dispatcher, handler::onMessage, false,
                    PushSubscribeOptions.builder().ordered(true).configuration(start).build());
        } catch (JetStreamApiException e) {
            throw new IOException("cannot follow the rooms' stream: " + e.getMessage(), e);
        }
    }

    /** The feed again, from the line after the last one handed over; retried (bounded) until it works. */
    private void refollow() {
        for (int attempt = 0; !closed && attempt < 600; attempt++) {
            lock.lock();
            try {
                if (handler == null || closed) {
                    return;
                }
                if (feed != null) {
                    try {
                        dispatcher.unsubscribe(feed);
                    } catch (RuntimeException e) {
                        LOG.debug("old feed: {}", e.toString());
                    }
                }
                follow(handler.applied() + 1);
                LOG.info("following the rooms' stream again from line {}", handler.applied() + 1);
                return;
            } catch (IOException | RuntimeException e) {
                LOG.debug("feed not back yet: {}", e.toString());
            } finally {
                lock.unlock();
            }
            try {
                Thread.sleep(500); // NATS came back but JetStream may not answer yet: nothing to wait on
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
