package io.loomchat.server.chat;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.Event.HistoryEnd;
import io.loomchat.protocol.Event.Joined;
import io.loomchat.protocol.Event.Left;
import io.loomchat.protocol.Event.Topic;
import io.loomchat.protocol.Request.Replay;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.delivery.Burst;
import io.loomchat.server.delivery.DeliveryBatch;
import io.loomchat.server.delivery.Member;
import io.loomchat.server.history.HistoryBudget;
import io.loomchat.server.history.HistoryStore;
import io.loomchat.server.history.KeptHistory;
import io.loomchat.server.history.RecentMessages;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chat room: its members and its message sequence.
 *
 * <p>Everything that reaches the members (messages, joins, leaves) is numbered and queued under one lock,
 * so every member receives the room's events in the same order, and message ids arrive increasing. The
 * lock is held while encoding once and queueing the same bytes to each member's outbox, which never
 * blocks: a member that cannot keep up is cut off by its outbox, never waited for.
 *
 * <p>With a data dir the lock also covers the journal append, on purpose: the journal then holds the
 * room's messages in exactly the order members received them, and a message is on disk (or in the page
 * cache, per --fsync) before anyone sees it. The cost: this room's lines wait for its own disk writes
 * (a page-cache copy, or a flush per line with --fsync always); no other room does. Opening, compacting
 * and closing a journal happen outside it.
 *
 * <p>A message is numbered, stored and kept when it is said, but queued to the members with the others
 * its sender's read loop says here in the same read (a {@link Burst}), when that read loop settles: one
 * offer per member per read instead of one per line. Held lines go out before anything else reaches the
 * members (every method that delivers releases them first, under the lock), so the order is unchanged.
 */
public final class Room implements DeliveryBatch.BurstHolder, KeptHistory {

    private static final Logger LOG = LoggerFactory.getLogger(Room.class);

    private final String name;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final RoomMembers members = new RoomMembers(); // guarded by lock
    private long lastId; // guarded by lock
    private boolean closed; // guarded by lock: emptied and removed from the directory
    private final RecentMessages recent; // guarded by lock
    private Topic topic; // guarded by lock; null when never set
    private long lastTopicSequence; // guarded by lock: in a cluster, the stream line of the topic
    private final HistoryStore store; // appended under lock, before anyone receives the event
    private final Burst burst = new Burst(); // guarded by lock: said, not yet queued to the members

    private final int quietJoinsAbove;
    private final HistoryBudget budget;
    private final boolean keptWhenEmpty; // in a cluster: the room's history arrives whether or not anyone is here

    /** The state a room starts from: left behind by its previous incarnation, or recovered from its journal. */
    record Start(long lastId, Topic topic, ArrayDeque<ChatMessage> kept) {
        static Start empty(long lastId) {
            return new Start(lastId, null, new ArrayDeque<>());
        }
    }

    Room(String name, Start start, Clock clock, ServerConfig config, HistoryStore store, HistoryBudget budget) {
        this.name = name;
        this.lastId = start.lastId();
        this.topic = start.topic();
        this.budget = budget;
        this.recent = new RecentMessages(config.historySize(), start.kept(), budget);
        this.clock = clock;
        this.quietJoinsAbove = config.quietJoinsAbove();
        this.store = store;
        this.keptWhenEmpty = config.cluster() != null;
    }

    public String name() {
        return name;
    }

    enum JoinResult { JOINED, CLOSED, FULL }

