package io.loomchat.server.chat;

import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.RoomInfo;
import io.loomchat.protocol.Request.Replay;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.delivery.DeliveryBatch;
import io.loomchat.server.delivery.Member;
import io.loomchat.server.history.HistoryBudget;
import io.loomchat.server.history.HistoryStore;
import io.loomchat.server.history.JournalDirectory;
import io.loomchat.server.history.JournalStore;
import io.loomchat.server.history.RoomJournal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The directory of open rooms. A room is created by its first join and removed when its last member
 * leaves. Its message ids continue where they stopped if it is created again, so an id is never reused
 * for the same room while the server runs; with a journal, never at all.
 *
 * <p>Each room name has a slot with a lock of its own, held while that room's journal is opened
 * (recovered, maybe compacted) or closed: a large journal delays only its own room, never another's.
 */
public final class Rooms {

    /** Closed rooms whose last id is remembered one by one (without a journal); older ones share a floor. */
    static final int CLOSED_IDS_KEPT = 10_000;

    /** One room name's place in the directory: its lock, and the room while it is open. */
    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        volatile Room room; // null until opened
        boolean removed; // guarded by lock: a newer slot (or none) stands for this name now
    }

    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    // Without a journal: where each closed room's ids stopped, the most recent CLOSED_IDS_KEPT of them, and
    // a floor above every id of the ones forgotten, from which a forgotten room's ids start again.
    private final ReentrantLock closedIdsLock = new ReentrantLock();
    private final Map<String, Long> lastIdOfClosed = new LinkedHashMap<>(); // guarded by closedIdsLock
    private long forgottenIdFloor; // guarded by closedIdsLock
    private final Clock clock;
    private final ServerConfig config;
    private final JournalDirectory journal; // null without --data-dir
    private final HistoryBudget budget;
    private final Elsewhere elsewhere;

    /** {@code elsewhere}: where joins and leaves here are told to the other nodes ({@link Elsewhere#NOWHERE} on one). */
    public Rooms(Clock clock, ServerConfig config, JournalDirectory journal, HistoryBudget budget, Elsewhere elsewhere) {
        this.elsewhere = elsewhere;
        this.clock = clock;
        this.config = config;
        this.journal = journal;
        this.budget = budget;
    }

    /**
     * Joins {@code name} (canonical), creating the room if needed; null if the room is full.
     *
     * @throws UncheckedIOException if the room's journal cannot be opened
     */
    Room join(String name, Member session, DeliveryBatch batch, String ref, Replay replay) {
        while (true) {
            Slot slot = slots.computeIfAbsent(name, n -> new Slot());
            Room room = slot.room;
            if (room == null) {
                room = open(name, slot);
                if (room == null) {
                    continue; // the slot was retired meanwhile: take the current one
                }
            }
            Room.JoinResult result = room.join(session, batch, ref, config.maxMembersPerRoom(), replay, config.historyOnJoin());
            if (result == Room.JoinResult.JOINED) {
                if (elsewhere.reachesOtherNodes()) {
                    elsewhere.announcePresence(new Event.Joined(name, session.nick(), clock.instant(), null));
                }
                return room;
            }
            if (result == Room.JoinResult.FULL) {
                return null;
            }
            // It emptied and closed between lookup and join; its leaver removes it, then we create it anew.
            forget(room);
        }
    }

    /** Opens the room of {@code slot} under the slot's lock only; null if the slot was retired. */
    private Room open(String name, Slot slot) {
        slot.lock.lock();
        try {
            if (slot.removed) {
                return null;
            }
            if (slot.room == null) {
                try {
                    slot.room = create(name);
                } catch (UncheckedIOException e) {
                    slot.removed = true; // no slot lingers for a room that could not open
                    slots.remove(name, slot);
                    throw e;
                }
                budget.register(slot.room);
            }
            budget.trimIfOver(); // a recovered history counts too
            return slot.room;
        } finally {
            slot.lock.unlock();
        }
    }

    private Room create(String name) {
        long lastId = closedLastId(name);
        if (journal == null) {
            return new Room(name, Room.Start.empty(lastId), clock, config, HistoryStore.MEMORY_ONLY, budget);
        }
        try {
            Room.Start[] start = new Room.Start[1];
            RoomJournal file = journal.openRoom(name, config.historySize(), recovered -> start[0] =
                    new Room.Start(Math.max(lastId, recovered.lastId()), recovered.topic(), recovered.tail()));
            return new Room(name, start[0], clock, config, new JournalStore(file, journal.forceEveryAppend()), budget);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the journal of room " + name + ": " + e.getMessage(), e);
        }
    }

    /** The feed's own deliveries: it runs on one thread, and settles after each line. */
    private final DeliveryBatch feedBatch = new DeliveryBatch();

    /**
     * In a cluster: a line the cluster stored for room {@code message.room()}, opened here if it is not
     * (a room's history is kept on every node, members or not). Called by the feed's thread only.
     */
    public void stored(Event.ChatMessage message, Member sender, String ref) {
        Room room = feedRoom(message.room());
        room.stored(message, sender, ref, feedBatch);
        feedBatch.settle();
    }

    /** In a cluster: a topic change the cluster stored as line {@code sequence}. Called by the feed's thread only. */
    public void storedTopic(long sequence, Event.Topic topic, Member setter, String ref) {
        Room room = feedRoom(topic.room());
        room.storedTopic(sequence, topic, setter, ref, feedBatch);
        feedBatch.settle();
    }

    private Room feedRoom(String name) {
        while (true) {
            Slot slot = slots.computeIfAbsent(name, n -> new Slot());
            Room room = slot.room != null ? slot.room : open(name, slot);
            if (room != null) {
                return room;
            }
        }
    }

    /** {@code session} leaves {@code room}; {@code batch} is that of the read loop running (the leaver's own). */
    void leave(Room room, Member session, DeliveryBatch batch, String reason, String ref, boolean tellLeaver) {
        depart(room, session, batch, reason, ref, tellLeaver);
    }

    /** Removes {@code session} from {@code room} as part of an operator's {@code batch} (a kick); the leaver hears it too. */
    void remove(Room room, Member session, DeliveryBatch batch, String reason) {
        depart(room, session, batch, reason, null, true);
    }

    private void depart(Room room, Member session, DeliveryBatch batch, String reason, String ref, boolean tellLeaver) {
        boolean member = elsewhere.reachesOtherNodes() && room.has(session); // a single node asks no more
        boolean closed = room.leave(session, batch, reason, ref, tellLeaver);
        if (member) {
            elsewhere.announcePresence(new Event.Left(room.name(), session.nick(), reason, clock.instant(), null));
        }
        if (closed) {
            forget(room);
        }
    }

    /** Drops a closed room from the directory, once, remembering where its ids stopped. */
    private void forget(Room room) {
        Slot slot = slots.get(room.name());
        if (slot == null) {
            return;
        }
        slot.lock.lock();
        try {
            if (slot.room != room) {
                return; // already forgotten, or a newer incarnation
            }
            budget.unregister(room);
            long lastId = room.leftover().lastId();
            room.store().close();
            if (!room.store().keepsIds() && lastId > 0) { // a room that never had a message costs nothing once closed
                rememberClosed(room.name(), lastId);
            }
            slot.room = null;
            slot.removed = true;
            slots.remove(room.name(), slot);
        } finally {
            slot.lock.unlock();
        }
    }

    private long closedLastId(String name) {
        closedIdsLock.lock();
        try {
            Long last = lastIdOfClosed.get(name);
            return last != null ? last : forgottenIdFloor;
        } finally {
            closedIdsLock.unlock();
        }
    }

    private void rememberClosed(String name, long lastId) {
        closedIdsLock.lock();
        try {
            lastIdOfClosed.remove(name); // re-inserted as the most recent
            lastIdOfClosed.put(name, lastId);
            if (lastIdOfClosed.size() > CLOSED_IDS_KEPT) {
                var eldest = lastIdOfClosed.entrySet().iterator();
                forgottenIdFloor = Math.max(forgottenIdFloor, eldest.next().getValue());
                eldest.remove();
            }
        } finally {
            closedIdsLock.unlock();
        }
    }

    public Room find(String name) {
        Slot slot = slots.get(name);
        return slot == null ? null : slot.room;
    }

    public List<RoomInfo> list() {
        List<RoomInfo> rooms = new ArrayList<>();
        for (Slot slot : slots.values()) {
            Room room = slot.room;
            int size = room == null ? 0 : room.size();
            if (size > 0) {
                rooms.add(new RoomInfo(room.name(), size, room.topicText()));
            }
        }
        rooms.sort(Comparator.comparing(RoomInfo::name));
        return rooms;
    }
}
