package io.loomchat.cli;

import io.loomchat.cli.connection.Backoff;
import io.loomchat.cli.connection.Connector;
import io.loomchat.cli.screen.Screen;
import io.loomchat.cli.screen.TerminalScreen;
import io.loomchat.protocol.BoundedLineReader;
import io.loomchat.protocol.CloseCode;
import io.loomchat.protocol.Codec;
import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event.Bye;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.Event.ErrorReply;
import io.loomchat.protocol.Event.HistoryEnd;
import io.loomchat.protocol.Event.Joined;
import io.loomchat.protocol.Event.Left;
import io.loomchat.protocol.Event.Members;
import io.loomchat.protocol.Event.PrivateMessage;
import io.loomchat.protocol.Event.Renamed;
import io.loomchat.protocol.Event.Welcome;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Input;
import io.loomchat.protocol.Names;
import io.loomchat.protocol.ProtocolException;
import io.loomchat.protocol.Request.Hello;
import io.loomchat.protocol.Request.Join;
import io.loomchat.protocol.Request.Msg;
import io.loomchat.protocol.Request.Nick;
import io.loomchat.protocol.Request.Quit;
import io.loomchat.protocol.Request.Replay;
import io.loomchat.protocol.Request.Say;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.SafeText;
import io.loomchat.protocol.TextRenderer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * The client side of a chat, full duplex: a virtual thread reads the socket and shows what arrives, while
 * the caller's thread submits typed lines. Tracks what the person needs to know (nick, rooms, the current
 * room) from the server's events, and which requests still await their reply.
 *
 * <p>When the connection drops, the client reconnects by itself (with {@link Backoff}), takes its nick back
 * with the server's resume token, rejoins its rooms asking for what it missed after the last message id
 * it saw in each, and re-sends the lines the server had not acknowledged, with their original refs, which
 * the server recognizes. A message is shown once: a line acknowledged again after a resend is not repeated.
 */
final class ChatClient {

    /** Big enough for any room listing a server sends; a server is trusted more than a peer, not blindly. */
    private static final int MAX_SERVER_LINE_BYTES = 4 * 1024 * 1024;
    /** How long a reconnect waits for the server's welcome before trying again. */
    private static final Duration REREGISTER_WAIT = Duration.ofSeconds(10);
    /** Close codes after which coming back would be wrong: we quit, another connection took over, or we flooded. */
    private static final Set<String> FINAL_BYE_CODES = Set.of(CloseCode.QUIT.wireName(), CloseCode.REPLACED.wireName(),
            CloseCode.FLOOD.wireName());
    /** The largest page of missed messages asked for at once when catching up. */
    private static final int CATCH_UP_PAGE = 500;

    /** A line awaiting its acknowledgement, and the connection it went out on (null: not sent yet). */
    private record Sent(Request request, Link on) {
    }

    /** One connection to the server; a reconnect makes a new one. */
    private static final class Link {
        final Socket socket;
        final OutputStream out;
        boolean ended; // guarded by stateLock
        boolean adopted; // guarded by stateLock: registered and live, so losing it means reconnecting

        Link(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
        }
    }

    private final Connector connector;
    private final Backoff backoff;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final Screen screen;
    private final TextRenderer renderer;
    private final boolean json;
    private final AtomicLong nextRef = new AtomicLong();
    private final String refPrefix = Long.toString(System.nanoTime() & 0xffffff, 36) + "-";

