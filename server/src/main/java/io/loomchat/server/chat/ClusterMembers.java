package io.loomchat.server.chat;

import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.PrivateMessage;
import io.loomchat.server.cluster.NodeMesh;
import io.loomchat.server.connection.DeliveryBatch;
import io.loomchat.server.connection.PresenceFlush;
import io.loomchat.server.connection.Session;
import java.util.ArrayList;
import java.util.List;

/**
 * This node's side of what nodes tell each other: its members of a room for another node's {@code who},
 * private messages for its clients, and joins and leaves on other nodes for its members. Called by the
 * mesh's one thread, whose deliveries this owns.
 */
public final class ClusterMembers implements NodeMesh.Local {

    private final Rooms rooms;
    private final Nicknames nicknames;
    private final DeliveryBatch batch;
    private final io.loomchat.server.ChatServer server;

    public ClusterMembers(io.loomchat.server.ChatServer server) {
        this.server = server;
        this.rooms = server.rooms();
        this.nicknames = server.nicknames();
        this.batch = new DeliveryBatch(server.presenceFlush());
    }

    @Override
    public void moderate(io.loomchat.protocol.Request request, String by) {
        OperatorCommands.applyFromAnotherNode(server, request, by == null ? "an operator" : by, batch);
        batch.settle();
    }

    @Override
    public List<NodeMesh.Presence> members(String name) {
        Room room = rooms.find(name);
        List<NodeMesh.Presence> here = new ArrayList<>();
        if (room != null) {
            for (Member member : room.members()) {
                here.add(new NodeMesh.Presence(member.nick(), member.away()));
            }
        }
        return here;
    }

    @Override
    public java.util.Map<String, Integer> roomSizes() {
        java.util.Map<String, Integer> sizes = new java.util.HashMap<>();
        for (Event.RoomInfo info : rooms.list()) {
            sizes.put(info.name(), info.members());
        }
        return sizes;
    }

    @Override
    public boolean deliver(PrivateMessage message) {
        Session target = nicknames.find(message.to());
        if (target == null) {
            return false;
        }
        target.deliver(message, null, batch);
        batch.settle();
        return true;
    }

    @Override
    public void renamed(Event.Renamed renamed, List<String> names) {
        java.util.Set<Member> audience = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (String name : names) {
            Room room = rooms.find(name);
            if (room != null) {
                audience.addAll(room.members());
            }
        }
        byte[] line = io.loomchat.protocol.Codec.encode(renamed);
        for (Member member : audience) {
            member.deliver(renamed, line, batch);
        }
        batch.settle();
    }

    @Override
    public void presence(Event joinedOrLeft) {
        String name = joinedOrLeft instanceof Event.Joined j ? j.room() : ((Event.Left) joinedOrLeft).room();
        Room room = rooms.find(name);
        if (room != null) {
            room.relay(joinedOrLeft, batch);
            batch.settle();
        }
    }
}
