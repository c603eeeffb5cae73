package io.loomchat.cli.chat;

import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.Bye;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.Event.ErrorReply;
import io.loomchat.protocol.Event.HistoryEnd;
import io.loomchat.protocol.Event.Joined;
import io.loomchat.protocol.Event.Left;
import io.loomchat.protocol.Event.PrivateMessage;
import io.loomchat.protocol.Event.Renamed;
import io.loomchat.protocol.Event.Welcome;
import io.loomchat.protocol.Input;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.Request.Join;
import io.loomchat.protocol.Request.Msg;
import io.loomchat.protocol.Request.Nick;
import io.loomchat.protocol.Request.Quit;
import io.loomchat.protocol.Request.Replay;
import io.loomchat.protocol.Request.Say;
import io.loomchat.protocol.SafeText;
import io.loomchat.protocol.TextRenderer;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One person's chat as this client knows it: nick, registration, rooms and the current room, what each room
 * has shown, who is where, and which requests still await their reply. Fed the server's events and the
 * person's typed lines, it answers what to show and what to send, and after a lost connection what to send
 * on the next one. No sockets, threads or clocks: the caller serializes every call (one lock) and carries
 * the requests and lines where they go.
 */
public final class ChatState {

    private final TextRenderer renderer;
    private final Supplier<String> refs;
    private final RetryNotice retryNotice = new RetryNotice();
    private final boolean json; // the screen prints the raw protocol lines instead of ours
    private final boolean atTerminal; // a person who can pick another nick after a refusal
    private final Rooms rooms = new Rooms();
    private final Timeline timeline = new Timeline();
    private final Roster roster = new Roster();
    private final Outstanding outstanding = new Outstanding();
    private final Resumption resumption = new Resumption(rooms, timeline, outstanding);
    private final ReadMarkers markers = new ReadMarkers();

    private final Registration registration = new Registration();
    private boolean seedMembers;
    private String nick;
    private boolean registered; // on the current connection
    private boolean everRegistered;
    private boolean quitting;
    private int messagesFromOthers;
    private boolean away;

    /** {@code refs} makes a fresh ref for each request. */
    public ChatState(ZoneId zone, Supplier<String> refs, boolean json, boolean atTerminal) {
        this.renderer = new TextRenderer(zone);
        this.refs = refs;
        this.json = json;
        this.atTerminal = atTerminal;
    }

    /** How much of the first room's history to ask for on connecting (the server's default otherwise). */
    public void askHistoryOnJoin(int messages) {
        registration.askHistoryOnJoin(messages);
    }

    public void useSecrets(String serverPassword, Request.Credentials account) {
        registration.useSecrets(serverPassword, account);
    }

    /** After each of our joins, ask quietly who is there, so that tab completion knows them. */
    public void seedMembersForCompletion() {
        seedMembers = true;
    }

    /** Show each room in a window of its own: only the current room's lines, the rest counted as unread. */
    public void showRoomsInWindows() {
        rooms.showInWindows();
    }

    /** The first hello, on the first connection. */
    public Request hello(String wantedNick, String room) {
        return hello(wantedNick, room, registration.firstReplay(), null);
    }

    private Request hello(String wantedNick, String room, Replay replay, String resume) {
        return registration.hello(wantedNick, room, replay, resume, refs.get());
    }

    // ---- what the server says ---------------------------------------------------------------------------

    /**
     * The server's greeting on connect (a notice before the welcome, without a ref): for people on nc and
     * programs that wait to be told what to do. This client has already sent its hello; it shows the
     * welcome instead, and --json leaves the greeting out too.
     */
    public boolean isGreeting(Event event) {
        return event instanceof Event.Notice n && n.ref() == null && !registered;
    }

    public Reaction received(Event event) {
        if (event instanceof Event.Ping) {
            return Reaction.sending(new Request.Pong(null)); // the server checks we are alive; not for the screen
        }
        if (isGreeting(event)) {
            return Reaction.NOTHING;
        }
        List<Shown> show = new ArrayList<>();
        List<Request> send = new ArrayList<>();
        roster.track(event);
        boolean worthShowing = track(event, show, send);
        worthShowing &= outstanding.settle(event);
        if (event instanceof ErrorReply e && e.ref() != null && outstanding.retrying(e.ref())) {
            retryNotice.refused(e, show);
            return new Reaction(show, send);
        }
        if (event instanceof ChatMessage m && m.ref() != null) {
            retryNotice.taken();
        }
        // A refusal's bye is said once, by the client's last line as it exits, not also here.
        if (json || !worthShowing || (event instanceof Bye b && (quitting || b == registration.refusal()))) {
            return new Reaction(show, send);
        }
        String room = rooms.roomOf(event);
        String line = renderer.render(event, nick == null ? "" : nick, rooms.tagRelativeTo(room));
        if (line == null) {
            return new Reaction(show, send);
        }
        Shown shown = Shown.of(event, line, nick);
        if (event instanceof ChatMessage m && m.history()) {
            rooms.markMissed(m.room(), show); // above the first line missed while reconnecting
        }
        rooms.arriving(room, event instanceof Joined j && j.nick().equalsIgnoreCase(nick) || event instanceof Event.Topic
                || event instanceof ChatMessage m && m.history() || event instanceof HistoryEnd);
        rooms.place(room, shown, event instanceof ChatMessage m && !m.from().equalsIgnoreCase(nick), show);
        if (atTerminal && event instanceof ErrorReply && !registered) {
            show.add(Shown.plain(TextRenderer.NOTICE + " choose another nick with /nick NAME"));
        }
        List<Shown> window = rooms.windowToRedraw(); // we joined a room, or left the one on the screen
        return window != null ? new Reaction(window, send, true) : new Reaction(show, send);
    }