    private final ReentrantLock stateLock = new ReentrantLock();
    private final Condition changed = stateLock.newCondition();
    private final Set<String> unanswered = ConcurrentHashMap.newKeySet();
    private volatile Link link;
    private final List<String> rooms = new ArrayList<>(); // guarded by stateLock; the last is current
    private String nick; // guarded by stateLock
    private boolean registered; // guarded by stateLock: on the current link
    private boolean everRegistered; // guarded by stateLock
    private String helloRef; // guarded by stateLock
    private String registrationError; // guarded by stateLock
    private String registrationErrorCode; // guarded by stateLock
    private String resumeToken; // guarded by stateLock
    private String epoch; // guarded by stateLock
    private final Map<String, Long> lastSeen = new HashMap<>(); // guarded by stateLock; room -> last message id shown
    private final Map<String, Long> historyCursor = new HashMap<>(); // guarded by stateLock; room -> last replayed id
    private final Map<String, Long> oldestShown = new HashMap<>(); // guarded by stateLock; room -> where /history pages back from
    private final Map<String, Long> catchUpUntil = new HashMap<>(); // guarded by stateLock; room -> end of a gap being paged
    private final Set<String> catchUpRefs = new HashSet<>(); // guarded by stateLock
    private final Set<String> quietRefs = new HashSet<>(); // guarded by stateLock: replies not for the screen
    private final Map<String, Sent> pending = new LinkedHashMap<>(); // guarded by stateLock: says and msgs not yet acknowledged
    private final Map<String, Set<String>> members = new HashMap<>(); // guarded by stateLock; room -> nick keys
    private final Map<String, String> memberNames = new HashMap<>(); // guarded by stateLock; nick key -> nick as written
    private int messagesFromOthers; // guarded by stateLock
    private volatile boolean quitting;
    private volatile Bye bye;
    private volatile boolean seedMembers;
    private final CountDownLatch closed = new CountDownLatch(1);
    private Runnable onClosed = () -> { };
    private volatile String password; // the server's, when it asks for one

    ChatClient(Connector connector, Screen screen, boolean json, ZoneId zone, Backoff backoff) {
        this.connector = connector;
        this.screen = screen;
        this.json = json;
        this.renderer = new TextRenderer(zone);
        this.backoff = backoff;
    }

    /** Connects, starts reading and says hello. {@code onClosed} runs once the chat has ended for good. */
    void start(String wantedNick, String room, Runnable whenClosed) throws IOException {
        this.onClosed = whenClosed;
        Link first = new Link(connector.connect());
        stateLock.lock();
        try {
            first.adopted = true; // losing it before registering ends the chat; after, it reconnects
            link = first;
        } finally {
            stateLock.unlock();
        }
        startReader(first);
        hello(first, wantedNick, room, firstReplay, null);
    }

    private volatile Replay firstReplay = Replay.DEFAULT;

    /** How much of the first room's history to ask for on connecting (the server's default otherwise). */
    void askHistoryOnJoin(int messages) {
        firstReplay = Replay.last(messages);
    }

    /** The server password to send with every hello, reconnects included. */
    void usePassword(String serverPassword) {
        this.password = serverPassword;
    }

    /** Asks for everyone's nick in each joined room, so that tab completion knows them. */
    void seedMembersForCompletion() {
        seedMembers = true;
    }

    private void startReader(Link l) {
        Thread.ofVirtual().name("loomchat-cli-reader").start(() -> {
            try {
                readLoop(l);
            } finally {
                linkEnded(l);
            }
        });
    }

    private void hello(Link l, String wantedNick, String room, Replay replay, String resume) throws IOException {
        String ref = newRef();
        stateLock.lock();
        try {
            helloRef = ref;
            registrationError = null;
            registrationErrorCode = null;
        } finally {
            stateLock.unlock();
        }
        send(l, new Hello(wantedNick, room, replay, resume, password, ref));
    }

