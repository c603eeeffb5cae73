package io.loomchat.server.cluster;

import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.PrivateMessage;
import io.loomchat.protocol.Names;
import io.loomchat.protocol.Request;
import io.loomchat.server.chat.Elsewhere;
import io.loomchat.server.chat.Presence;
import java.util.List;
import java.util.Map;

/**
 * The other nodes as the chat sees them, on NATS: who holds a nick comes from {@link ClusterNicks}, the
 * rest from the {@link NodeMesh}, which starts once the rooms know their history (until then nothing is
 * elsewhere and nothing is told).
 */
public final class ClusterElsewhere implements Elsewhere {

    private final ClusterNicks nicks;
    private volatile NodeMesh mesh; // null until the mesh has started

    public ClusterElsewhere(ClusterNicks nicks) {
        this.nicks = nicks;
    }

    /** The mesh is up: from now on the other nodes are asked and told. */
    public void meshStarted(NodeMesh started) {
        mesh = started;
    }

    @Override
    public boolean reachesOtherNodes() {
        return mesh != null;
    }

    @Override
    public List<Presence> members(String room) {
        NodeMesh m = mesh;
        return m == null ? List.of() : m.membersElsewhere(room);
    }

    @Override
    public Map<String, Integer> roomSizes() {
        NodeMesh m = mesh;
        return m == null ? Map.of() : m.roomsElsewhere();
    }

    @Override
    public Sent sendPrivate(PrivateMessage message) {
        NodeMesh m = mesh;
        if (m == null) {
            return Sent.NOT_THERE;
        }
        String node;
        try {
            node = nicks.holderNode(Names.skeleton(message.to()));
        } catch (ClusterUnavailable e) {
            return Sent.CLUSTER_AWAY;
        }
        if (node == null) {
            return Sent.NOT_THERE;
        }
        return switch (m.sendPrivate(node, message)) {
            case DELIVERED -> Sent.DELIVERED;
            case NOT_THERE -> Sent.NOT_THERE;
            case UNAVAILABLE -> Sent.NODE_SILENT;
        };
    }

    @Override
    public String nodeHolding(String nick) {
        try {
            return nicks.holderNode(Names.skeleton(nick));
        } catch (ClusterUnavailable e) {
            return null;
        }
    }

    @Override
    public void announcePresence(Event joinedOrLeft) {
        NodeMesh m = mesh;
        if (m != null) {
            m.announce(joinedOrLeft);
        }
    }

    @Override
    public void announceRename(Event.Renamed renamed, List<String> rooms) {
        NodeMesh m = mesh;
        if (m != null) {
            m.announceRename(renamed, rooms);
        }
    }

    @Override
    public void announceModeration(Request request, String by) {
        NodeMesh m = mesh;
        if (m != null) {
            m.announceModeration(request, by);
        }
    }
}