    /** Updates what we know from one event; false if it is not worth showing. */
    private boolean track(Event event, List<Shown> show, List<Request> send) {
        switch (event) {
            case Welcome w -> {
                boolean again = everRegistered;
                registered = true;
                everRegistered = true;
                nick = w.nick();
                markers.welcomed(w);
                resumption.welcomed(w, again, show);
                return !again;
            }
            case Joined j when j.nick().equalsIgnoreCase(nick) -> {
                rooms.joined(j.room(), j.ref());
                if (seedMembers) {
                    String ref = refs.get();
                    outstanding.expectQuietly(ref);
                    send.add(new Request.Who(j.room(), ref));
                }
            }
            case Left l when l.nick().equalsIgnoreCase(nick) -> {
                // Left or kicked: a later join of it starts afresh, its history paged back from the newest again.
                rooms.left(l.room());
                timeline.forget(l.room());
                roster.forget(l.room());
            }
            case Event.Away a when a.nick().equalsIgnoreCase(nick) -> away = a.reason() != null;
            case Renamed r when r.old().equalsIgnoreCase(nick) -> nick = r.nick();
            case ChatMessage m -> {
                boolean fresh = timeline.place(m);
                if (fresh && !m.history() && !m.from().equalsIgnoreCase(nick)) {
                    messagesFromOthers++;
                }
                return fresh;
            }
            case PrivateMessage m when !m.from().equalsIgnoreCase(nick) -> messagesFromOthers++;
            case HistoryEnd h when timeline.isCatchUp(h) -> {
                // The replay of a join, or a page of what it could not hold: fetch on until caught up.
                Request.History next = timeline.nextCatchUpPage(h, refs);
                if (next != null) {
                    send.add(next);
                    return false;
                }
                rooms.caughtUp(h.room());
                return h.ref() == null && h.count() > 0;
            }
            case ErrorReply e when rooms.joinRefused(e.ref()) -> {
            }
            case ErrorReply e when !registered && registration.refusedHello(e) -> {
                return atTerminal; // a script says why it could not register once, as it exits
            }
            case Event.Read r -> {
                return markers.moved(r, rooms);
            }
            case Bye b -> registration.closedWith(b);
            default -> {
            }
        }
        return true;
    }

    // ---- what the person types --------------------------------------------------------------------------

    /** One typed line ({@link Quit} among the requests: the person leaves); it moves the read marker too. */
    public Reaction typed(String line) {
        Reaction reaction = typedLine(line);
        return registered ? markers.seeing(reaction, rooms.current(), timeline, refs, outstanding) : reaction;
    }

    private Reaction typedLine(String line) {
        ClientCommands.Action local = everRegistered ? ClientCommands.parse(line) : null;
        Reaction moved = local == null ? null : rooms.move(local);
        if (moved != null) {
            return moved;
        }
        // Every request names the client's current room: a typed /join makes its room current at once, so
        // a script's "/join dev" followed by a line says that line in dev even before the join's notice.
        return switch (Input.parse(line, rooms.current(), refs.get())) {
            case Input.Nothing n -> Reaction.NOTHING;
            case Input.ShowHelp h -> new Reaction(ClientCommands.help().stream().map(Shown::plain).toList(), List.of());
            case Input.Problem p -> Reaction.showing(TextRenderer.ERROR + " " + p.message());
            case Input.Send s when s.request() instanceof Nick n && !everRegistered ->
                    Reaction.sending(hello(n.nick(), null, Replay.DEFAULT, null));
            case Input.Send s when s.request() instanceof Quit -> {
                quitting = true;
                yield Reaction.sending(s.request());
            }
            case Input.Send s when !everRegistered ->
                    Reaction.showing(TextRenderer.ERROR + " not connected as anyone yet; choose a nick with /nick NAME");
            case Input.Send s when s.request() instanceof Say || s.request() instanceof Msg -> keep(s.request(), line);
            case Input.Send s when s.request() instanceof Request.History h && h.limit() == null && registered -> {
                Request older = timeline.olderPage(h.room() != null ? h.room() : rooms.current(), h.ref());
                outstanding.expect(older.ref());
                yield Reaction.sending(older);
            }
            case Input.Send s when !registered ->
                    Reaction.showing(TextRenderer.ERROR + " not connected right now; reconnecting, try again in a moment");
            case Input.Send s -> {
                if (s.request() instanceof Join j) {
                    rooms.joining(j.room(), j.ref());
                }
                if (s.request() instanceof Request.History h && h.before() == null && h.after() == null) {
                    timeline.pageFromLatest(h.room() != null ? h.room() : rooms.current()); // "/history N": the next page is older than these
                }
                outstanding.expect(s.request().ref());
                yield Reaction.sending(s.request());
            }
        };
    }