    private void readLoop(Link l) {
        try {
            BoundedLineReader lines = new BoundedLineReader(l.socket.getInputStream(), MAX_SERVER_LINE_BYTES);
            for (int n; (n = lines.next()) != BoundedLineReader.EOF; ) {
                if (n == BoundedLineReader.TOO_LONG) {
                    screen.show(TextRenderer.ERROR + " skipped a line from the server longer than "
                            + MAX_SERVER_LINE_BYTES + " bytes");
                    continue;
                }
                if (json) {
                    screen.show(SafeText.neutralize(new String(lines.line(), 0, n, StandardCharsets.UTF_8)));
                }
                Event event;
                try {
                    event = Codec.decodeEvent(lines.line(), 0, n);
                } catch (ProtocolException e) {
                    if (!json) {
                        screen.show(TextRenderer.ERROR + " unreadable line from the server: " + SafeText.neutralize(e.getMessage()));
                    }
                    continue;
                }
                handle(l, event);
            }
        } catch (IOException e) {
            // the connection is gone; linkEnded decides what happens next
        }
    }

    private void handle(Link l, Event event) {
        if (event instanceof Event.Ping) {
            try {
                send(l, new Request.Pong(null)); // the server checks we are alive; not for the screen
            } catch (IOException e) {
                // the read loop sees the end of the connection
            }
            return;
        }
        String shownRoom;
        String me;
        boolean show;
        List<Request> followUps = new ArrayList<>();
        stateLock.lock();
        try {
            trackMembers(event);
            show = track(event, followUps);
            if (event.ref() != null) {
                unanswered.remove(event.ref());
                if (!(event instanceof ErrorReply e && ErrorCode.RATE_LIMITED.wireName().equals(e.code()))) {
                    pending.remove(event.ref());
                }
                show &= !quietRefs.remove(event.ref());
            }
            me = nick;
            shownRoom = currentRoomLocked();
            screen.prompt(shownRoom == null ? "> " : "[" + shownRoom + "] > "); // before anyone waiting reads it
            changed.signalAll();
        } finally {
            stateLock.unlock();
        }
        for (Request followUp : followUps) {
            try {
                send(l, followUp);
            } catch (IOException e) {
                // the read loop sees the end of the connection
            }
        }
        if (json || !show || (event instanceof Bye && quitting)) {
            return;
        }
        String line = renderer.render(event, me == null ? "" : me, shownRoom);
        if (line == null) {
            return;
        }
        switch (event) {
            case ChatMessage m -> screen.show(line, m.from(), m.history() ? Screen.Emphasis.HISTORY
                    : mentions(m.text(), me) && !m.from().equalsIgnoreCase(me) ? Screen.Emphasis.MENTION : Screen.Emphasis.NORMAL);
            case PrivateMessage m -> screen.show(line, m.from(),
                    m.from().equalsIgnoreCase(me) ? Screen.Emphasis.NORMAL : Screen.Emphasis.MENTION);
            default -> screen.show(line);
        }
        if (screen instanceof TerminalScreen && event instanceof ErrorReply && !isRegistered()) {
            screen.show(TextRenderer.NOTICE + " choose another nick with /nick NAME");
        }
    }

