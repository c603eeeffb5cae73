package io.loomchat.server.chat;

import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.PrivateMessage;
import io.loomchat.protocol.Request;
import java.util.List;
import java.util.Map;

/**
 * The other nodes of a cluster, as the chat sees them: who is in a room there, private messages for people
 * there, and what this node tells them. A single node has {@link #NOWHERE}: nobody elsewhere, nothing to
 * tell. The cluster adapter implements it on NATS.
 */
public interface Elsewhere {

    /** What became of a private message for someone not on this node. */
    enum Sent {
        DELIVERED,
        /** Nobody by that name anywhere. */
        NOT_THERE,
        /** The cluster cannot tell now who holds the nick. */
        CLUSTER_AWAY,
        /** The node that holds the nick does not answer. */
        NODE_SILENT
    }

    /** Whether there are other nodes at all: a kick or mute for someone not here may be for them. */
    boolean reachesOtherNodes();

    /** Members of {@code room} on the other nodes. */
    List<Presence> members(String room);

    /** Rooms with members on the other nodes, and how many. */
    Map<String, Integer> roomSizes();

    /** Hands {@code message} to its addressee on whichever node holds the nick. */
    Sent sendPrivate(PrivateMessage message);

    /** The node holding {@code nick}, if another node holds it; null otherwise or when the cluster cannot say. */
    String nodeHolding(String nick);

    /** Someone joined or left a room here: the other nodes' members of that room hear it. */
    void announcePresence(Event joinedOrLeft);

    /** Someone here changed nick; the other nodes' members who share one of {@code rooms} hear it. */
    void announceRename(Event.Renamed renamed, List<String> rooms);

    /** An operator here kicked, banned, unbanned, muted or unmuted: the other nodes apply it too. */
    void announceModeration(Request request, String by);

    /** A single node: nobody elsewhere. */
    Elsewhere NOWHERE = new Elsewhere() {
        @Override
        public boolean reachesOtherNodes() {
            return false;
        }

        @Override
        public List<Presence> members(String room) {
            return List.of();
        }

        @Override
        public Map<String, Integer> roomSizes() {
            return Map.of();
        }

        @Override
        public Sent sendPrivate(PrivateMessage message) {
            return Sent.NOT_THERE;
        }

        @Override
        public String nodeHolding(String nick) {
            return null;
        }

        @Override
        public void announcePresence(Event joinedOrLeft) {
        }

        @Override
        public void announceRename(Event.Renamed renamed, List<String> rooms) {
        }

        @Override
        public void announceModeration(Request request, String by) {
        }
    };
}
