package io.loomchat.server.delivery;

import io.loomchat.protocol.Event;

/**
 * What a room needs of a member: a name and presence to show, a way to hand it an event, and how much
 * history it can take at once. The chat's client is the member rooms hold; a room knows nothing else of it,
 * so rooms are tested with members that are no connection at all.
 */
public interface Member {

    /** The nick shown to the others. */
    String nick();

    /** Why this member is away, shown by {@code who}; null while present. */
    String away();

    /**
     * Queues {@code event} for this member, as part of {@code batch} (the deliveries of the read loop that
     * is running). {@code json} is the event already encoded, shared by every recipient; a member that
     * shows text renders the event itself. Never blocks: a member that cannot keep up is cut off.
     */
    void deliver(Event event, byte[] json, DeliveryBatch batch);

    /**
     * Queues every line of {@code burst} for this member, in order, as {@link #deliver} would one by one.
     * A member that writes JSON to a socket queues them all in one offer.
     */
    default void deliverAll(Burst burst, DeliveryBatch batch) {
        for (int i = 0, n = burst.size(); i < n; i++) {
            deliver(burst.event(i, this), burst.json(i, this), batch);
        }
    }

    /** How many bytes of history may be queued for this member at once. */
    long replayBudget();

    /**
     * The member rooms hold for this one: itself, or the person a connection belongs to (a person may be
     * connected from several devices; the room holds the person once).
     */
    default Member member() {
        return this;
    }

    /**
     * Queues an event that {@code requester} caused: the requester gets {@code ownEvent} (its copy, with
     * its ref) as part of {@code batch}; a member with several devices gives its other devices the copy
     * everyone gets ({@code event}, {@code json}) as part of {@code others}.
     */
    default void deliverOwn(Member requester, Event ownEvent, byte[] ownJson, Event event, byte[] json,
                            DeliveryBatch batch, DeliveryBatch others) {
        deliver(ownEvent, ownJson, batch);
    }
}