    /** Updates what we know from one event; false if it is not worth showing. Under stateLock. */
    private boolean track(Event event, List<Request> followUps) {
        switch (event) {
            case Welcome w -> {
                boolean again = everRegistered;
                registered = true;
                everRegistered = true;
                nick = w.nick();
                if (epoch != null && w.epoch() != null && !epoch.equals(w.epoch())) {
                    lastSeen.clear(); // a server that kept no history restarted: its ids began again
                    screen.show(TextRenderer.NOTICE + " the server restarted without keeping history; "
                            + "what was said meanwhile is lost");
                }
                epoch = w.epoch();
                resumeToken = w.resume();
                return !again; // after a reconnect, "-!- reconnected" says it
            }
            case Joined j when j.nick().equalsIgnoreCase(nick) -> {
                rooms.remove(j.room());
                rooms.add(j.room());
                if (seedMembers) {
                    String ref = newRef();
                    quietRefs.add(ref);
                    followUps.add(new Request.Who(j.room(), ref));
                }
            }
            case Left l when l.nick().equalsIgnoreCase(nick) -> rooms.remove(l.room());
            case Renamed r when r.old().equalsIgnoreCase(nick) -> nick = r.nick();
            case ChatMessage m -> {
                oldestShown.merge(m.room(), m.id(), Math::min);
                long seen = lastSeen.getOrDefault(m.room(), 0L);
                if (m.history()) {
                    Long gapEnd = catchUpUntil.get(m.room());
                    if (gapEnd != null && m.id() > gapEnd) {
                        return false; // paged past the gap: shown live already
                    }
                    historyCursor.put(m.room(), m.id());
                    if (gapEnd == null && m.id() > seen) {
                        lastSeen.put(m.room(), m.id()); // a join's replay: live lines continue from here
                    }
                    return true;
                }
                if (m.id() <= seen) {
                    return false; // the acknowledgement of a resent line we saw replayed: shown once
                }
                lastSeen.put(m.room(), m.id());
                if (!m.from().equalsIgnoreCase(nick)) {
                    messagesFromOthers++;
                }
            }
            case PrivateMessage m when !m.from().equalsIgnoreCase(nick) -> messagesFromOthers++;
            case HistoryEnd h when h.ref() == null || catchUpRefs.remove(h.ref()) -> {
                // The replay of a join, or a page of what it could not hold: fetch on until caught up.
                long cursor = historyCursor.getOrDefault(h.room(), 0L);
                long gapEnd = h.ref() == null ? h.last() : catchUpUntil.getOrDefault(h.room(), h.last());
                if (h.more() && cursor < gapEnd) {
                    catchUpUntil.put(h.room(), gapEnd);
                    String ref = newRef();
                    catchUpRefs.add(ref);
                    followUps.add(new Request.History(h.room(), null, cursor, CATCH_UP_PAGE, ref));
                    return false;
                }
                catchUpUntil.remove(h.room());
                if (h.ref() == null) {
                    lastSeen.merge(h.room(), h.last(), Math::max);
                }
                return h.ref() == null && h.count() > 0;
            }
            case ErrorReply e when !registered && e.ref() != null && e.ref().equals(helloRef) -> {
                registrationError = e.code() + ": " + e.message();
                registrationErrorCode = e.code();
            }
            case Bye b -> bye = b;
            default -> {
            }
        }
        return true;
    }

    /** Keeps who-is-where current from the server's notices, for scripts that wait for company. */
    private void trackMembers(Event event) {
        switch (event) {
            case Members m -> {
                Set<String> nicks = new HashSet<>();
                m.nicks().forEach(n -> nicks.add(remember(n)));
                members.put(m.room(), nicks);
            }
            case Joined j -> members.computeIfAbsent(j.room(), r -> new HashSet<>()).add(remember(j.nick()));
            case Left l -> members.computeIfAbsent(l.room(), r -> new HashSet<>()).remove(l.nick().toLowerCase(Locale.ROOT));
            case Renamed r -> members.values().forEach(set -> {
                if (set.remove(r.old().toLowerCase(Locale.ROOT))) {
                    set.add(remember(r.nick()));
                }
            });
            default -> {
            }
        }
    }

    private String remember(String nickAsWritten) {
        String key = nickAsWritten.toLowerCase(Locale.ROOT);
        memberNames.put(key, nickAsWritten);
        return key;
    }

    /** Everyone known to share a room with us, as they write their nicks: for tab completion. */
    Set<String> knownNicks() {
        stateLock.lock();
        try {
            Set<String> nicks = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            for (Set<String> room : members.values()) {
                for (String key : room) {
                    nicks.add(memberNames.getOrDefault(key, key));
                }
            }
            if (nick != null) {
                nicks.remove(nick);
            }
            return nicks;
        } finally {
            stateLock.unlock();
        }
    }

    /** Whether {@code text} names {@code me} as a word, as IRC clients highlight a line. */
    static boolean mentions(String text, String me) {
        if (me == null || me.isEmpty()) {
            return false;
        }
        return Pattern.compile("(?<![A-Za-z0-9_-])" + Pattern.quote(me) + "(?![A-Za-z0-9_-])", Pattern.CASE_INSENSITIVE)
                .matcher(text).find();
    }

