package io.loomchat.server.cluster;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.PrivateMessage;
import io.loomchat.protocol.Request;
import io.loomchat.server.chat.ChatContext;
import io.loomchat.server.chat.Client;
import io.loomchat.server.chat.ModerationFromElsewhere;
import io.loomchat.server.chat.Nicknames;
import io.loomchat.server.chat.Person;
import io.loomchat.server.chat.Presence;
import io.loomchat.server.chat.Room;
import io.loomchat.server.chat.Rooms;
import io.loomchat.server.delivery.DeliveryBatch;
import io.loomchat.server.delivery.Member;
import io.loomchat.server.delivery.PresenceFlush;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This node's side of what nodes tell each other: its members of a room for another node's {@code who},
 * private messages for its clients, and joins and leaves on other nodes for its members. Called by the
 * mesh's one thread, whose deliveries this owns.
 */
public final class ClusterMembers implements NodeMesh.Local {

    private final Rooms rooms;
    private final Nicknames nicknames;
    private final DeliveryBatch batch;
    private final PresenceFlush presenceFlush;
    private final ModerationFromElsewhere moderation;

    public ClusterMembers(ChatContext chat, PresenceFlush presenceFlush) {
        this.rooms = chat.rooms();
        this.nicknames = chat.nicknames();
        this.presenceFlush = presenceFlush;
        this.batch = new DeliveryBatch(presenceFlush);
        this.moderation = new ModerationFromElsewhere(chat);
    }

    @Override
    public void moderate(Request request, String by) {
        moderation.apply(request, by == null ? "an operator" : by, batch);
        batch.settle();
    }

    @Override
    public List<Presence> members(String name) {
        Room room = rooms.find(name);
        List<Presence> here = new ArrayList<>();
        if (room != null) {
            for (Member member : room.members()) {
                here.add(new Presence(member.nick(), member.away()));
            }
        }
        return here;
    }

    @Override
    public Map<String, Integer> roomSizes() {
        Map<String, Integer> sizes = new HashMap<>();
        for (Event.RoomInfo info : rooms.list()) {
            sizes.put(info.name(), info.members());
        }
        return sizes;
    }

    @Override
    public boolean deliver(PrivateMessage message) {
        Person target = nicknames.find(message.to());
        if (target == null) {
            return false;
        }
        target.deliver(message, null, batch);
        batch.settle();
        return true;
    }

    @Override
    public void renamed(Event.Renamed renamed, List<String> names) {
        Set<Member> audience = Collections.newSetFromMap(new IdentityHashMap<>());
        for (String name : names) {
            Room room = rooms.find(name);
            if (room != null) {
                audience.addAll(room.members());
            }
        }
        byte[] line = Codec.encode(renamed);
        for (Member member : audience) {
            member.deliver(renamed, line, batch);
        }
        batch.settle();
    }

    @Override
    public void presence(Event joinedOrLeft, String node) {
        String name = joinedOrLeft instanceof Event.Joined j ? j.room() : ((Event.Left) joinedOrLeft).room();
        String nick = joinedOrLeft instanceof Event.Joined j ? j.nick() : ((Event.Left) joinedOrLeft).nick();
        if (node != null && !node.isEmpty()) {
            tracking.lock();
            try {
            Map<String, Set<String>> onNode = remote.computeIfAbsent(node, n -> new HashMap<>());
            if (joinedOrLeft instanceof Event.Joined) {
                onNode.computeIfAbsent(name, r -> new HashSet<>()).add(nick);
            } else {
                Set<String> members = onNode.get(name);
                if (members != null) {
                    members.remove(nick);
                }
            }
            } finally {
                tracking.unlock();
            }
        }
        Room room = rooms.find(name);
        if (room != null) {
            room.relay(joinedOrLeft, batch);
            batch.settle();
        }
    }

    /**
     * Node {@code node} is lost: each member it had in a room (as far as this node saw them join) is told
     * to this node's members as gone, unless that nick is in the room again by now, here or through
     * another node (a client that moved over with its resume token).
     */
    @Override
    public void nodeLost(String node) {
        DeliveryBatch gone = new DeliveryBatch(presenceFlush); // the heartbeat thread's own
        tracking.lock();
        try {
            announceGone(remote.remove(node), gone);
        } finally {
            tracking.unlock();
        }
        gone.settle();
    }

    private void announceGone(Map<String, Set<String>> lost, DeliveryBatch gone) {
        if (lost == null) {
            return;
        }
        for (Map.Entry<String, Set<String>> entry : lost.entrySet()) {
            Room room = rooms.find(entry.getKey());
            if (room == null) {
                continue;
            }
            for (String nick : entry.getValue()) {
                boolean back = nicknames.find(nick) != null || remote.values().stream()
                        .anyMatch(m -> m.getOrDefault(entry.getKey(), Set.of()).contains(nick));
                if (!back) {
                    room.relay(new Event.Left(room.name(), nick, "node_lost", Instant.now(), null), gone);
                }
            }
        }
    }

    /**
     * Who this node saw join a room through another node: node -> room -> nicks. Changed by the mesh's
     * dispatcher (presence) and its heartbeat thread (a lost node), under {@link #tracking}; nothing blocks
     * under it (relaying only queues).
     */
    private final Map<String, Map<String, Set<String>>> remote = new HashMap<>();
    private final ReentrantLock tracking = new ReentrantLock();
}
