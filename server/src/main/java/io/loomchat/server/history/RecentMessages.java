package io.loomchat.server.history;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event.ChatMessage;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * The messages a room keeps (the last {@code capacity}, oldest first) and the pages a client may ask of
 * them. Not thread-safe: the room's lock guards it.
 */
public final class RecentMessages {

    /** One page of history, oldest first, each message marked as history and encoded once. */
    public record Page(List<ChatMessage> messages, List<byte[]> lines, boolean more) {
    }

    private final int capacity;
    private final ArrayDeque<ChatMessage> kept;
    private final HistoryBudget budget;
    private long bytes; // what the kept messages are counted for in the budget

    public RecentMessages(int capacity, ArrayDeque<ChatMessage> recovered, HistoryBudget budget) {
        this.capacity = capacity;
        this.kept = recovered;
        this.budget = budget;
        while (kept.size() > capacity) {
            kept.removeFirst();
        }
        for (ChatMessage m : kept) {
            bytes += HistoryBudget.cost(m);
        }
        budget.add(bytes);
    }

    public void add(ChatMessage message) {
        if (capacity == 0) {
            return;
        }
        if (kept.size() == capacity) {
            dropOldest();
        }
        kept.addLast(message.ref() == null ? message : message.withRef(null));
        long cost = HistoryBudget.cost(message);
        bytes += cost;
        budget.add(cost);
    }

    private void dropOldest() {
        long cost = HistoryBudget.cost(kept.removeFirst());
        bytes -= cost;
        budget.release(cost);
    }

    /** Drops the oldest messages until {@code toFree} bytes are freed or none is left; returns how many. */
    public int dropOldest(long toFree) {
        long before = bytes;
        int dropped = 0;
        while (!kept.isEmpty() && before - bytes < toFree) {
            dropOldest();
            dropped++;
        }
        return dropped;
    }

    /** The room closed: its history no longer counts. */
    public void release() {
        budget.release(bytes);
        bytes = 0;
    }

    public long bytes() {
        return bytes;
    }

    public int size() {
        return kept.size();
    }

    /**
     * The earliest {@code limit} messages after id {@code after}, if given; else the latest {@code limit}
     * before id {@code before} (or before none). At most {@code budgetBytes} encoded, so that a page never
     * floods the client's outbox; {@code more} says that kept messages remain beyond the page.
     */
    public Page page(Long before, Long after, int limit, long budgetBytes) {
        List<ChatMessage> messages = new ArrayList<>();
        List<byte[]> lines = new ArrayList<>();
        boolean forward = after != null;
        Iterator<ChatMessage> it = forward ? kept.iterator() : kept.descendingIterator();
        long spent = 0;
        boolean more = false;
        while (it.hasNext()) {
            ChatMessage m = it.next();
            if (forward ? m.id() <= after : before != null && m.id() >= before) {
                continue;
            }
            if (messages.size() == limit) {
                more = true;
                break;
            }
            ChatMessage marked = m.asHistory();
            byte[] line = Codec.encode(marked);
            if (spent + line.length > budgetBytes) {
                more = true;
                break;
            }
            spent += line.length;
            messages.add(marked);
            lines.add(line);
        }
        if (!forward) {
            Collections.reverse(messages);
            Collections.reverse(lines);
        }
        return new Page(messages, lines, more);
    }

    /**
     * The id of the newest kept message said at or before {@code ts}; 0 if none is kept from then. To the
     * millisecond, as times are on the wire: a client names a message by the time it was shown.
     */
    public long idAtOrBefore(Instant ts) {
        var newestFirst = kept.descendingIterator();
        while (newestFirst.hasNext()) {
            ChatMessage m = newestFirst.next();
            if (!m.ts().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).isAfter(ts)) {
                return m.id();
            }
        }
        return 0;
    }

    /** When kept message {@code id} was said; null if it is not kept (or never was). */
    public Instant tsOf(long id) {
        var newestFirst = kept.descendingIterator();
        while (newestFirst.hasNext()) {
            ChatMessage m = newestFirst.next();
            if (m.id() <= id) {
                return m.id() == id ? m.ts() : null;
            }
        }
        return null;
    }
}