    /**
     * Adds a member and tells everyone, the joiner included; then gives the joiner the topic and the
     * history {@code replay} asks for. All under the lock, so the joiner's history ends exactly where the
     * live messages begin: no gap, no duplicate. CLOSED if the room has closed meanwhile.
     */
    JoinResult join(Member session, DeliveryBatch batch, String ref, int maxMembers, Replay replay, int replayDefault) {
        lock.lock();
        try {
            if (closed) {
                return JoinResult.CLOSED;
            }
            Joined joined = new Joined(name, session.nick(), clock.instant(), null);
            boolean again = members.contains(session.member()); // another device of a member: it alone hears of it
            if (!again && members.size() >= maxMembers) {
                return JoinResult.FULL;
            }
            release(batch); // before the joiner is a member: the history it gets holds those lines
            if (!again) {
                members.add(session.member());
            }
            if (again || members.size() > quietJoinsAbove) { // a big room, or a member's device: the joiner alone
                session.deliver(RoomMembers.withRef(joined, ref), Codec.withRef(Codec.encode(joined), ref), batch);
            } else {
                members.fanOut(joined, Codec.encode(joined), batch, session, ref);
            }
            if (topic != null) {
                session.deliver(topic, null, batch);
            }
            boolean asked = replay.last() != null || replay.after() != null;
            int last = replay.last() != null ? replay.last() : replay.after() != null ? Integer.MAX_VALUE : replayDefault;
            if (last > 0 && (asked || recent.size() > 0)) {
                // An explicit request always gets its history_end; the default replay of an empty room says nothing.
                replay(session, batch, null, replay.after(), last, null);
            }
            return JoinResult.JOINED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes a member and tells the rest, and the leaver when it asked ({@code ref} or not). Returns true
     * if that left the room empty: it is then closed and the caller drops it from the directory. {@code batch}
     * is that of the read loop running: the leaver's own, or an operator's kicking it.
     */
    boolean leave(Member session, DeliveryBatch batch, String reason, String ref, boolean tellLeaver) {
        lock.lock();
        try {
            Member member = session.member();
            if (!members.contains(member)) {
                return false;
            }
            release(batch); // the leaver too gets what was said before it left
            members.remove(member);
            Left left = new Left(name, session.nick(), reason, clock.instant(), null);
            boolean quiet = members.size() + 1 > quietJoinsAbove; // the size it had with the leaver
            byte[] shared = Codec.encode(left);
            if (!quiet) {
                members.fanOut(left, shared, batch, null, null);
            }
            if (tellLeaver) { // every device of the leaver; the one that asked with its ref
                member.deliverOwn(session, RoomMembers.withRef(left, ref), Codec.withRef(shared, ref), left, shared, batch, batch);
            }
            if (members.isEmpty() && !keptWhenEmpty) {
                closed = true;
                recent.release(); // without a journal the history goes with the room; with one it stays on disk
            }
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Numbers a message, writes it to the journal if there is one, keeps it, and has it queued to every
     * member when {@code batch} settles (with what else its read loop says here meanwhile) or sooner; the
     * sender's copy carries its ref as the ack. Returns the message, or null if the journal refused it
     * (then nobody receives it, and its id is not reused).
     */
    ChatMessage say(Member sender, DeliveryBatch batch, String text, boolean action, String ref) {
        batch.releaseHeldExcept(this); // what the sender said in another room goes first; takes that room's lock
        lock.lock();
        try {
            ChatMessage message = new ChatMessage(++lastId, name, sender.nick(), text, action, clock.instant(), null);
            byte[] shared = Codec.encode(message); // the journal's line and every member's, encoded once
            if (!store(message, shared)) {
                return null;
            }
            recent.add(message);
            if (burst.heldFor(batch)) {
                release(batch); // another read loop's lines: they come first
            }
            if (burst.isEmpty()) {
                batch.holding(this);
            }
            burst.add(batch, sender, message, shared, RoomMembers.withRef(message, ref), ref == null ? shared : Codec.withRef(shared, ref));
            if (burst.isFull()) {
                release(batch);
            }
            return message;
        } finally {
            lock.unlock();
            budget.trimIfOver(); // outside the lock: it takes the largest rooms' locks, one at a time
        }
    }

    /**
     * In a cluster: a message the cluster's stream has stored and numbered, handed over by the feed in
     * stream order. Kept and queued to every member here; {@code sender} (if it was said on this node and is
     * still a member) gets the copy with its {@code ref}. A line seen before (the feed replays after a
     * reset) is ignored.
     */
    void stored(ChatMessage message, Member sender, String ref, DeliveryBatch batch) {
        lock.lock();
        try {
            if (message.id() <= lastId) {
                return;
            }
            release(batch);
            lastId = message.id();
            recent.add(message);
            members.fanOut(message, Codec.encode(message), batch, sender, ref);
        } finally {
            lock.unlock();
            budget.trimIfOver();
        }
    }

    /**
     * In a cluster: someone joined or left this room on another node; this node's members hear it as they
     * would a local one (not in a room above quiet-joins-above).
     */
    public void relay(Event joinedOrLeft, DeliveryBatch batch) {
        lock.lock();
        try {
            if (closed || members.size() > quietJoinsAbove) {
                return;
            }
            release(batch);
            byte[] line = Codec.encode(joinedOrLeft);
            members.deliverToAll(joinedOrLeft, line, batch.presence());
        } finally {
            lock.unlock();
        }
    }

    /**
     * In a cluster: a topic change the stream stored as line {@code sequence}, handed over by the feed;
     * one seen before is ignored.
     */
    void storedTopic(long sequence, Topic changed, Member setter, String ref, DeliveryBatch batch) {
        lock.lock();
        try {
            if (sequence <= lastTopicSequence) {
                return;
            }
            lastTopicSequence = sequence;
            topic = changed;
            release(batch);
            members.fanOut(changed, Codec.encode(changed), batch, setter, ref);
        } finally {
            lock.unlock();
        }
    }

    /** What this room's kept messages count for in the history budget. */
    @Override
    public long keptBytes() {
        return locked(() -> recent.bytes());
    }

    /** How many messages this room keeps now. */
    public int keptCount() {
        return locked(() -> recent.size());
    }

    /** Drops the oldest kept messages worth {@code bytes}; returns how many went. */
    @Override
    public int dropOldestKept(long bytes) {
        return locked(() -> recent.dropOldest(bytes));
    }

    /** Sets the topic ("" clears it) and tells every member; false if the journal refused it. */
    boolean setTopic(Member setter, DeliveryBatch batch, String text, String ref) {
        lock.lock();
        try {
            Topic changed = new Topic(name, text, setter.nick(), clock.instant(), null);
            byte[] shared = Codec.encode(changed);
            if (!store(changed, shared)) {
                return false;
            }
            topic = changed;
            release(batch);
            members.fanOut(changed, shared, batch, setter, ref);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The topic as an answer to {@code ref}: {@code ""} with no setter when there is none. */
    Topic topic(String ref) {
        return locked(() -> topic == null ? new Topic(name, "", null, null, ref)
                    : new Topic(name, topic.topic(), topic.by(), topic.ts(), ref));
    }

    /** The topic text for the room list; null when there is none. */
    String topicText() {
        return locked(() -> topic == null || topic.topic().isEmpty() ? null : topic.topic());
    }

    /** Sends {@code session} one page of the kept messages, then a {@code history_end} that carries the ref. */
    void history(Member session, DeliveryBatch batch, Long before, Long after, int limit, String ref) {
        lock.lock();
        try {
            release(batch);
            replay(session, batch, before, after, limit, ref);
        } finally {
            lock.unlock();
        }
    }

    private void replay(Member session, DeliveryBatch batch, Long before, Long after, int limit, String ref) {
        RecentMessages.Page page = recent.page(before, after, limit, session.replayBudget());
        for (int i = 0; i < page.messages().size(); i++) {
            session.deliver(page.messages().get(i), page.lines().get(i), batch);
        }
        session.deliver(new HistoryEnd(name, page.messages().size(), page.more(), lastId, ref), null, batch);
    }

    private boolean store(Event event, byte[] line) {
        try {
            store.append(event, line);
            return true;
        } catch (IOException e) {
            LOG.error("history of room {}: write failed, {} not said: {}", name, event.getClass().getSimpleName(), e.toString());
            return false;
        }
    }

    /** Where this room's history lives; the directory closes it once the room is closed and gone. */
    HistoryStore store() {
        return store;
    }

    /** What a later incarnation of this room starts from, once it has closed. */
    Start leftover() {
        return locked(() -> Start.empty(lastId));
    }

    @Override
    public void releaseBurst(DeliveryBatch batch) {
        lock.lock();
        try {
            release(batch);
        } finally {
            lock.unlock();
        }
    }

    /** Under lock: queues the lines said but held back to every member, each member's in one offer. */
    private void release(DeliveryBatch batch) {
        if (burst.isEmpty()) {
            return;
        }
        members.deliverAll(burst, batch);
        burst.clear();
    }

    boolean has(Member member) {
        return locked(() -> members.contains(member.member()));
    }

    public List<Member> members() {
        return locked(() -> members.snapshot());
    }

    int size() {
        return locked(() -> members.size());
    }

    long lastId() {
        return locked(() -> lastId);
    }

    /** {@code read} of the kept messages, under the room's lock (a read marker's message by id or time). */
    public <T> T kept(Function<RecentMessages, T> read) {
        return locked(() -> read.apply(recent));
    }

    /** {@code read}, under the room's lock. */
    private <T> T locked(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }
}
