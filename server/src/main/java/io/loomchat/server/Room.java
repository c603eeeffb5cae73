package io.loomchat.server;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.Event.Joined;
import io.loomchat.protocol.Event.Left;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A chat room: its members and its message sequence.
 *
 * <p>Everything that reaches the members (messages, joins, leaves) is numbered and queued under one lock,
 * so every member receives the room's events in the same order, and message ids arrive increasing. The
 * lock is held only while encoding once and queueing the same bytes to each member's outbox, which never
 * blocks: a member that cannot keep up is cut off by its outbox, never waited for.
 */
final class Room {

    private final String name;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Session> members = new ArrayList<>(); // guarded by lock
    private long lastId; // guarded by lock
    private boolean closed; // guarded by lock: emptied and removed from the directory

    private final int quietJoinsAbove;

    Room(String name, long lastId, Clock clock, int quietJoinsAbove) {
        this.name = name;
        this.lastId = lastId;
        this.clock = clock;
        this.quietJoinsAbove = quietJoinsAbove;
    }

    String name() {
        return name;
    }

    enum JoinResult { JOINED, CLOSED, FULL }

    /** Adds a member and tells everyone, the joiner included; CLOSED if the room has closed meanwhile. */
    JoinResult join(Session session, String ref, int maxMembers) {
        lock.lock();
        try {
            if (closed) {
                return JoinResult.CLOSED;
            }
            if (members.size() >= maxMembers) {
                return JoinResult.FULL;
            }
            members.add(session);
            Joined joined = new Joined(name, session.nick(), clock.instant(), null);
            if (members.size() > quietJoinsAbove) {
                Joined own = withRef(joined, ref);
                session.deliver(own, null, session); // a big room: only the joiner hears it
            } else {
                fanOut(joined, session, session, ref);
            }
            return JoinResult.JOINED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes a member and tells the rest, and the leaver when it asked ({@code ref} or not). Returns true
     * if that left the room empty: it is then closed and the caller drops it from the directory.
     */
    boolean leave(Session session, String reason, String ref, boolean tellLeaver) {
        lock.lock();
        try {
            if (!members.remove(session)) {
                return false;
            }
            Left left = new Left(name, session.nick(), reason, clock.instant(), null);
            boolean quiet = members.size() + 1 > quietJoinsAbove; // the size it had with the leaver
            byte[] shared = quiet ? Codec.encode(left) : fanOut(left, session, null, null);
            if (tellLeaver) {
                session.deliver(left, ref == null ? shared : Codec.encode(withRef(left, ref)), session);
            }
            if (members.isEmpty()) {
                closed = true;
            }
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Numbers a message and queues it to every member; the sender's copy carries its ref as the ack. */
    void say(Session sender, String text, boolean action, String ref) {
        lock.lock();
        try {
            ChatMessage message = new ChatMessage(++lastId, name, sender.nick(), text, action, clock.instant(), null);
            fanOut(message, sender, sender, ref);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues the same bytes to every member, and a copy with the ref to {@code requester}. {@code actor}'s
     * read loop is the one running.
     */
    private byte[] fanOut(Event event, Session actor, Session requester, String ref) {
        byte[] shared = Codec.encode(event);
        byte[] own = ref == null ? shared : Codec.encode(withRef(event, ref));
        for (int i = 0; i < members.size(); i++) {
            Session member = members.get(i);
            member.deliver(event, member == requester ? own : shared, actor);
        }
        return shared;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Event> E withRef(E event, String ref) {
        return (E) withRefAny(event, ref);
    }

    private static Event withRefAny(Event event, String ref) {
        return switch (event) {
            case ChatMessage m -> m.withRef(ref);
            case Joined j -> new Joined(j.room(), j.nick(), j.ts(), ref);
            case Left l -> new Left(l.room(), l.nick(), l.reason(), l.ts(), ref);
            default -> throw new IllegalArgumentException("not a room event: " + event);
        };
    }

    List<Session> members() {
        lock.lock();
        try {
            return List.copyOf(members);
        } finally {
            lock.unlock();
        }
    }

    List<String> nicks() {
        List<String> nicks = new ArrayList<>();
        for (Session member : members()) {
            nicks.add(member.nick());
        }
        nicks.sort(Comparator.comparing(String::toLowerCase));
        return nicks;
    }

    int size() {
        lock.lock();
        try {
            return members.size();
        } finally {
            lock.unlock();
        }
    }

    long lastId() {
        lock.lock();
        try {
            return lastId;
        } finally {
            lock.unlock();
        }
    }
}
