package io.loomchat.server.cluster;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.ProtocolException;
import io.loomchat.server.delivery.Member;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rooms' stream, read in order by one ordered consumer per node (it recreates itself after a gap or a
 * reconnect and carries on from the last line it saw), each stored line handed to this node's room with the
 * stream sequence as its id.
 */
public final class RoomFeed {

    private static final Logger LOG = LoggerFactory.getLogger(RoomFeed.class);

    /** Where stored lines go: the room directory of this node. */
    public interface Target {
        /** {@code message} is numbered; {@code sender} and {@code ref} are set when it was said on this node. */
        void stored(ChatMessage message, Member sender, String ref);

        /** A topic change stored as line {@code sequence}; {@code setter} and {@code ref} as above. */
        void storedTopic(long sequence, Event.Topic topic, Member setter, String ref);
    }

    private final ClusterLink link;
    private final Target target;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progressed = lock.newCondition();
    private long applied; // guarded by lock: the last stream sequence handed over

    RoomFeed(ClusterLink link, Target target) {
        this.link = link;
        this.target = target;
    }

    void onMessage(Message message) {
        long sequence = message.metaData().streamSequence();
        try {
            String room = RoomSubjects.room(message.getSubject());
            String topicRoom = RoomSubjects.topicRoom(message.getSubject());
            Event event = Codec.decodeEvent(message.getData(), 0, message.getData().length);
            Headers headers = message.getHeaders();
            String node = headers == null ? null : headers.getFirst(ClusterLink.NODE_HEADER);
            String msgId = headers == null ? null : headers.getFirst(ClusterLink.MSG_ID_HEADER);
            ClusterLink.Pending own = link.settled(node, msgId);
            Member from = own == null ? null : own.sender();
            String ref = own == null ? null : own.ref();
            if (topicRoom != null && event instanceof Event.Topic topic) {
                target.storedTopic(sequence, new Event.Topic(topicRoom, topic.topic(), topic.by(), topic.ts(), null), from, ref);
                return;
            }
            if (room == null || !(event instanceof ChatMessage said)) {
                LOG.warn("rooms' stream: line {} on {} is not a chat message; skipped", sequence, message.getSubject());
                return;
            }
            if (node != null && !node.equals(link.nodeName())) {
                link.linesFromOtherNodes.increment();
            }
            link.linesFromStream.increment();
            ChatMessage numbered = new ChatMessage(sequence, room, said.from(), said.text(), said.action(), said.ts(), null);
            target.stored(numbered, from, ref);
        } catch (ProtocolException e) {
            LOG.warn("rooms' stream: line {} does not decode ({}); skipped", sequence, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("rooms' stream: line {} could not be delivered", sequence, e);
        } finally {
            lock.lock();
            try {
                applied = Math.max(applied, sequence);
                progressed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** The last stream sequence handed over. */
    long applied() {
        lock.lock();
        try {
            return applied;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the line with stream sequence {@code sequence} has been handed over (0: nothing to wait for). */
    boolean awaitApplied(long sequence, Duration within) {
        long left = within.toNanos();
        lock.lock();
        try {
            while (applied < sequence) {
                if (left <= 0) {
                    return false;
                }
                left = progressed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }
}