    // ---- losing and regaining the connection ---------------------------------------------------------

    private void linkEnded(Link l) {
        boolean adopted;
        stateLock.lock();
        try {
            l.ended = true;
            adopted = l.adopted;
            changed.signalAll();
        } finally {
            stateLock.unlock();
        }
        if (!adopted) {
            return; // a connection still being set up by the reconnect loop, which sees it end
        }
        closeQuietly(l.socket);
        Bye last = bye;
        if (quitting || backoff.attempts() == 0 || !wasEverRegistered()
                || (last != null && FINAL_BYE_CODES.contains(last.code()))) {
            finish();
            return;
        }
        reconnect(last);
    }

    private void reconnect(Bye last) {
        screen.show(TextRenderer.NOTICE + " connection lost" + (last == null ? "" : " (" + SafeText.neutralize(last.reason()) + ")")
                + "; reconnecting...");
        stateLock.lock();
        try {
            registered = false;
            bye = null;
            members.clear();
        } finally {
            stateLock.unlock();
        }
        for (int attempt = 1; attempt <= backoff.attempts() && !quitting; attempt++) {
            if (sleepUnlessQuitting(backoff.before(attempt))) {
                break;
            }
            Link next;
            try {
                next = new Link(connector.connect());
            } catch (IOException e) {
                if (attempt == 1 || attempt % 5 == 0) {
                    screen.show(TextRenderer.NOTICE + " reconnect attempt " + attempt + " failed: " + SafeText.neutralize(String.valueOf(e.getMessage())));
                }
                continue;
            }
            if (rejoin(next)) {
                screen.show(TextRenderer.NOTICE + " reconnected");
                return;
            }
        }
        finish();
    }

    /**
     * Registers on a fresh connection as before, rejoins every room asking for what was missed, re-sends
     * what was not acknowledged. True once the connection is live; false to try again later.
     */
    private boolean rejoin(Link next) {
        List<String> toRejoin;
        String wantedNick;
        String token;
        Map<String, Long> seen;
        stateLock.lock();
        try {
            link = next;
            toRejoin = new ArrayList<>(rooms);
            wantedNick = nick;
            token = resumeToken;
            seen = new HashMap<>(lastSeen);
        } finally {
            stateLock.unlock();
        }
        startReader(next);
        try {
            String first = toRejoin.isEmpty() ? null : toRejoin.get(0);
            hello(next, wantedNick, first, replayFor(first, seen), token);
            if (!awaitRegisteredOn(next) && takenNick()) {
                String other = wantedNick.length() < Names.MAX_NICK_CHARS ? wantedNick + "_" : wantedNick.substring(0, wantedNick.length() - 1) + "_";
                screen.show(TextRenderer.NOTICE + " " + wantedNick + " is taken now; trying " + other);
                hello(next, other, first, replayFor(first, seen), null);
                awaitRegisteredOn(next);
            }
            List<Request> resend;
            stateLock.lock();
            try {
                if (!registered || next.ended) {
                    closeQuietly(next.socket);
                    return false;
                }
                seen = new HashMap<>(lastSeen); // cleared if the server's history began anew
                resend = new ArrayList<>();
                for (Map.Entry<String, Sent> entry : pending.entrySet()) {
                    if (entry.getValue().on() != next) { // typed since the welcome: already sent on this link
                        resend.add(entry.getValue().request());
                        pending.put(entry.getKey(), new Sent(entry.getValue().request(), next));
                        unanswered.add(entry.getKey());
                    }
                }
            } finally {
                stateLock.unlock();
            }
            for (String room : toRejoin.subList(Math.min(1, toRejoin.size()), toRejoin.size())) {
                send(next, new Join(room, replayFor(room, seen), null));
            }
            for (Request request : resend) {
                send(next, request); // same ref: the server acknowledges what it already had instead of repeating it
            }
            stateLock.lock();
            try {
                if (next.ended) {
                    return false;
                }
                next.adopted = true; // from here on, losing it means reconnecting again
                return true;
            } finally {
                stateLock.unlock();
            }
        } catch (IOException e) {
            closeQuietly(next.socket);
            return false;
        }
    }

