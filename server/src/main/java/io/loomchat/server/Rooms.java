package io.loomchat.server;

import io.loomchat.protocol.Event.RoomInfo;
import io.loomchat.protocol.Request.Replay;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The directory of open rooms. A room is created by its first join and removed when its last member
 * leaves. Its message ids continue where they stopped if it is created again, so an id is never reused
 * for the same room while the server runs; with a journal, never at all.
 */
final class Rooms {

    private final ConcurrentHashMap<String, Room> open = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> lastIdOfClosed = new ConcurrentHashMap<>();
    // Opening and closing a room may read or close its journal: a lock of our own, because a
    // ConcurrentHashMap computation would hold a monitor (and pin a virtual thread) through the disk I/O.
    private final ReentrantLock openClose = new ReentrantLock();
    private final Clock clock;
    private final ServerConfig config;
    private final Journal journal; // null without --data-dir

    Rooms(Clock clock, ServerConfig config, Journal journal) {
        this.clock = clock;
        this.config = config;
        this.journal = journal;
    }

    /**
     * Joins {@code name} (canonical), creating the room if needed; null if the room is full.
     *
     * @throws UncheckedIOException if the room's journal cannot be opened
     */
    Room join(String name, Session session, String ref, Replay replay) {
        while (true) {
            Room room = open.get(name);
            if (room == null) {
                room = create(name);
            }
            Room.JoinResult result = room.join(session, ref, config.maxMembersPerRoom(), replay, config.historyOnJoin());
            if (result == Room.JoinResult.JOINED) {
                return room;
            }
            if (result == Room.JoinResult.FULL) {
                return null;
            }
            // It emptied and closed between lookup and join; its leaver removes it, then we create it anew.
            forget(room);
        }
    }

    private Room create(String name) {
        openClose.lock();
        try {
            Room existing = open.get(name);
            if (existing != null) {
                return existing;
            }
            long lastId = lastIdOfClosed.getOrDefault(name, 0L);
            Room room;
            if (journal == null) {
                room = new Room(name, Room.Start.empty(lastId), clock, config, null, false);
            } else {
                Room.Start[] start = new Room.Start[1];
                RoomFile file = journal.openRoom(name, config.historySize(), recovered -> start[0] =
                        new Room.Start(Math.max(lastId, recovered.lastId()), recovered.topic(), recovered.tail()));
                room = new Room(name, start[0], clock, config, file, journal.forceEveryAppend());
            }
            open.put(name, room);
            return room;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the journal of room " + name, e);
        } finally {
            openClose.unlock();
        }
    }

    void leave(Room room, Session session, String reason, String ref, boolean tellLeaver) {
        depart(room, session, session, reason, ref, tellLeaver);
    }

    /** Removes {@code session} on {@code actor}'s behalf (a kick); the leaver hears it too. */
    void remove(Room room, Session session, Session actor, String reason) {
        depart(room, session, actor, reason, null, true);
    }

    private void depart(Room room, Session session, Session actor, String reason, String ref, boolean tellLeaver) {
        if (room.leave(session, actor, reason, ref, tellLeaver)) {
            forget(room);
        }
    }

    /** Drops a closed room from the directory, once, remembering where its ids stopped. */
    private void forget(Room room) {
        openClose.lock();
        try {
            if (open.remove(room.name(), room)) {
                long lastId = room.leftover().lastId();
                if (lastId > 0) { // a room that never had a message costs nothing once closed
                    lastIdOfClosed.put(room.name(), lastId);
                }
                if (room.file() != null) {
                    journal.closeRoom(room.file());
                }
            }
        } finally {
            openClose.unlock();
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
                rooms.add(new RoomInfo(room.name(), size, room.topicText()));
            }
        }
        rooms.sort(Comparator.comparing(RoomInfo::name));
        return rooms;
    }
}
