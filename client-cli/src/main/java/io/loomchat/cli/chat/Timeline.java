package io.loomchat.cli.chat;

import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.Event.HistoryEnd;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.Input;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.Request.Replay;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Where each room's messages stand on this screen, by message id: the newest shown (a reconnect catches up
 * after it, and a live line at or below it was shown already), the oldest shown ({@code /history} pages back
 * from it), and a gap too long for one replay that is being fetched page by page.
 */
final class Timeline {

    /** The largest page of missed messages asked for at once when catching up. */
    static final int CATCH_UP_PAGE = 500;

    private final Map<String, Long> lastSeen = new HashMap<>(); // room -> newest message id shown
    private final Map<String, Long> oldestShown = new HashMap<>(); // room -> where /history pages back from
    private final Map<String, Long> replayCursor = new HashMap<>(); // room -> newest id replayed so far
    private final Map<String, Long> catchUpUntil = new HashMap<>(); // room -> end of a gap being paged
    private final Set<String> catchUpRefs = new HashSet<>(); // refs of our own catch-up pages
    private final Set<String> resuming = new HashSet<>(); // rooms (re)joined after a seen id: their replay may be a gap

    /**
     * Places one message; false if it must not be shown: a live line at or below the newest shown (the
     * second acknowledgement of a resent line that the catch-up replay already showed), or a catch-up page
     * line past the gap (shown live already).
     */
    boolean place(ChatMessage m) {
        oldestShown.merge(m.room(), m.id(), Math::min);
        long seen = lastSeen.getOrDefault(m.room(), 0L);
        if (m.history()) {
            Long gapEnd = catchUpUntil.get(m.room());
            if (gapEnd != null && m.id() > gapEnd) {
                return false;
            }
            replayCursor.put(m.room(), m.id());
            if (gapEnd == null && m.id() > seen) {
                lastSeen.put(m.room(), m.id()); // a join's replay: live lines continue from here
            }
            return true;
        }
        if (m.id() <= seen) {
            return false;
        }
        lastSeen.put(m.room(), m.id());
        return true;
    }

    /**
     * Whether {@code end} closes a join's replay (no ref) or one of our own catch-up pages, rather than a
     * page the person asked for with /history.
     */
    boolean isCatchUp(HistoryEnd end) {
        return end.ref() == null || catchUpRefs.remove(end.ref());
    }

    /**
     * After a join's replay or a catch-up page: the next page of the gap to ask for (a replay holds at most
     * what fits half the server's outbox), or null once caught up.
     */
    Request.History nextCatchUpPage(HistoryEnd end, Supplier<String> refs) {
        if (end.ref() == null && !resuming.remove(end.room())) {
            // A fresh join's replay (of N, even 0): what it left out is older history, not a gap. Whatever
            // it showed, the room stood at its last id: a reconnect catches up after that, and only that.
            lastSeen.merge(end.room(), end.last(), Math::max);
            return null;
        }
        long cursor = replayCursor.getOrDefault(end.room(), 0L);
        long gapEnd = end.ref() == null ? end.last() : catchUpUntil.getOrDefault(end.room(), end.last());
        if (end.more() && cursor < gapEnd) {
            catchUpUntil.put(end.room(), gapEnd);
            String ref = refs.get();
            catchUpRefs.add(ref);
            return new Request.History(end.room(), null, cursor, CATCH_UP_PAGE, ref);
        }
        catchUpUntil.remove(end.room());
        lastSeen.merge(end.room(), gapEnd, Math::max); // the gap is filled: later lines come live
        return null;
    }

    /** What to ask for when (re)joining {@code room}: everything after the newest shown, else the server's default. */
    Replay catchUp(String room) {
        Long id = room == null ? null : lastSeen.get(room);
        if (id == null) {
            return Replay.DEFAULT;
        }
        resuming.add(room);
        return Replay.after(id);
    }

    /** The newest message id shown in {@code room}; null for none. */
    Long newest(String room) {
        return room == null ? null : lastSeen.get(room);
    }

    /** "/history" without a number: the 20 messages before the oldest shown of {@code room}. */
    Request.History olderPage(String room, String ref) {
        return new Request.History(room, oldestShown(room), null, Input.DEFAULT_HISTORY, ref);
    }

    /** Where "/history" pages back from in {@code room}: its oldest message shown, or null for the latest. */
    Long oldestShown(String room) {
        return room == null ? null : oldestShown.get(room);
    }

    /**
     * The person asked for the room's latest N: the next "/history" pages back from the oldest of those,
     * not from an older line shown before (which would skip what lies between, or find nothing).
     */
    void pageFromLatest(String room) {
        if (room != null) {
            oldestShown.remove(room);
        }
    }

    /**
     * We left {@code room}: a later join replays its latest messages and /history pages back from those,
     * not from where this screen stood before.
     */
    void forget(String room) {
        lastSeen.remove(room);
        oldestShown.remove(room);
        replayCursor.remove(room);
        catchUpUntil.remove(room);
        resuming.remove(room);
    }

    /** The server restarted without its history: its ids began again, so ours mean nothing there. */
    void forgetIds() {
        lastSeen.clear();
    }
}