    private static Replay replayFor(String room, Map<String, Long> seen) {
        Long id = room == null ? null : seen.get(room);
        return id == null ? Replay.DEFAULT : Replay.after(id);
    }

    private boolean awaitRegisteredOn(Link l) {
        try {
            return awaitState(REREGISTER_WAIT, () -> registered || registrationError != null || l.ended) && registered;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean takenNick() {
        stateLock.lock();
        try {
            return ErrorCode.NICK_TAKEN.wireName().equals(registrationErrorCode);
        } finally {
            stateLock.unlock();
        }
    }

    /** Waits, unless the person quits meanwhile; true if they did. */
    private boolean sleepUnlessQuitting(Duration wait) {
        try {
            return awaitQuitting(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private boolean awaitQuitting(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        stateLock.lock();
        try {
            while (!quitting) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            stateLock.unlock();
        }
    }

    private void finish() {
        if (closed.getCount() == 0) {
            return;
        }
        closed.countDown();
        signal();
        onClosed.run();
    }

    boolean wasEverRegistered() {
        stateLock.lock();
        try {
            return everRegistered;
        } finally {
            stateLock.unlock();
        }
    }

    // ---- what the person does ------------------------------------------------------------------------

    /** Waits until the current room has at least {@code count} members (this client included). */
    boolean awaitMembers(int count, Duration timeout) throws IOException, InterruptedException {
        String room = currentRoom();
        send(new Request.Who(null, newRef())); // the answer seeds the list; notices keep it current
        return awaitState(timeout, () -> members.getOrDefault(room, Set.of()).size() >= count);
    }

    /** Waits until {@code count} chat or private messages from others have arrived. */
    boolean awaitMessagesFromOthers(int count, Duration timeout) throws InterruptedException {
        return awaitState(timeout, () -> messagesFromOthers >= count);
    }

    /** Handles one typed line. Returns false once the person has asked to quit. */
    boolean submit(String line) throws IOException {
        // No explicit room: the server resolves "the current room" in request order, so a script's
        // "/join dev" followed by a line says that line in dev even before the join's notice arrives here.
        Input.Action action = Input.parse(line, null, newRef());
        switch (action) {
            case Input.Nothing n -> {
            }
            case Input.ShowHelp h -> showHelp();
            case Input.Problem p -> screen.show(TextRenderer.ERROR + " " + p.message());
            case Input.Send s when s.request() instanceof Nick n && !wasEverRegistered() -> hello(link, n.nick(), null, Replay.DEFAULT, null);
            case Input.Send s when s.request() instanceof Quit -> {
                quitting = true;
                signal();
                try {
                    send(s.request());
                } catch (IOException e) {
                    finish(); // nothing to say goodbye to
                }
                return false;
            }
            case Input.Send s when !wasEverRegistered() ->
                    screen.show(TextRenderer.ERROR + " not connected as anyone yet; choose a nick with /nick NAME");
            case Input.Send s when s.request() instanceof Say || s.request() instanceof Msg -> sendKept(s.request(), line);
            case Input.Send s when s.request() instanceof Request.History h && h.limit() == null && isRegistered() -> {
                Request older = olderPage(h);
                unanswered.add(older.ref());
                send(older);
            }
            case Input.Send s when !isRegistered() ->
                    screen.show(TextRenderer.ERROR + " not connected right now; reconnecting, try again in a moment");
            case Input.Send s -> {
                unanswered.add(s.request().ref());
                send(s.request());
            }
        }
        return true;
    }

    /**
     * A line said or sent privately is kept until the server acknowledges it; while the connection is
     * down it waits, and it is re-sent after a reconnect.
     */
    private void sendKept(Request request, String typed) throws IOException {
        boolean live;
        stateLock.lock();
        try {
            live = registered;
            pending.put(request.ref(), new Sent(request, live ? link : null));
            unanswered.add(request.ref());
        } finally {
            stateLock.unlock();
        }
        if (!live) {
            screen.show(TextRenderer.NOTICE + " not connected; will send when reconnected: " + SafeText.neutralize(typed));
            return;
        }
        try {
            send(request);
        } catch (IOException e) {
            // the connection dropped under us: the line stays pending and goes out after the reconnect
        }
    }

    /** "/history" without a number: the 20 messages before the oldest this screen has shown of the room. */
    private Request olderPage(Request.History asked) {
        stateLock.lock();
        try {
            String room = asked.room() != null ? asked.room() : currentRoomLocked();
            return new Request.History(room, room == null ? null : oldestShown.get(room), null, Input.DEFAULT_HISTORY,
                    asked.ref());
        } finally {
            stateLock.unlock();
        }
    }

    private void showHelp() {
        TextRenderer.help().forEach(screen::show);
    }

    /**
     * Waits for the hello's outcome: true once registered and in the first room (the server's join notice
     * follows its welcome), false on refusal, close or timeout.
     */
    boolean awaitRegistration(Duration timeout) throws InterruptedException {
        return awaitState(timeout, () -> (registered && !rooms.isEmpty()) || registrationError != null)
                && isRegistered();
    }

    /** Waits until every request sent has had its reply (the server's acknowledgement or error). */
    boolean awaitReplies(Duration timeout) throws InterruptedException {
        return awaitState(timeout, unanswered::isEmpty) && unanswered.isEmpty();
    }

    /** Sends quit (unless already sent) and waits for the server to close the connection. */
    void quit(Duration timeout) throws InterruptedException {
        if (!quitting && !isClosed()) {
            quitting = true;
            signal();
            try {
                send(new Quit(null, newRef()));
            } catch (IOException e) {
                finish(); // already gone
                return;
            }
        }
        if (!closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
        }
    }

    private boolean awaitState(Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        stateLock.lock();
        try {
            while (!condition.getAsBoolean() && closed.getCount() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return condition.getAsBoolean();
        } finally {
            stateLock.unlock();
        }
    }

    private void signal() {
        stateLock.lock();
        try {
            changed.signalAll();
        } finally {
            stateLock.unlock();
        }
    }

    void send(Request request) throws IOException {
        send(link, request);
    }

    private void send(Link l, Request request) throws IOException {
        byte[] line = Codec.encode(request);
        sendLock.lock();
        try {
            l.out.write(line);
            l.out.flush();
        } finally {
            sendLock.unlock();
        }
    }

    boolean isRegistered() {
        stateLock.lock();
        try {
            return registered;
        } finally {
            stateLock.unlock();
        }
    }

    String registrationError() {
        stateLock.lock();
        try {
            return registrationError;
        } finally {
            stateLock.unlock();
        }
    }

    String currentRoom() {
        stateLock.lock();
        try {
            return currentRoomLocked();
        } finally {
            stateLock.unlock();
        }
    }

    private String currentRoomLocked() {
        return rooms.isEmpty() ? null : rooms.get(rooms.size() - 1);
    }

    boolean isQuitting() {
        return quitting;
    }

    boolean isClosed() {
        return closed.getCount() == 0;
    }

    /** The server's last word, if it sent one before closing. */
    Bye bye() {
        return bye;
    }

    /** Gives up without saying quit (e.g. after a refused hello); not reported as a lost connection. */
    void abandon() {
        quitting = true;
        close();
    }

    void close() {
        quitting = true;
        signal();
        Link l = link;
        if (l != null) {
            closeQuietly(l.socket);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private String newRef() {
        return refPrefix + nextRef.incrementAndGet();
    }
}
