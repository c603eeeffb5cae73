package io.loomchat.server;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event.ChatMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The messages a room keeps (the last {@code capacity}, oldest first) and the pages a client may ask of
 * them. Not thread-safe: the room's lock guards it.
 */
final class Backlog {

    /** One page of history, oldest first, each message marked as history and encoded once. */
    record Page(List<ChatMessage> messages, List<byte[]> lines, boolean more) {
    }

    private final int capacity;
    private final ArrayDeque<ChatMessage> kept;

    Backlog(int capacity, ArrayDeque<ChatMessage> recovered) {
        this.capacity = capacity;
        this.kept = recovered;
        while (kept.size() > capacity) {
            kept.removeFirst();
        }
    }

    void add(ChatMessage message) {
        if (capacity == 0) {
            return;
        }
        if (kept.size() == capacity) {
            kept.removeFirst();
        }
        kept.addLast(message.ref() == null ? message : message.withRef(null));
    }

    int size() {
        return kept.size();
    }

    /**
     * The earliest {@code limit} messages after id {@code after}, if given; else the latest {@code limit}
     * before id {@code before} (or before none). At most {@code budgetBytes} encoded, so that a page never
     * floods the client's outbox; {@code more} says that kept messages remain beyond the page.
     */
    Page page(Long before, Long after, int limit, long budgetBytes) {
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
            java.util.Collections.reverse(messages);
            java.util.Collections.reverse(lines);
        }
        return new Page(messages, lines, more);
    }
}