    /** Joins {@code room} too, behind the current one (the settings file's other rooms): nothing moves. */
    public Request joinBehind(String room) {
        Join join = new Join(room, Replay.DEFAULT, refs.get());
        rooms.joiningBehind(room, join.ref());
        outstanding.expect(join.ref());
        return join;
    }

    /** A said or private line is kept until acknowledged; while disconnected it waits for the reconnect. */
    private Reaction keep(Request line, String typed) {
        boolean now = outstanding.keep(line, registered ? resumption.connection() : Outstanding.NOT_SENT);
        if (!registered) {
            return Reaction.showing(TextRenderer.NOTICE + " not connected; will send when reconnected: " + SafeText.neutralize(typed));
        }
        return now ? Reaction.sending(line) : Reaction.NOTHING; // behind lines that wait to go out again
    }

    /** The quit to send when the person leaves other than by typing /quit. */
    public Request farewell() {
        quitting = true;
        return new Quit(null, refs.get());
    }

    /** The person is leaving (or gave up): no reconnecting, and the server's bye is not worth showing. */
    public void leaving() {
        quitting = true;
    }

    /** Asks who is in the current room; the reply (shown) seeds the roster, which notices keep current. */
    public Request askWho() {
        return new Request.Who(null, refs.get());
    }

    // ---- losing and regaining the connection ------------------------------------------------------------

    /** The connection is gone: nothing is registered, and who is where is unknown until we are back. */
    public void connectionLost() {
        registered = false;
        registration.connectionLost();
        roster.clear();
    }

    /** The hello for a new connection: the same nick with the resume token, the first room caught up. */
    public Request resumeHello() {
        return resumption.hello(nick, this::hello);
    }

    /** Someone took the nick while we were away: try a variant of it, without the token. */
    public Reaction helloAsAnother() {
        return resumption.helloAsAnother(nick, this::hello);
    }

    /** Once welcomed back: the rejoins after the last ids seen, then the lines to re-send with their refs. */
    public List<Request> rejoinAndResend() {
        return resumption.rejoinAndResend();
    }

    // ---- what the client asks about ---------------------------------------------------------------------

    public boolean isRegistered() {
        return registered;
    }

    public boolean wasEverRegistered() {
        return everRegistered;
    }

    /** Registered and in the first room: the server's join notice follows its welcome. */
    public boolean isSettled() {
        return registered && !rooms.isEmpty();
    }

    /** Why the last hello was refused ("code: message"), or null. */
    public String registrationError() {
        return registration.error();
    }

    public boolean nickTaken() {
        return registration.nickTaken();
    }

    public String nick() {
        return nick;
    }

    public Rooms rooms() {
        return rooms;
    }

    /** What the status bar shows. */
    public StatusBar statusBar() {
        return new StatusBar(nick, away, rooms.tabs(), rooms.showsMembers() ? roster.members(rooms.current()) : null);
    }

    public String prompt() {
        String current = rooms.current();
        return current == null ? "> " : "[" + current + "] > ";
    }

    /** The server's bye that refused this client for good (banned, bad password), or null. */
    public Bye refusal() {
        return registration.refusal();
    }

    /** The server's last word on this connection, if it sent one. */
    public Bye bye() {
        return registration.bye();
    }

    public boolean isQuitting() {
        return quitting;
    }

    public int membersIn(String room) {
        return roster.count(room);
    }

    /** Everyone known to share a room with us, as they write their nicks: for tab completion. */
    public Set<String> knownNicks() {
        return roster.othersThan(nick);
    }

    public int messagesFromOthers() {
        return messagesFromOthers;
    }

    /** Whether lines refused as unavailable wait to be sent again (the client then calls {@link #retryNow}). */
    public boolean awaitingRetry() {
        return outstanding.awaitingRetry();
    }

    /** Some of the lines refused as unavailable or by flood control, sent again now (see {@link Resumption#retryNow}). */
    public Reaction retryNow() {
        return resumption.retryNow(registered);
    }

    /** Whether every request sent has had its reply (its acknowledgement or an error). */
    public boolean allAnswered() {
        return outstanding.allAnswered();
    }
}
