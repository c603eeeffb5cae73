package io.loomchat.server;

import io.loomchat.protocol.Event.RoomInfo;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The directory of open rooms. A room is created by its first join and removed when its last member
 * leaves. Its message ids continue where they stopped if it is created again, so an id is never reused
 * for the same room while the server runs.
 */
final class Rooms {

    private final ConcurrentHashMap<String, Room> open = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> lastIdOfClosed = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int quietJoinsAbove;
    private final int maxMembers;

    Rooms(Clock clock, int quietJoinsAbove, int maxMembers) {
        this.clock = clock;
        this.quietJoinsAbove = quietJoinsAbove;
        this.maxMembers = maxMembers;
    }

    /** Joins {@code name} (canonical), creating the room if needed; null if the room is full. */
    Room join(String name, Session session, String ref) {
        while (true) {
            Room room = open.computeIfAbsent(name, n -> new Room(n, lastIdOfClosed.getOrDefault(n, 0L), clock, quietJoinsAbove));
            Room.JoinResult result = room.join(session, ref, maxMembers);
            if (result == Room.JoinResult.JOINED) {
                return room;
            }
            if (result == Room.JoinResult.FULL) {
                return null;
            }
            // It emptied and closed between lookup and join; make sure it is gone and create it anew.
            open.remove(name, room);
        }
    }

    void leave(Room room, Session session, String reason, String ref, boolean tellLeaver) {
        if (room.leave(session, reason, ref, tellLeaver)) {
            lastIdOfClosed.put(room.name(), room.lastId());
            open.remove(room.name(), room);
        }
    }

    Room find(String name) {
        return open.get(name);
    }

    List<RoomInfo> list() {
        List<RoomInfo> rooms = new ArrayList<>();
        for (Room room : open.values()) {
            int size = room.size();
            if (size > 0) {
                rooms.add(new RoomInfo(room.name(), size));
            }
        }
        rooms.sort(Comparator.comparing(RoomInfo::name));
        return rooms;
    }
}
