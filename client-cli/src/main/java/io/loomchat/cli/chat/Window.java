package io.loomchat.cli.chat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What one room has shown, for drawing it again when the person switches to it, and how much of that they
 * have not seen yet: the lines that came while another room was current (a terminal shows only the current
 * room's lines; the status bar counts the others').
 */
final class Window {

    /** Lines kept per room for redrawing it (more than a screen holds); older ones are in the server's /history. */
    static final int KEPT_LINES = 200;
    /** Drawn above the first line the person has not seen, when they come back to a room. */
    static final String UNSEEN_MARKER = "--- new since you were away ---";

    private final Deque<Shown> lines = new ArrayDeque<>();
    private int unseen; // the last this many lines came while the room was not current
    private int unread; // chat lines from others among them
    private boolean mentioned;

    /**
     * Adds a line; {@code looking} if the room is current (the line is shown now); {@code joinReplay} if
     * it is part of what a fresh join replays (the join, the topic, what was said before we came): not
     * new since the person was away, since they were never here.
     */
    void add(Shown line, boolean looking, boolean fromOthers, boolean joinReplay) {
        lines.addLast(line);
        if (lines.size() > KEPT_LINES) {
            lines.removeFirst();
        }
        if (looking) {
            // Shown now, but after lines not yet seen (the room became current without being drawn yet):
            // it belongs below the marker with them.
            unseen = unseen > 0 ? Math.min(unseen + 1, lines.size()) : 0;
            return;
        }
        if (joinReplay && unseen == 0) {
            return;
        }
        unseen = Math.min(unseen + 1, lines.size());
        if (fromOthers && line.emphasis() != Emphasis.HISTORY) {
            unread++;
            mentioned |= line.emphasis() == Emphasis.MENTION;
        }
    }

    /** The lines to draw on coming back, the marker above the first unseen one; all now count as seen. */
    List<Shown> redraw() {
        List<Shown> out = new ArrayList<>(lines);
        if (unseen > 0) {
            out.add(out.size() - unseen, Shown.plain(UNSEEN_MARKER));
        }
        lookedAway();
        return out;
    }

    /** The person saw everything here (they were looking at it until now). */
    void lookedAway() {
        unseen = 0;
        unread = 0;
        mentioned = false;
    }

    int unread() {
        return unread;
    }

    boolean mentioned() {
        return mentioned;
    }
}
