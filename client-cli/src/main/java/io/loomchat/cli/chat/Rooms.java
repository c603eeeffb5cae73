package io.loomchat.cli.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * The rooms this client is in, in the order it joined them. The current room is the one joined most
 * recently and not left, as the server counts it (docs/PROTOCOL.md): plain text goes there.
 */
public final class Rooms {

    private final List<String> joined = new ArrayList<>();

    void joined(String room) {
        joined.remove(room); // joining again (after a reconnect) makes it current once more
        joined.add(room);
    }

    void left(String room) {
        joined.remove(room);
    }

    /** The current room, or null when in none. */
    public String current() {
        return joined.isEmpty() ? null : joined.getLast();
    }

    /** Every joined room, the first joined first, the current one last. */
    public List<String> all() {
        return List.copyOf(joined);
    }

    public boolean isEmpty() {
        return joined.isEmpty();
    }
}
