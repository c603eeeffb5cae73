package io.loomchat.server.cluster;

import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event;
import io.loomchat.server.chat.Client;
import io.loomchat.server.chat.LineStore;
import io.loomchat.server.chat.Refusal;
import io.loomchat.server.chat.Room;
import java.time.Clock;

/**
 * A cluster node's {@link LineStore}: lines and topics go to the cluster's stream first, and every node's
 * members, the sender too, hear them from there (see {@link RoomFeed}).
 */
public final class StreamLines implements LineStore {

    private final ClusterLink cluster;
    private final Clock clock;

    public StreamLines(ClusterLink cluster, Clock clock) {
        this.cluster = cluster;
        this.clock = clock;
    }

    @Override
    public void say(Room room, Client sender, String text, boolean action, String ref) throws Refusal {
        try {
            cluster.say(room.name(), sender, text, action, ref, clock.instant());
        } catch (ClusterUnavailable e) {
            throw new Refusal(ErrorCode.UNAVAILABLE, "cluster unavailable: line not said, send it again soon");
        }
    }

    @Override
    public void setTopic(Room room, Client setter, String text, String ref) throws Refusal {
        try {
            cluster.setTopic(new Event.Topic(room.name(), text, setter.nick(), clock.instant(), null), setter, ref);
        } catch (ClusterUnavailable e) {
            throw new Refusal(ErrorCode.UNAVAILABLE, "the cluster cannot store the topic now; it is unchanged");
        }
    }
}
