package io.loomchat.server.cluster;

import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.server.chat.ChatContext;
import io.loomchat.server.chat.Elsewhere;
import io.loomchat.server.chat.LineStore;
import io.loomchat.server.chat.NickLedger;
import io.loomchat.server.chat.Rooms;
import io.loomchat.server.config.ClusterConfig;
import io.loomchat.server.delivery.Member;
import io.loomchat.server.delivery.PresenceFlush;
import java.io.IOException;
import java.time.Clock;

/**
 * This node's part in a cluster, wired to the chat's ports: the nick ledger ({@link ClusterNicks}), the
 * other nodes ({@link ClusterElsewhere}), where lines are stored ({@link StreamLines}), and the feed that
 * brings every stored line to this node's rooms. Connects before the server listens, starts once the chat
 * exists, and closes after the sessions have released their nicks.
 */
public final class ClusterNode implements AutoCloseable {

    private final ClusterLink link;
    private final ClusterNicks nicks;
    private final ClusterElsewhere elsewhere;
    private volatile NodeMesh mesh; // null until started

    private ClusterNode(ClusterLink link, ClusterNicks nicks) {
        this.link = link;
        this.nicks = nicks;
        this.elsewhere = new ClusterElsewhere(nicks);
    }

    /** Reaches the cluster, or says why not: a node that cannot reach its cluster says so before it listens. */
    public static ClusterNode connect(ClusterConfig config, int historySize) throws IOException {
        ClusterLink link = ClusterLink.connect(config, historySize);
        try {
            return new ClusterNode(link, ClusterNicks.open(link));
        } catch (IOException e) {
            link.close();
            throw e;
        }
    }

    /** Who owns which nick across the cluster. */
    public NickLedger ledger() {
        return nicks;
    }

    /** The stream's name for its history: the same on every node, for as long as the stream lives. */
    public String epoch() {
        return link.epoch();
    }

    public Elsewhere elsewhere() {
        return elsewhere;
    }

    public LineStore lines(Clock clock) {
        return new StreamLines(link, clock);
    }

    /**
     * Starts following the stream (the rooms learn their stored history before the first client can join
     * one), then answering and telling the other nodes.
     */
    public void start(ChatContext chat, PresenceFlush presenceFlush) throws IOException {
        Rooms rooms = chat.rooms();
        link.startFeed(new RoomFeed.Target() {
            @Override
            public void stored(ChatMessage message, Member sender, String ref) {
                rooms.stored(message, sender, ref);
            }

            @Override
            public void storedTopic(long sequence, Event.Topic topic, Member setter, String ref) {
                rooms.storedTopic(sequence, topic, setter, ref);
            }
        });
        NodeMesh started = link.startMesh(new ClusterMembers(chat, presenceFlush));
        mesh = started;
        elsewhere.meshStarted(started);
    }

    /** The cluster's own counters, in Prometheus's text format. */
    public void writeMetrics(StringBuilder out) {
        link.writeMetrics(out);
        nicks.writeMetrics(out);
    }

    @Override
    public void close() {
        NodeMesh m = mesh;
        if (m != null) {
            m.close();
        }
        nicks.close();
        link.close();
    }
}
