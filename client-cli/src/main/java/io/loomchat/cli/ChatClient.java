package io.loomchat.cli;

import io.loomchat.cli.chat.ChatState;
import io.loomchat.cli.chat.Reaction;
import io.loomchat.cli.connection.Backoff;
import io.loomchat.cli.connection.Connector;
import io.loomchat.cli.connection.Link;
import io.loomchat.cli.connection.Redial;
import io.loomchat.cli.screen.Screen;
import io.loomchat.cli.screen.TerminalScreen;
import io.loomchat.protocol.CloseCode;
import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.Bye;
import io.loomchat.protocol.ProtocolException;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.Request.Msg;
import io.loomchat.protocol.Request.Quit;
import io.loomchat.protocol.Request.Say;
import io.loomchat.protocol.SafeText;
import io.loomchat.protocol.TextRenderer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The client side of a chat, full duplex: wires each link's reader thread to the {@link ChatState} and the
 * state's answers to the screen and the link's writer, while the caller's thread submits typed lines.
 * When the connection drops it reconnects by itself ({@link Redial}), and the state says what to send on
 * the new link: the hello with the resume token, the rejoins after the last ids seen, the lines to re-send.
 *
 * <p>The state and which link is current sit behind {@link LockedChat}'s lock, which is never held while
 * writing to a socket (links queue their writes): however stalled the network, the reader gets it soon.
 */
final class ChatClient implements Link.Inbound, Redial.Resumable {

    /** How long a reconnect waits for the server's welcome before trying again. */
    private static final Duration REREGISTER_WAIT = Duration.ofSeconds(10);
    /**
     * Close codes after which coming back would be wrong: we quit, another connection took over, we flooded,
     * or the server refused us (a reconnect would undo its limit on /oper tries, or be refused again).
     */
    private static final Set<String> FINAL_BYE_CODES = Set.of(CloseCode.QUIT.wireName(), CloseCode.REPLACED.wireName(),
            CloseCode.FLOOD.wireName(), CloseCode.OPER_FAILED.wireName(), CloseCode.BANNED.wireName(),
            CloseCode.BAD_PASSWORD.wireName());

