package io.loomchat.server.chat;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.Event.Joined;
import io.loomchat.protocol.Event.Left;
import io.loomchat.protocol.Event.Topic;
import io.loomchat.server.delivery.Burst;
import io.loomchat.server.delivery.DeliveryBatch;
import io.loomchat.server.delivery.Member;
import java.util.ArrayList;
import java.util.List;

/**
 * The members of one room and how each of them hears what happens there: the same encoded bytes for all,
 * the requester's own copy with its ref. Not thread-safe on purpose: owned by its {@link Room} and used
 * under the room's lock only, which is what gives every member the room's events in one order.
 */
final class RoomMembers {

    private final List<Member> list = new ArrayList<>();

    int size() {
        return list.size();
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    void add(Member member) {
        list.add(member);
    }

    boolean remove(Member member) {
        return list.remove(member);
    }

    boolean contains(Member member) {
        return list.contains(member);
    }

    List<Member> snapshot() {
        return List.copyOf(list);
    }

    /** Queues a burst of held lines to every member, each member's in one offer. */
    void deliverAll(Burst burst, DeliveryBatch batch) {
        for (int i = 0; i < list.size(); i++) {
            list.get(i).deliverAll(burst, batch);
        }
    }

    /** Queues the same event to every member. */
    void deliverToAll(Event event, byte[] line, DeliveryBatch batch) {
        for (int i = 0; i < list.size(); i++) {
            list.get(i).deliver(event, line, batch);
        }
    }

    /**
     * Queues the same bytes to every member, and to {@code requester} a copy with its ref added to those
     * bytes (no second encoding), as part of {@code batch}.
     */
    void fanOut(Event event, byte[] shared, DeliveryBatch batch, Member requester, String ref) {
        byte[] own = ref == null ? shared : Codec.withRef(shared, ref);
        Event ownEvent = ref == null ? event : withRef(event, ref); // only text-mode members render it
        // Joins and leaves may wait a moment to go out with other lines; the requester's own answer may not.
        DeliveryBatch others = event instanceof Joined || event instanceof Left ? batch.presence() : batch;
        Member requesterMember = requester == null ? null : requester.member(); // a device's person
        for (int i = 0; i < list.size(); i++) {
            Member member = list.get(i);
            if (member == requesterMember) {
                member.deliverOwn(requester, ownEvent, own, event, shared, batch, others);
            } else {
                member.deliver(event, shared, others);
            }
        }
    }

    @SuppressWarnings("unchecked")
    static <E extends Event> E withRef(E event, String ref) {
        return ref == null ? event : (E) withRefAny(event, ref);
    }

    private static Event withRefAny(Event event, String ref) {
        return switch (event) {
            case ChatMessage m -> m.withRef(ref);
            case Joined j -> new Joined(j.room(), j.nick(), j.ts(), ref);
            case Left l -> new Left(l.room(), l.nick(), l.reason(), l.ts(), ref);
            case Topic t -> new Topic(t.room(), t.topic(), t.by(), t.ts(), ref);
            default -> throw new IllegalArgumentException("not a room event: " + event);
        };
    }
}
