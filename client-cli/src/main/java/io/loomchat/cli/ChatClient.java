package io.loomchat.cli;

import io.loomchat.protocol.BoundedLineReader;
import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.Bye;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.Event.ErrorReply;
import io.loomchat.protocol.Event.Joined;
import io.loomchat.protocol.Event.Left;
import io.loomchat.protocol.Event.Members;
import io.loomchat.protocol.Event.PrivateMessage;
import io.loomchat.protocol.Event.Renamed;
import io.loomchat.protocol.Event.Welcome;
import io.loomchat.protocol.Input;
import io.loomchat.protocol.ProtocolException;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.Request.Hello;
import io.loomchat.protocol.Request.Nick;
import io.loomchat.protocol.Request.Quit;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client side of one connection, full duplex: a virtual thread reads the socket and shows what
 * arrives, while the caller's thread submits typed lines. Tracks what the person needs to know (nick,
 * rooms, the current room) from the server's events, and which requests still await their reply.
 */
final class ChatClient {

    /** Big enough for any room listing a server sends; a server is trusted more than a peer, not blindly. */
    private static final int MAX_SERVER_LINE_BYTES = 4 * 1024 * 1024;

    private final Socket socket;
    private final OutputStream out;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final Screen screen;
    private final TextRenderer renderer;
    private final boolean json;
    private final AtomicLong nextRef = new AtomicLong();

    private final ReentrantLock stateLock = new ReentrantLock();
    private final Condition changed = stateLock.newCondition();
    private final Set<String> unanswered = ConcurrentHashMap.newKeySet();
    private final List<String> rooms = new ArrayList<>(); // guarded by stateLock; the last is current
    private String nick; // guarded by stateLock
    private boolean registered; // guarded by stateLock
    private String helloRef; // guarded by stateLock
    private String registrationError; // guarded by stateLock
    private final Map<String, Set<String>> members = new HashMap<>(); // guarded by stateLock; room -> nick keys
    private int messagesFromOthers; // guarded by stateLock
    private volatile boolean quitting;
    private volatile Bye bye;
    private final CountDownLatch closed = new CountDownLatch(1);

    ChatClient(Socket socket, Screen screen, boolean json, ZoneId zone) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.screen = screen;
        this.json = json;
        this.renderer = new TextRenderer(zone);
    }

    /** Starts reading and says hello. {@code onClosed} runs on the reader thread when the connection ends. */
    void start(String wantedNick, String room, Runnable onClosed) throws IOException {
        Thread.ofVirtual().name("loomchat-cli-reader").start(() -> {
            try {
                readLoop();
            } finally {
                closed.countDown();
                signal();
                onClosed.run();
            }
        });
        hello(wantedNick, room);
    }

    private void hello(String wantedNick, String room) throws IOException {
        String ref = newRef();
        stateLock.lock();
        try {
            helloRef = ref;
            registrationError = null;
        } finally {
            stateLock.unlock();
        }
        send(new Hello(wantedNick, room, ref));
    }

    private void readLoop() {
        try {
            BoundedLineReader lines = new BoundedLineReader(socket.getInputStream(), MAX_SERVER_LINE_BYTES);
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
                handle(event);
            }
        } catch (IOException e) {
            // the connection is gone; the caller learns it through onClosed
        }
    }

    private void handle(Event event) {
        if (event instanceof Event.Ping) {
            try {
                send(new Request.Pong(null)); // the server checks we are alive; not for the screen
            } catch (IOException e) {
                // the read loop sees the end of the connection
            }
            return;
        }
        String shownRoom;
        String me;
        stateLock.lock();
        try {
            trackMembers(event);
            switch (event) {
                case Welcome w -> {
                    registered = true;
                    nick = w.nick();
                }
                case Joined j when j.nick().equalsIgnoreCase(nick) -> {
                    rooms.remove(j.room());
                    rooms.add(j.room());
                }
                case Left l when l.nick().equalsIgnoreCase(nick) -> rooms.remove(l.room());
                case Renamed r when r.old().equalsIgnoreCase(nick) -> nick = r.nick();
                case ChatMessage m when !m.from().equalsIgnoreCase(nick) -> messagesFromOthers++;
                case PrivateMessage m when !m.from().equalsIgnoreCase(nick) -> messagesFromOthers++;
                case ErrorReply e when !registered && e.ref() != null && e.ref().equals(helloRef) ->
                        registrationError = e.code() + ": " + e.message();
                case Bye b -> bye = b;
                default -> {
                }
            }
            if (event.ref() != null) {
                unanswered.remove(event.ref());
            }
            me = nick;
            shownRoom = currentRoomLocked();
            screen.prompt(shownRoom == null ? "> " : "[" + shownRoom + "] > "); // before anyone waiting reads it
            changed.signalAll();
        } finally {
            stateLock.unlock();
        }
        if (json || (event instanceof Bye && quitting)) {
            return;
        }
        String line = renderer.render(event, me == null ? "" : me, shownRoom);
        if (line != null) {
            screen.show(line);
        }
        if (screen instanceof TerminalScreen && event instanceof ErrorReply e && !isRegistered()) {
            screen.show(TextRenderer.NOTICE + " choose another nick with /nick NAME");
        }
    }

    /** Keeps who-is-where current from the server's notices, for scripts that wait for company. */
    private void trackMembers(Event event) {
        switch (event) {
            case Members m -> {
                Set<String> nicks = new HashSet<>();
                m.nicks().forEach(n -> nicks.add(n.toLowerCase(Locale.ROOT)));
                members.put(m.room(), nicks);
            }
            case Joined j -> members.computeIfAbsent(j.room(), r -> new HashSet<>()).add(j.nick().toLowerCase(Locale.ROOT));
            case Left l -> members.computeIfAbsent(l.room(), r -> new HashSet<>()).remove(l.nick().toLowerCase(Locale.ROOT));
            case Renamed r -> members.values().forEach(set -> {
                if (set.remove(r.old().toLowerCase(Locale.ROOT))) {
                    set.add(r.nick().toLowerCase(Locale.ROOT));
                }
            });
            default -> {
            }
        }
    }

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
            case Input.Send s when s.request() instanceof Nick n && !isRegistered() -> hello(n.nick(), null);
            case Input.Send s when s.request() instanceof Quit -> {
                quitting = true;
                send(s.request());
                return false;
            }
            case Input.Send s when !isRegistered() ->
                    screen.show(TextRenderer.ERROR + " not connected as anyone yet; choose a nick with /nick NAME");
            case Input.Send s -> {
                unanswered.add(s.request().ref());
                send(s.request());
            }
        }
        return true;
    }

    private void showHelp() {
        screen.show(TextRenderer.NOTICE + " commands (anything else is said to the current room):");
        for (Input.Command c : Input.COMMANDS) {
            screen.show(String.format("    %-16s %s", c.usage(), c.summary()));
        }
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
            try {
                send(new Quit(null, newRef()));
            } catch (IOException e) {
                return; // already gone
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
        byte[] line = Codec.encode(request);
        sendLock.lock();
        try {
            out.write(line);
            out.flush();
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
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private String newRef() {
        return "c" + nextRef.incrementAndGet();
    }
}
