package io.loomchat.cli.chat;

import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.SafeText;
import io.loomchat.protocol.TextRenderer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The rooms this client is in, each a {@link Window} numbered in the order it was joined, and the current
 * one: where typed lines go (each request names it, so the server's own idea of a current room never
 * decides). A join the person typed makes its room current at once, before the server confirms it, so that
 * the next typed line goes there; a rejoin after a reconnect keeps the window's number and changes nothing.
 * On a terminal ({@link #showInWindows}) only the current room's lines are shown; the others wait in their
 * windows, counted in the status bar, and are drawn when the person switches there.
 */
public final class Rooms {

    private final Map<String, Window> windows = new LinkedHashMap<>(); // in join order: window 1 first
    private final Map<String, String> joinsTyped = new HashMap<>(); // ref -> room, until the server answers
    private final Set<String> missedToMark = new HashSet<>(); // rooms whose catch-up gets the unseen marker
    private final Set<String> firstReplay = new HashSet<>(); // rooms freshly joined whose join replay is still coming
    private boolean windowed;
    private boolean showMembers; // the current room's members after the status bar
    private boolean redrawCurrent; // the room on the screen was left: draw the one now current
    private String current;
    private String beforeJoin; // the current room before a typed join that the server may still refuse

    void showInWindows() {
        windowed = true;
    }

    /** Whether the status bar lists the current room's members (/names, F2 toggle it). */
    boolean showsMembers() {
        return showMembers;
    }

    // ---- joining and leaving ------------------------------------------------------------------------

    /** The server's notice that we joined; {@code ref} set when it answers a join we sent. */
    void joined(String room, String ref) {
        boolean typed = ref != null && joinsTyped.remove(ref) != null;
        boolean fresh = windows.putIfAbsent(room, new Window()) == null;
        if (fresh && !missedToMark.contains(room)) {
            firstReplay.add(room);
        }
        if (room.equals(current)) {
            beforeJoin = null;
            redrawCurrent = windowed && typed && fresh; // the room joined is on the screen now, not the one before
        } else if (current == null || fresh && !typed && joinsTyped.isEmpty()) {
            current = room; // the first room, from the hello, or one the server joined us to
        } // else a rejoin after a reconnect, or a typed join overtaken by a later one: where the person is stays
    }

    /** Left or kicked: if it was current, the window before it (or the first) becomes current. */
    void left(String room) {
        int at = all().indexOf(room);
        windows.remove(room);
        firstReplay.remove(room);
        if (room.equals(current)) {
            current = windows.isEmpty() ? null : all().get(Math.max(0, at - 1));
            redrawCurrent = windowed && current != null;
        }
    }

    /** After joining a room or leaving the one on the screen: the window now current, to draw; else null. */
    List<Shown> windowToRedraw() {
        boolean redraw = redrawCurrent;
        redrawCurrent = false;
        return redraw ? windows.get(current).redraw() : null;
    }

    /** A join sent for the person (the settings file's other rooms): current stays where it is. */
    void joiningBehind(String room, String ref) {
        joinsTyped.put(ref, room.toLowerCase(Locale.ROOT));
    }

    /** The person asked to join {@code room}: it is where their next lines go. */
    void joining(String room, String ref) {
        String name = room.toLowerCase(Locale.ROOT); // the server's form of a room name
        joinsTyped.put(ref, name);
        beforeJoin = current;
        current = name;
    }

    /** If {@code ref} is a join we sent, the server refused it: back to where the person was. True if so. */
    boolean joinRefused(String ref) {
        String room = ref == null ? null : joinsTyped.remove(ref);
        if (room == null) {
            return false;
        }
        if (room.equals(current) && !windows.containsKey(room)) {
            current = beforeJoin != null && windows.containsKey(beforeJoin) ? beforeJoin
                    : windows.isEmpty() ? null : all().getLast();
        }
        beforeJoin = null;
        return true;
    }

    // ---- where lines go -----------------------------------------------------------------------------

    /** The joined room an event belongs to, or null for what goes to whichever room is current. */
    String roomOf(Event event) {
        String room = switch (event) {
            case ChatMessage m -> m.room();
            case Event.Joined j -> j.room();
            case Event.Left l -> l.room();
            case Event.Topic t -> t.room();
            case Event.HistoryEnd h -> h.room();
            default -> null;
        };
        return room != null && windows.containsKey(room) ? room : null;
    }

    /** The room lines are rendered for: lines from any other room get a {@code [room]} tag. */
    String tagRelativeTo(String room) {
        if (windowed && room != null) {
            return room; // in its own window a line needs no tag
        }
        // Until the server confirms a typed join, lines of the room the person was in are still theirs.
        return beforeJoin != null ? beforeJoin : current;
    }

    /** Keeps a line in its room's window, and shows it unless a terminal is showing another room. */
    void place(String room, Shown line, boolean fromOthers, List<Shown> show) {
        Window window = windows.get(room != null ? room : current == null ? "" : current);
        boolean looking = !windowed || room == null || room.equals(current);
        if (window != null) {
            window.add(line, looking, fromOthers, room != null && firstReplay.contains(room));
        }
        if (looking) {
            show.add(line);
        }
    }

    /** {@code room} was read on another device of the account: nothing there is unread here either. */
    void readElsewhere(String room) {
        Window window = windows.get(room);
        if (window != null && !room.equals(current)) {
            window.lookedAway();
        }
    }

    /** After a reconnect: each room's catch-up starts with the unseen marker. */
    void markMissedFrom(List<String> rejoining) {
        missedToMark.clear();
        missedToMark.addAll(rejoining);
    }

    /** Before a replayed line: the marker, if it is the first line a reconnect caught up with in the room. */
    void markMissed(String room, List<Shown> show) {
        // A room not in view gets its marker when the person switches there, from what they did not see.
        if (missedToMark.remove(room) && (!windowed || room.equals(current))) {
            place(room, Shown.plain(Window.UNSEEN_MARKER), false, show);
        }
    }

    /** A room's catch-up is over (with or without missed lines). */
    void caughtUp(String room) {
        missedToMark.remove(room);
    }

    /**
     * Before placing a line in {@code room}: a fresh join's replay (our join, its topic, the
     * history before we came) is over once something else arrives there. (A room with nothing kept sends
     * no end of history.)
     */
    void arriving(String room, boolean partOfReplay) {
        if (room != null && !partOfReplay) {
            firstReplay.remove(room);
        }
    }

    // ---- moving between rooms -----------------------------------------------------------------------

    /** A client command's reaction, or null for what the server must do (a /join of a room we are not in). */
    Reaction move(ClientCommands.Action action) {
        if (action instanceof ClientCommands.ToggleMembers) {
            showMembers = windowed && !showMembers;
            return windowed ? Reaction.NOTHING : null; // without a status bar, /names asks the server, as /who
        }
        String room = switch (action) {
            case ClientCommands.Go go -> go.room();
            case ClientCommands.GoNumber n -> numbered(n.number());
            case ClientCommands.Step step -> stepped(step.step());
            case ClientCommands.ToggleMembers t -> current; // the caller toggles; nothing moves
            case ClientCommands.Usage u -> null;
        };
        if (action instanceof ClientCommands.Usage u) {
            return Reaction.showing(TextRenderer.ERROR + " usage: " + u.usage());
        }
        if (action instanceof ClientCommands.Go go && go.joinIfNot() && !windows.containsKey(room)) {
            return null;
        }
        if (room == null || !windows.containsKey(room)) {
            return Reaction.showing(TextRenderer.ERROR + (action instanceof ClientCommands.GoNumber n
                    ? " no window " + n.number() + ": you are in " + windows.size() + " room(s)"
                    : room == null ? " you are in no room" : " you are not in " + SafeText.neutralize(room)));
        }
        if (room.equals(current)) {
            return Reaction.NOTHING;
        }
        if (current != null && windows.containsKey(current)) {
            windows.get(current).lookedAway();
        }
        current = room;
        return windowed ? Reaction.redrawing(windows.get(room).redraw())
                : Reaction.showing(TextRenderer.NOTICE + " now talking in " + room);
    }

    private String numbered(int number) {
        List<String> order = all();
        return number >= 1 && number <= order.size() ? order.get(number - 1) : null;
    }

    private String stepped(int step) {
        List<String> order = all();
        return order.isEmpty() ? null : order.get(Math.floorMod(Math.max(0, order.indexOf(current)) + step, order.size()));
    }

    // ---- what the client asks -----------------------------------------------------------------------

    /** The current room, or null when in none. */
    public String current() {
        return current;
    }

    /** Every joined room, in join order (window 1 first). */
    public List<String> all() {
        return List.copyOf(windows.keySet());
    }

    public boolean isEmpty() {
        return windows.isEmpty();
    }

    /** The status bar's view: each window with its number, unread count and mention mark. */
    List<StatusBar.Tab> tabs() {
        List<StatusBar.Tab> tabs = new ArrayList<>();
        int number = 1;
        for (Map.Entry<String, Window> w : windows.entrySet()) {
            boolean isCurrent = w.getKey().equals(current);
            tabs.add(new StatusBar.Tab(number++, w.getKey(), isCurrent ? 0 : w.getValue().unread(),
                    !isCurrent && w.getValue().mentioned(), isCurrent));
        }
        return tabs;
    }
}
