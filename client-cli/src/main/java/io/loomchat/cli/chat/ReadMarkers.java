package io.loomchat.cli.chat;

import io.loomchat.protocol.Event;
import io.loomchat.protocol.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The account's read markers, kept in step with the server: the room on the screen is marked read up to
 * its newest line when the person types there or switches to it (they have seen it), and a marker moved on
 * another device of the account counts here too (that room's unread lines are read). Only for a client
 * logged in to an account; guests have no markers.
 */
final class ReadMarkers {

    private final Map<String, Long> markers = new HashMap<>(); // room -> the marker as the server last said
    private boolean kept; // logged in to an account

    void welcomed(Event.Welcome w) {
        kept = w.account() != null;
    }

    /** The mark_read for {@code room}, seen up to {@code newest}; null when there is nothing to move. */
    Request.MarkRead seen(String room, Long newest, String ref) {
        if (!kept || room == null || newest == null || newest <= markers.getOrDefault(room, 0L)) {
            return null;
        }
        markers.put(room, newest); // asked for: not again until something newer is seen
        return new Request.MarkRead(room, newest, ref);
    }

    /**
     * {@code reaction} to a typed line, and the mark_read of the room on the screen if that moves the marker:
     * typing there, or switching to it, is seeing it to its newest line.
     */
    Reaction seeing(Reaction reaction, String room, Timeline timeline, Supplier<String> refs, Outstanding outstanding) {
        String ref = refs.get();
        Request mark = seen(room, timeline.newest(room), ref);
        if (mark == null) {
            return reaction;
        }
        outstanding.expectQuietly(ref);
        List<Request> send = new ArrayList<>(reaction.send());
        send.addFirst(mark); // before the line itself: a /quit ends the connection, and what follows it is lost
        return new Reaction(reaction.show(), send, reaction.redraw());
    }

    /**
     * The server says where the marker is: if it moved past what this client knew, the room was read on
     * another device, and its unread lines here are read too. Returns whether to show it: on coming back,
     * how much is new (not every move).
     */
    boolean moved(Event.Read r, Rooms rooms) {
        long before = markers.getOrDefault(r.room(), 0L);
        markers.merge(r.room(), r.id(), Math::max);
        if (r.id() > before) {
            rooms.readElsewhere(r.room());
        }
        return r.ref() == null && r.unread() > 0;
    }
}
