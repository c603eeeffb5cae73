package io.loomchat.server.chat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The rooms one client is in and which of them is current (the one joined last), owned by that client's
 * read loop. Another client's read loop only ever leaves a note here ({@link #kickedFrom}); the owner
 * applies it before its next request, so the list has one writer. The current room's name is also kept
 * in a volatile field, because other threads render text-mode lines for this client with it.
 */
public final class JoinedRooms {

    private final Map<String, Room> rooms = new LinkedHashMap<>(); // owner only; the last one is current
    // Rooms an operator removed this client from: dropped from `rooms` before the owner's next request.
    private final ConcurrentLinkedQueue<Room> kicked = new ConcurrentLinkedQueue<>();
    private volatile String currentName;

    /** From an operator's read loop: this client was kicked from {@code room}. */
    void kickedFrom(Room room) {
        kicked.add(room);
    }

    /** Owner: forgets the rooms it was kicked from. */
    void applyKicks() {
        boolean changed = false;
        for (Room room; (room = kicked.poll()) != null; ) {
            changed |= rooms.remove(room.name(), room);
        }
        if (changed) {
            changed();
        }
    }

    /** Owner, before joining {@code room}: its replay is rendered as the current room's, untagged. */
    void joining(String room) {
        currentName = room;
    }

    /** Owner: the join did not happen after all; the current room stays what it was. */
    void notJoined() {
        changed();
    }

    /** Owner: now in {@code room}, which becomes current. */
    void joined(Room room) {
        rooms.put(room.name(), room);
        changed();
    }

    /** Owner: left {@code room}. */
    void left(Room room) {
        rooms.remove(room.name(), room);
        changed();
    }

    /** Owner: leaves every room; returns them. */
    List<Room> leftAll() {
        List<Room> all = new ArrayList<>(rooms.values());
        rooms.clear();
        changed();
        return all;
    }

    /** Owner: the room by that name, or null if not in it. */
    Room get(String name) {
        return rooms.get(name);
    }

    /** Owner: every room, the current one last. */
    Collection<Room> all() {
        return Collections.unmodifiableCollection(rooms.values());
    }

    int count() {
        return rooms.size();
    }

    /** Owner: where lines without a room go (the room joined last), or null in none. */
    Room current() {
        Room last = null;
        for (Room room : rooms.values()) {
            last = room;
        }
        return last;
    }

    /** The names of the rooms this client is in, oldest join first. Owner only. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (Room room : rooms.values()) {
            names.add(room.name());
        }
        return names;
    }

    /** Whether the client is in {@code name} (any case, with or without '#'). Owner only. */
    public boolean contains(String name) {
        String n = name.startsWith("#") ? name.substring(1) : name;
        return get(n.toLowerCase(Locale.ROOT)) != null;
    }

    /** Any thread: the current room's name, for rendering text-mode lines; null in none. */
    public String currentName() {
        return currentName;
    }

    private void changed() {
        Room current = current();
        currentName = current == null ? null : current.name();
    }
}