    private final Connector connector;
    private final Backoff backoff;
    private final Screen screen;
    private final boolean json;
    private final AtomicLong nextRef = new AtomicLong();
    private final String refPrefix = Long.toString(System.nanoTime() & 0xffffff, 36) + "-";
    private final LockedChat chat;
    private final ChatView view;
    private Link link; // guarded by chat's lock: where requests go
    private Link live; // guarded by chat's lock: registered and live, so losing it means reconnecting
    private Runnable onClosed = () -> { };
    private volatile boolean speaksTls; // the server answered in TLS: no plain connection will ever do
    private final ScriptOrder order = new ScriptOrder();
    private final RetryRounds retries;
    /** Runs the commands of keys pressed (Alt-2, Ctrl-N...) off JLine's thread, one at a time, in order. */
    private final ExecutorService keys = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("loomchat-keys").factory());

    /** What to send and the link it goes out on, decided together under the lock. */
    private record On<T>(T what, Link link) {
    }

    ChatClient(Connector connector, Screen screen, boolean json, ZoneId zone, Backoff backoff) {
        this.connector = connector;
        this.screen = screen;
        this.json = json;
        this.backoff = backoff;
        this.chat = new LockedChat(new ChatState(zone, this::newRef, json, screen instanceof TerminalScreen));
        this.view = new ChatView(screen, chat);
        this.retries = new RetryRounds(chat, on -> live == on);
    }

    /** Connects, starts reading and says hello. {@code whenClosed} runs once the chat has ended for good. */
    void start(String wantedNick, String room, Runnable whenClosed) throws IOException {
        this.onClosed = whenClosed;
        Link first = new Link(connector.connect());
        Request hello = chat.update(s -> {
            link = first;
            live = first; // losing it before registering ends the chat; after, it reconnects
            return s.hello(wantedNick, room);
        });
        first.start(this);
        first.send(hello);
    }

    /** How much of the first room's history to ask for on connecting (the server's default otherwise). */
    void askHistoryOnJoin(int messages) {
        chat.change(s -> s.askHistoryOnJoin(messages));
    }

    /** The server password and the account (either may be null) to send with every hello, reconnects included. */
    void useSecrets(String serverPassword, Request.Credentials account) {
        chat.change(s -> s.useSecrets(serverPassword, account));
    }

    /** Asks for everyone's nick in each joined room, so that tab completion knows them. */
    void seedMembersForCompletion() {
        chat.change(ChatState::seedMembersForCompletion);
    }

    /**
     * Output in the order the lines were typed, for scripts: a line the client answers itself (a usage
     * error) is shown after the server has answered the lines before it, not ahead of their output.
     */
    void keepOrder() {
        order.turnOn();
    }

    /** A terminal: each room in a window of its own, switched between with /window and keys. */
    void showRoomsInWindows() {
        chat.change(ChatState::showRoomsInWindows);
    }

    // ---- what the server says, on a link's reader thread ------------------------------------------------

    @Override
    public void line(Link from, byte[] line, int length) {
        order.reading(() -> handle(from, line, length));
    }

    private void handle(Link from, byte[] line, int length) {
        if (length >= 2 && (line[0] == 0x15 || line[0] == 0x16) && line[1] == 0x03) {
            // A TLS record (an alert, a handshake) where a JSON line should be: a TLS port spoken to in plain.
            speaksTls = true;
            from.close();
            return;
        }
        Event event;
        try {
            event = Codec.decodeEvent(line, 0, length);
        } catch (ProtocolException e) {
            screen.show(json ? SafeText.neutralize(new String(line, 0, length, StandardCharsets.UTF_8))
                    : TextRenderer.ERROR + " unreadable line from the server: " + SafeText.neutralize(e.getMessage()));
            return;
        }
        if (json && !chat.read(s -> s.isGreeting(event))) {
            screen.show(SafeText.neutralize(new String(line, 0, length, StandardCharsets.UTF_8)));
        }
        Reaction reaction = chat.update(s -> s.received(event));
        if (!(event instanceof Event.Ping)) {
            view.refreshPrompt();
        }
        for (Request request : reaction.send()) {
            try {
                from.send(request);
            } catch (IOException e) {
                // the read loop sees the end of the connection
            }
        }
        view.show(reaction);
        if (event instanceof Event.ErrorReply) {
            retries.startIfWaiting(from);
        }
    }

    @Override
    public void tooLong(Link from) {
        screen.show(TextRenderer.ERROR + " skipped a line from the server longer than " + Link.MAX_SERVER_LINE_BYTES + " bytes");
    }

    // ---- losing and regaining the connection ------------------------------------------------------------

    @Override
    public void ended(Link from) {
        if (!chat.update(s -> from == live)) { // the update also wakes whoever waits on this link
            return; // a connection still being set up by the reconnect loop, which sees it end
        }
        from.close();
        Bye last = chat.read(ChatState::bye);
        if (speaksTls || chat.read(s -> s.isQuitting() || backoff.attempts() == 0 || !s.wasEverRegistered() || s.refusal() != null)
                || (last != null && FINAL_BYE_CODES.contains(last.code()))) {
            finish();
            return;
        }
        screen.show(TextRenderer.NOTICE + " connection lost" + (last == null ? "" : " (" + SafeText.neutralize(last.reason()) + ")")
                + "; reconnecting...");
        chat.change(ChatState::connectionLost);
        if (!Redial.redial(connector, backoff, this)) { // the welcome back says "reconnected", before the rejoins
            finish();
        }
    }

    /** Registers on a fresh link as before, rejoins every room asking for what was missed, re-sends what was not acknowledged. */
    @Override
    public boolean resumeOn(Link next) {
        Request hello = chat.update(s -> {
            link = next;
            return s.resumeHello();
        });
        next.start(this);
        try {
            next.send(hello);
            if (!awaitRegisteredOn(next) && chat.read(ChatState::nickTaken)) {
                Reaction other = chat.update(ChatState::helloAsAnother);
                view.show(other);
                for (Request request : other.send()) {
                    next.send(request);
                }
                awaitRegisteredOn(next);
            }
            List<Request> rejoin = chat.update(s -> s.isRegistered() && !next.ended() ? s.rejoinAndResend() : null);
            if (rejoin == null) {
                next.close();
                return false;
            }
            for (Request request : rejoin) {
                next.send(request); // a re-sent line keeps its ref: the server acknowledges what it had instead of repeating it
            }
            boolean adopted = chat.update(s -> {
                if (!next.ended()) {
                    live = next; // from here on, losing it means reconnecting again
                }
                return live == next;
            });
            if (!adopted) {
                next.close(); // it ended while we rejoined: the next attempt starts afresh
            }
            return adopted;
        } catch (IOException e) {
            next.close();
            return false;
        }
    }

    private boolean awaitRegisteredOn(Link l) {
        try {
            return chat.await(REREGISTER_WAIT, s -> s.isRegistered() || s.registrationError() != null || l.ended())
                    && chat.read(ChatState::isRegistered);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Also true, at once, after the server refused us for good: no attempt could do better. */
    @Override
    public boolean quitsWithin(Duration wait) {
        return speaksTls || chat.read(s -> s.refusal() != null) || chat.quitsWithin(wait);
    }

    @Override
    public void failed(int attempt, IOException e) {
        screen.show(TextRenderer.NOTICE + " reconnect attempt " + attempt + " failed: " + SafeText.neutralize(String.valueOf(e.getMessage())));
    }

    private void finish() {
        if (chat.end()) {
            onClosed.run();
        }
    }

    // ---- what the person does -----------------------------------------------------------------------

    /** Handles one typed line. Returns false once the person has asked to quit. */
    boolean submit(String line) throws IOException {
        On<Reaction> typed = chat.update(s -> new On<>(s.typed(line), link)); // the update wakes the reconnect loop on /quit
        if (typed.what().send().isEmpty() && !typed.what().show().isEmpty()) {
            order.awaitEarlierAnswers(chat, ChatCommand.REPLY_WAIT);
        }
        view.refreshPrompt();
        view.show(typed.what());
        boolean quit = false;
        for (Request request : typed.what().send()) {
            quit |= request instanceof Quit;
            try {
                typed.link().send(request);
            } catch (IOException e) {
                switch (request) {
                    case Say say -> { } // the connection dropped under us: the line stays kept, re-sent after the reconnect
                    case Msg msg -> { } // likewise
                    case Quit q -> finish(); // nothing to say goodbye to
                    default -> throw e;
                }
            }
        }
        return !quit;
    }

    /**
     * A client command a key stands for (such as "/window 2"), from JLine's thread: handled on another,
     * so that JLine's lock is never held while waiting for the chat's.
     */
    void keyCommand(String command) {
        keys.execute(() -> {
            try {
                submit(command);
            } catch (IOException e) {
                // moving between rooms sends nothing
            }
        });
    }

    /** Joins {@code room} behind the current one, which stays current (the settings file's other rooms). */
    void joinBehind(String room) throws IOException {
        On<Request> join = chat.update(s -> new On<>(s.joinBehind(room), link));
        join.link().send(join.what());
    }

    /** Waits until the current room has at least {@code count} members (this client included). */
    boolean awaitMembers(int count, Duration timeout) throws IOException, InterruptedException {
        String room = chat.read(s -> s.rooms().current());
        On<Request> who = chat.update(s -> new On<>(s.askWho(), link));
        who.link().send(who.what()); // the answer seeds the list; notices keep it current
        return chat.await(timeout, s -> s.membersIn(room) >= count);
    }

    /** Waits until {@code count} chat or private messages from others have arrived. */
    boolean awaitMessagesFromOthers(int count, Duration timeout) throws InterruptedException {
        return chat.await(timeout, s -> s.messagesFromOthers() >= count);
    }

    /**
     * Waits for the hello's outcome: true once registered and in the first room (the server's join notice
     * follows its welcome), false on refusal, close or timeout.
     */
    boolean awaitRegistration(Duration timeout) throws InterruptedException {
        return chat.await(timeout, s -> s.isSettled() || s.registrationError() != null) && chat.read(ChatState::isRegistered);
    }

    /** Waits until every request sent has had its reply (the server's acknowledgement or error). */
    boolean awaitReplies(Duration timeout) throws InterruptedException {
        return chat.await(timeout, ChatState::allAnswered) && chat.read(ChatState::allAnswered);
    }

    /** Sends quit (unless already sent) and waits for the server to close the connection. */
    void quit(Duration timeout) throws InterruptedException {
        On<Request> quit = chat.update(s -> s.isQuitting() || chat.isEnded() ? null : new On<>(s.farewell(), link));
        if (quit != null) {
            try {
                quit.link().send(quit.what());
            } catch (IOException e) {
                finish(); // already gone
                return;
            }
        }
        if (!chat.awaitEnd(timeout)) {
            close();
        }
    }

    // ---- what the command asks ----------------------------------------------------------------------

    /** What the chat state says now, e.g. {@code client.read(ChatState::refusal)}. */
    <T> T read(Function<ChatState, T> query) {
        return chat.read(query);
    }

    /** Whether the chat has ended for good: no link and no reconnecting. */
    boolean isEnded() {
        return chat.isEnded();
    }

    /** Whether the server answered with TLS records: it wants --tls. */
    boolean speaksTls() {
        return speaksTls;
    }

    /** Gives up without saying quit (e.g. after a refused hello); not reported as a lost connection. */
    void abandon() {
        close();
    }

    void close() {
        keys.shutdown();
        Link l = chat.update(s -> {
            s.leaving();
            return link;
        });
        if (l != null) {
            l.close();
        }
    }

    private String newRef() {
        return refPrefix + nextRef.incrementAndGet();
    }
}
