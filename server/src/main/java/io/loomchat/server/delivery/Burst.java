package io.loomchat.server.delivery;

import io.loomchat.protocol.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * Lines a room has numbered but not yet queued to its members: what one read loop said there in one read,
 * queued to each member at once ({@link Outbox#offer(Burst, Object, DeliveryBatch)}), one lock per member
 * per burst instead of one per line. At full-speed fan-out a read carries dozens of lines, and for each
 * member the walk to its outbox and lock (five objects that a thousand members do not keep in the cache)
 * was the top of the profile (docs/BENCHMARKS.md, "One offer per member per read").
 *
 * <p>Owned by its room, under the room's lock: the room queues a burst before anything else reaches its
 * members, so every member still sees the room's events in id order.
 */
public final class Burst {

    /** Lines held at most before they are queued anyway: bounds the wait and what a burst holds. */
    public static final int MAX_LINES = 64;

    /** One line; the sender's own copy carries its ref (the acknowledgement). */
    private record Said(Object sender, Event event, byte[] json, Event ownEvent, byte[] ownJson) { }

    private final List<Said> lines = new ArrayList<>();
    private DeliveryBatch owner; // the batch that will queue these lines when it settles, unless someone does first

    /** Adds a line said by {@code sender}, whose read loop's batch is {@code batch}. */
    public void add(DeliveryBatch batch, Object sender, Event event, byte[] json, Event ownEvent, byte[] ownJson) {
        if (lines.isEmpty()) {
            owner = batch;
        }
        lines.add(new Said(sender, event, json, ownEvent, ownJson));
    }

    /** Whether lines are held for a batch other than {@code batch} (another read loop's). */
    public boolean heldFor(DeliveryBatch batch) {
        return !lines.isEmpty() && owner != batch;
    }

    public boolean isEmpty() {
        return lines.isEmpty();
    }

    public boolean isFull() {
        return lines.size() >= MAX_LINES;
    }

    public int size() {
        return lines.size();
    }

    /** Line {@code i} as {@code member} receives it: encoded. */
    public byte[] json(int i, Object member) {
        Said said = lines.get(i);
        return said.sender == member ? said.ownJson : said.json;
    }

    /** Line {@code i} as {@code member} receives it: the event, for a member that renders it. */
    public Event event(int i, Object member) {
        Said said = lines.get(i);
        return said.sender == member ? said.ownEvent : said.event;
    }

    public void clear() {
        lines.clear();
        owner = null;
    }
}
