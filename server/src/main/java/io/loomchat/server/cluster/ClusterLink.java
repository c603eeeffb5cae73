package io.loomchat.server.cluster;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.ProtocolException;
import io.loomchat.server.chat.Client;
import io.loomchat.server.config.ClusterConfig;
import io.loomchat.server.delivery.Member;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's tie to the cluster: one NATS connection ({@link NatsDialer}), the rooms' stream, and the feed
 * ({@link StreamFollower} into {@link RoomFeed}) that brings every stored line back, in stream order, to the
 * members on this node.
 *
 * <p>A line said here is published to the room's subject and acknowledged by JetStream once stored; it
 * reaches the members (the sender's own copy, with its ref, included) only through the feed, on every node
 * alike. So every node delivers the same lines in the same order with the same ids (the stream's sequence
 * numbers), and a line acknowledged to its sender was stored first.
 */
public final class ClusterLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterLink.class);

    /** How long a publish or a nick claim may wait for NATS before the client is told it is unavailable. */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(2);
    static final String NODE_HEADER = "Loomchat-Node";
    static final String MSG_ID_HEADER = "Nats-Msg-Id";

    private final ClusterConfig config;
    private final Connection connection;
    private final JetStream jetStream;
    // Tells this run's publish ids from an earlier run's: a node restarted within the de-duplication window
    // must not have its new lines taken for old ones.
    private final String incarnation = newIncarnation();
    private final AtomicLong published = new AtomicLong();
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    // Lines on their way, by the connection they went out on (its generation): a disconnect fails only those.
    private final ConcurrentHashMap<CompletableFuture<PublishAck>, Long> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong(); // counts reconnections
    private volatile String state = "connecting";
    private volatile String lastLogged = "connected";
    private String epoch; // set once the stream is known
    private final StreamFollower follower;
    private volatile boolean closed;

    final LongAdder linesPublished = new LongAdder();
    final LongAdder linesFromStream = new LongAdder();
    final LongAdder linesFromOtherNodes = new LongAdder();

    /** A line published here whose stored copy has not come back yet: who said it, and its ref. */
    record Pending(Member sender, String ref) {
    }

    private static String newIncarnation() {
        byte[] bytes = new byte[6];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private ClusterLink(ClusterConfig config, Connection connection) throws IOException {
        this.config = config;
        this.connection = connection;
        this.jetStream = connection.jetStream();
        this.follower = new StreamFollower(connection);
    }
    /** Connects to NATS and makes sure the rooms' stream exists with this server's history size. */
    public static ClusterLink connect(ClusterConfig config, int historySize) throws IOException {
        AtomicReference<ClusterLink> self = new AtomicReference<>();
        Connection connection = NatsDialer.dial(config, new NatsDialer.Events() {
            @Override
            public void changed(ConnectionListener.Events event) {
                ClusterLink link = self.get();
                if (link != null) {
                    link.changed(event);
                }
            }

            @Override
            public void feedWentQuiet(JetStreamSubscription subscription) {
                // The feed's consumer has gone quiet (the NATS server holding it died while this node stayed
                // connected to another): follow the stream again rather than wait for the client to notice.
                // Alarms of a feed already replaced are the old one's: it was let go.
                ClusterLink link = self.get();
                if (link != null && !link.closed && link.follower.isCurrent(subscription)) {
                    LOG.info("the rooms' feed went quiet; following the stream again");
                    link.follower.restartSoon();
                }
            }
        });
        String refusal = RoomStream.refusal(connection, config.replicas());
        if (refusal != null) {
            try {
                connection.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException(refusal);
        }
        ClusterLink link = new ClusterLink(config, connection);
        self.set(link);
        link.state = "connected";
        LOG.info("node {} connected to NATS at {}", config.nodeName(), connection.getConnectedUrl());
        try {
            link.epoch = RoomStream.ensure(connection, config.replicas(), historySize);
        } catch (IOException e) {
            link.close();
            throw e;
        }
        return link;
    }

    private void changed(ConnectionListener.Events event) {
        switch (event) {
            case RECONNECTED -> {
                generation.incrementAndGet();
                state = "connected";
                // NATS may have restarted and forgotten the feed's consumer: follow the stream again from
                // the line after the last one handed over (a line seen twice is ignored by its room).
                follower.restartSoon();
            }
            case CONNECTED, RESUBSCRIBED -> state = "connected";
            case DISCONNECTED -> {
                state = "disconnected";
                // Their answers would have come on the lost connection: tell their senders now, not in 10 s.
                // (The event may come late, after a reconnect: lines sent on the new connection are left alone.)
                long lost = generation.get();
                inFlight.forEach((waiting, sentOn) -> {
                    if (sentOn < lost || (sentOn == lost && !connected())) {
                        waiting.completeExceptionally(new IOException("the connection to NATS was lost"));
                    }
                });
            }
            case CLOSED -> state = "closed";
            default -> {
                return;
            }
        }
        String now = event.name().toLowerCase();
        if (!now.equals(lastLogged)) { // every failed reconnect attempt reports "disconnected" again
            lastLogged = now;
            LOG.info("NATS: {}", now);
        }
    }

    /**
     * Starts the feed from the first stored line, and returns once it has caught up with what the stream
     * held: the rooms then know their history before the first client joins.
     */
    public void startFeed(RoomFeed.Target target) throws IOException {
        follower.start(new RoomFeed(this, target));
    }

    /**
     * How long a chat line may take to be stored before its sender is told {@code unavailable}. Longer than
     * {@link #ANSWER_WITHIN}: under a burst the stream may be seconds behind without being away, and a line
     * refused but stored anyway would reach everyone unacknowledged.
     */
    static final Duration STORE_WITHIN = Duration.ofSeconds(10);

    /**
     * Stores a chat line in the room's stream without waiting for JetStream's answer, so that a client's
     * burst travels as a pipeline, not one round trip per line; at most {@link Client#LINES_IN_FLIGHT} per client
     * (its {@link Client#linesInFlight}) are on their way at once. The members (the sender too, with {@code ref}) receive the
     * line through the feed, once stored. What comes back later goes to {@code later}: an
     * {@code unavailable} error if the line was not stored in time, or, for a line re-sent after a reconnect
     * (same {@code lineage} and {@code ref}, within {@link RoomStream#DUPLICATE_WINDOW}) that was stored before, that
     * stored line as the sender's acknowledgement, said once.
     *
     * @throws ClusterUnavailable at once when NATS is away or the client's window stays full
     */
    public void say(String room, Client sender, String text, boolean action, String ref, Instant ts)
            throws ClusterUnavailable {
        Semaphore window = sender.linesInFlight();
        String lineage = sender.lineage();
        Consumer<Event> later = sender::deliverLater;
        if (!connected()) {
            throw new ClusterUnavailable("not connected to NATS", null);
        }
        try {
            if (!window.tryAcquire(STORE_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ClusterUnavailable("the cluster's message store (NATS) is not answering", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnavailable("interrupted", e);
        }
        String msgId = lineage != null && ref != null ? "said-" + lineage + "-" + ref
                : config.nodeName() + "-" + incarnation + "-" + published.incrementAndGet();
        byte[] body = Codec.encode(new ChatMessage(0, room, sender.nick(), text, action, ts, null));
        Headers headers = new Headers().add(NODE_HEADER, config.nodeName());
        pending.put(msgId, new Pending(sender, ref));
        CompletableFuture<PublishAck> answer;
        long sentOn = generation.get();
        try {
            answer = jetStream.publishAsync(RoomSubjects.of(room), headers, body,
                    PublishOptions.builder().messageId(msgId).streamTimeout(STORE_WITHIN).build());
        } catch (RuntimeException e) {
            pending.remove(msgId);
            window.release();
            throw new ClusterUnavailable("the cluster's message store (NATS) did not take the line: " + e.getMessage(), e);
        }
        inFlight.put(answer, sentOn);
        // Handled on a thread of its own: the answer completes on the NATS client's reader thread, and reading
        // a stored line back (below) is a request that thread would have to answer itself.
        answer.orTimeout(STORE_WITHIN.toMillis(), TimeUnit.MILLISECONDS).whenCompleteAsync((ack, failure) -> {
            inFlight.remove(answer);
            window.release();
            if (failure != null) {
                pending.remove(msgId);
                // Not acknowledged. Stored after all (a late answer)? Then the feed brings it to everyone
                // once; its sender's copy comes without the ref, since the sender was told no.
                later.accept(new Event.ErrorReply(ErrorCode.UNAVAILABLE,
                        "the cluster did not store this line in time; it was not said: send it again in a moment", ref));
            } else if (ack.isDuplicate()) {
                pending.remove(msgId);
                ChatMessage stored = storedLine(ack.getSeqno(), room, ref);
                if (stored != null) {
                    later.accept(stored);
                }
            } else {
                linesPublished.increment();
            }
        }, command -> Thread.ofVirtual().name("loomchat-stored").start(command));
    }

    /** Line {@code sequence} of the stream as the message it is, with {@code ref}; null if it cannot be read. */
    private ChatMessage storedLine(long sequence, String room, String ref) {
        try {
            MessageInfo stored = connection.jetStreamManagement().getMessage(RoomSubjects.STREAM, sequence);
            ChatMessage said = (ChatMessage) Codec.decodeEvent(stored.getData(), 0, stored.getData().length);
            return new ChatMessage(sequence, room, said.from(), said.text(), said.action(), said.ts(), ref);
        } catch (IOException | JetStreamApiException | ProtocolException | RuntimeException e) {
            LOG.debug("stored line {} not read: {}", sequence, e.toString());
            return null;
        }
    }

    /**
     * Stores a topic change; the members (the setter too, with {@code ref}) hear it through the feed.
     */
    public void setTopic(Event.Topic topic, Member setter, String ref) throws ClusterUnavailable {
        String msgId = config.nodeName() + "-" + incarnation + "-" + published.incrementAndGet();
        Headers headers = new Headers().add(NODE_HEADER, config.nodeName());
        pending.put(msgId, new Pending(setter, ref));
        try {
            jetStream.publish(RoomSubjects.topicOf(topic.room()), headers, Codec.encode(topic),
                    PublishOptions.builder().messageId(msgId).streamTimeout(ANSWER_WITHIN).build());
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            pending.remove(msgId);
            throw new ClusterUnavailable("the cluster's message store (NATS) did not take the topic: " + e.getMessage(), e);
        }
    }

    /** Starts answering the other nodes (who, private messages, presence) for {@code local}. */
    public NodeMesh startMesh(NodeMesh.Local local) {
        return new NodeMesh(this, local);
    }

    /** The pending publish of {@code msgId} if it was made here; null for other nodes' lines. */
    Pending settled(String node, String msgId) {
        if (!config.nodeName().equals(node) || msgId == null) {
            return null;
        }
        return pending.remove(msgId);
    }

    /** The history's name: the same on every node, new only if the stream is made anew. */
    public String epoch() {
        return epoch;
    }

    String nodeName() {
        return config.nodeName();
    }

    Connection connection() {
        return connection;
    }

    ClusterConfig config() {
        return config;
    }

    /** connected, disconnected or closed. */
    public String state() {
        return state;
    }

    public boolean connected() {
        return connection.getStatus() == Connection.Status.CONNECTED;
    }

    /** Prometheus lines for /metrics. */
    public void writeMetrics(StringBuilder out) {
        out.append("# HELP loomchat_cluster_connected 1 while this node is connected to NATS.\n")
                .append("# TYPE loomchat_cluster_connected gauge\n")
                .append("loomchat_cluster_connected{node=\"").append(config.nodeName()).append("\"} ")
                .append(connected() ? 1 : 0).append('\n');
        counter(out, "loomchat_cluster_lines_published_total", "Chat lines this node stored in the rooms' stream.",
                linesPublished.sum());
        counter(out, "loomchat_cluster_lines_applied_total", "Stored lines this node delivered to its members.",
                linesFromStream.sum());
        counter(out, "loomchat_cluster_lines_from_other_nodes_total", "Stored lines said on other nodes.",
                linesFromOtherNodes.sum());
        counter(out, "loomchat_cluster_reconnects_total", "Times this node reconnected to NATS.",
                connection.getStatistics().getReconnects());
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(value).append('\n');
    }

    @Override
    public void close() {
        closed = true;
        follower.close();
        try {
            connection.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("closing NATS: {}", e.toString());
        }
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
