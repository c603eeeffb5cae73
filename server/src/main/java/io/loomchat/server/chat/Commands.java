package io.loomchat.server.chat;

import io.loomchat.server.ChatServer;
import io.loomchat.server.connection.Acked;
import io.loomchat.server.connection.CloseReason;
import io.loomchat.server.connection.Resumptions;
import io.loomchat.server.connection.Session;
import io.loomchat.server.guard.Digest;
import io.loomchat.server.guard.Moderation;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event.ErrorReply;
import io.loomchat.protocol.Event.Members;
import io.loomchat.protocol.Event.Pong;
import io.loomchat.protocol.Event.PrivateMessage;
import io.loomchat.protocol.Event.Renamed;
import io.loomchat.protocol.Event.RoomList;
import io.loomchat.protocol.Event.Welcome;
import io.loomchat.protocol.Input;
import io.loomchat.protocol.Names;
import io.loomchat.protocol.TextRenderer;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.Request.Hello;
import io.loomchat.protocol.Request.Join;
import io.loomchat.protocol.Request.Leave;
import io.loomchat.protocol.Request.ListRooms;
import io.loomchat.protocol.Request.Msg;
import io.loomchat.protocol.Request.Nick;
import io.loomchat.protocol.Request.Ping;
import io.loomchat.protocol.Request.Quit;
import io.loomchat.protocol.Request.Say;
import io.loomchat.protocol.Request.Who;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.ChatMessage;

/**
 * The chat commands, one method per request type, run by a session's read loop (the operators' own are in
 * {@link OperatorCommands}). Preconditions (registered,
 * member of the room) are checked once, in {@link #handle}; a refused request gets an {@code error} that
 * echoes its ref, and nothing else happens.
 */
public final class Commands {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Commands.class);

    private final Session session;
    private final ChatServer server;
    private final OperatorCommands operators;

    public Commands(Session session) {
        this.session = session;
        this.server = session.server();
        this.operators = new OperatorCommands(session, this);
    }

    public void handle(Request request) {
        session.applyKicks();
        try {
            if (!session.registered() && !(request instanceof Hello || request instanceof Ping
                    || request instanceof Request.Pong || request instanceof Quit)) {
                throw new Refusal(ErrorCode.NOT_REGISTERED,
                        "send hello first, e.g. {\"type\":\"hello\",\"nick\":\"alice\"}");
            }
            switch (request) {
                case Hello r -> hello(r);
                case Say r -> say(r);
                case Msg r -> msg(r);
                case Join r -> join(r);
                case Leave r -> leave(r);
                case Nick r -> nick(r);
                case Who r -> who(r);
                case Request.Topic r -> topic(r);
                case Request.Away r -> away(r);
                case Request.History r -> history(r);
                case ListRooms r -> rooms(r);
                case Ping r -> session.send(new Pong(r.ref()));
                case Request.Pong r -> {
                    // the answer to our keep-alive ping: receiving it was the point
                }
                case Quit r -> quit(r);
                case Request.Oper r -> operators.oper(r);
                case Request.Kick r -> operators.kick(r);
                case Request.Ban r -> operators.ban(r);
                case Request.Unban r -> operators.unban(r);
                case Request.Mute r -> operators.mute(r);
                case Request.Unmute r -> operators.unmute(r);
            }
        } catch (Refusal refusal) {
            session.send(new ErrorReply(refusal.code, refusal.getMessage(), request.ref()));
        }
    }

    /**
     * A line from a text-mode client (a person on nc or telnet), parsed like the terminal client's input.
     * Before registering, the first word is taken as the nick.
     */
    public void handleText(String line) {
        Input.Action action = Input.parse(line, null, null);
        switch (action) {
            case Input.Nothing n -> {
            }
            case Input.ShowHelp h -> TextRenderer.help().forEach(session::sendText);
            case Input.Problem p -> session.sendText(TextRenderer.ERROR + " " + p.message());
            case Input.Send s when !session.registered() && s.request() instanceof Request.Nick n ->
                    handle(new Hello(n.nick(), null, null));
            case Input.Send s when !session.registered() && s.request() instanceof Say say
                    && server.config().password() != null -> {
                // "NICK PASSWORD" on one line: nc has no other way to send both before registering.
                String[] words = say.text().strip().split("\\s+", 2);
                handle(new Hello(words[0], null, Request.Replay.DEFAULT, null, words.length > 1 ? words[1] : "", null));
            }
            case Input.Send s when !session.registered() && s.request() instanceof Say say
                    && Names.nickProblem(say.text().strip(), server.config().maxNickChars()) == null ->
                    handle(new Hello(say.text().strip(), null, null));
            case Input.Send s when !session.registered() && !(s.request() instanceof Quit) ->
                    session.sendText(TextRenderer.ERROR + " type your nick first (letters, digits, _ and -), or /nick NAME");
            case Input.Send s -> handle(s.request());
        }
    }

    private void hello(Hello r) throws Refusal {
        if (session.registered()) {
            throw new Refusal(ErrorCode.ALREADY_REGISTERED, "already registered as " + session.nick());
        }
        if (!passwordMatches(r.password())) {
            session.disconnect(CloseReason.BAD_PASSWORD, r.password() == null
                    ? "this server needs a password in hello" : "the password is wrong");
            return;
        }
        checkNick(r.nick());
        Moderation.Sanction banned = server.moderation().banOf(r.nick());
        if (banned != null) {
            session.disconnect(CloseReason.BANNED, "the nick " + r.nick() + " is banned "
                    + server.moderation().left(banned) + (banned.reason() == null ? "" : ": " + banned.reason()));
            return;
        }
        String room = r.room() == null ? server.config().defaultRoom() : room(r.room());
        if (r.resume() != null) {
            resume(r.nick(), r.resume());
        }
        if (!server.nicknames().claim(r.nick(), session)) {
            throw nickTaken(r.nick());
        }
        session.setNick(r.nick());
        session.send(new Welcome(r.nick(), Codec.PROTOCOL_VERSION, server.config().serverName(), room,
                session.newResumeToken(), server.epoch(), r.ref()));
        Room joined = joinRoom(room, null, r.replay());
        if (joined == null) {
            throw roomFull(room); // registered all the same; the client may join another room
        }
        session.joined(joined);
    }

    /** How long a resuming client waits for its ghost session to let go of the nick. */
    static final java.time.Duration RESUME_WAIT = java.time.Duration.ofSeconds(5);

    /**
     * A client back on a new connection: if its nick is still held by its own earlier session (the server
     * has not yet noticed that connection died), that ghost is ended and its acknowledged refs carried
     * over. If the server noticed first and the session is gone, the acknowledgements it left under the
     * token are taken instead (see {@link Resumptions}). A wrong or stale token changes nothing: the nick is
     * then simply taken, or free.
     */
    private void resume(String nick, String token) throws Refusal {
        Session ghost = server.nicknames().find(nick);
        if (ghost == null) {
            // Gone before the client came back: what it left behind, if the token is its own.
            session.resume().inherit(server.resumptions().take(token, nick));
            return;
        }
        if (ghost == session || !ghost.resumableWith(token)) {
            return;
        }
        try {
            session.resume().inherit(ghost.handOver(RESUME_WAIT));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw nickTaken(nick);
        }
    }

    private void say(Say r) throws Refusal {
        requireText(r.text());
        Room room = memberRoom(r.room());
        Acked earlier = session.resume().resentLine(r.ref());
        if (earlier != null && earlier.isSay() && earlier.sameText(r.text())) {
            // Said on a connection that died before the ack arrived: acknowledge it again, say it once.
            session.send(earlier.message(r.text(), r.action(), r.ref()));
            return;
        }
        Moderation.Sanction muted = server.moderation().muteOf(room.name(), session.nick());
        if (muted != null) {
            throw new Refusal(ErrorCode.MUTED, "you are muted in " + room.name() + " " + server.moderation().left(muted));
        }
        int maxStored = 2 * server.config().maxLineBytes();
        // Six bytes a character at most: only a text that long can be over, so most lines are not measured.
        int stored = 6L * r.text().length() + 2 <= maxStored ? 0 : Codec.jsonStringBytes(r.text());
        if (stored > maxStored) {
            // Escaping can make a line up to six times longer on the wire and in the journal: a line of
            // control characters would cost every member and the disk far more than it cost its sender.
            throw new Refusal(ErrorCode.INVALID_TEXT, "the text takes " + stored + " bytes once escaped, more than "
                    + "twice max-line-bytes=" + server.config().maxLineBytes() + " (mostly control characters?)");
        }
        ChatMessage said = room.say(session, session.batch(), r.text(), r.action(), r.ref());
        if (said == null) {
            throw new Refusal(ErrorCode.STORAGE_FAILED, "the server could not store the message; it was not said");
        }
        session.resume().acknowledged(r.ref(), Acked.of(said));
    }

    private void msg(Msg r) throws Refusal {
        requireText(r.text());
        Acked earlier = session.resume().resentLine(r.ref());
        if (earlier != null && !earlier.isSay() && earlier.sameText(r.text())) {
            session.send(earlier.privateMessage(r.text(), r.action(), r.ref())); // echo again, deliver once
            return;
        }
        Session target = server.nicknames().find(r.to());
        if (target == null) {
            throw new Refusal(ErrorCode.NO_SUCH_NICK, "no one is called " + r.to());
        }
        PrivateMessage message = new PrivateMessage(session.nick(), target.nick(), r.text(), r.action(),
                server.clock().instant(), null);
        String away = target.away();
        if (away != null && target != session) {
            session.send(new Event.Away(target.nick(), away, null)); // as IRC's RPL_AWAY: they may not answer soon
        }
        if (target != session) {
            target.deliver(message, target.textMode() ? null : Codec.encode(message), session.batch());
        }
        PrivateMessage echo = new PrivateMessage(message.from(), message.to(), message.text(), message.action(),
                message.ts(), r.ref());
        session.send(echo);
        session.resume().acknowledged(r.ref(), Acked.of(echo));
    }

    private void join(Join r) throws Refusal {
        String name = room(r.room());
        if (session.joinedRoom(name) != null) {
            throw new Refusal(ErrorCode.ALREADY_IN_ROOM, "already in " + name);
        }
        int maxRooms = server.config().maxRoomsPerClient();
        if (session.joinedRooms().size() >= maxRooms) {
            throw new Refusal(ErrorCode.TOO_MANY_ROOMS,
                    "you are in max-rooms-per-client=" + maxRooms + " rooms; leave one first");
        }
        Room joined = joinRoom(name, r.ref(), r.replay());
        if (joined == null) {
            throw roomFull(name);
        }
        session.joined(joined);
    }

    private void leave(Leave r) throws Refusal {
        Room room = memberRoom(r.room());
        session.left(room);
        server.rooms().leave(room, session, session.batch(), "leave", r.ref(), true);
    }

    private void nick(Nick r) throws Refusal {
        checkNick(r.nick());
        String old = session.nick();
        if (old.equals(r.nick())) {
            throw new Refusal(ErrorCode.INVALID_NICK, "you are already " + old);
        }
        Moderation.Sanction banned = server.moderation().banOf(r.nick());
        if (banned != null) {
            throw new Refusal(ErrorCode.NICK_BANNED, "the nick " + r.nick() + " is banned " + server.moderation().left(banned));
        }
        if (!server.nicknames().rename(old, r.nick(), session)) {
            throw nickTaken(r.nick());
        }
        session.setNick(r.nick());
        server.moderation().renamed(old, r.nick()); // a mute follows the person, not the name
        // Everyone who shares a room hears it once, however many rooms they share.
        Set<Member> audience = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Room room : session.joinedRooms()) {
            audience.addAll(room.members());
        }
        audience.remove(session);
        Renamed renamed = new Renamed(old, r.nick(), server.clock().instant(), null);
        byte[] line = Codec.encode(renamed);
        for (Member member : audience) {
            member.deliver(renamed, line, session.batch());
        }
        session.send(new Renamed(old, r.nick(), renamed.ts(), r.ref()));
    }

    private Room joinRoom(String name, String ref, Request.Replay replay) throws Refusal {
        session.joining(name);
        try {
            Room joined = server.rooms().join(name, session, session.batch(), ref, replay);
            if (joined == null) {
                session.notJoined();
            }
            return joined;
        } catch (java.io.UncheckedIOException e) {
            LOG.error("cannot open room {} for {}: {}", name, session.nick(), e.getMessage());
            session.notJoined();
            throw new Refusal(ErrorCode.STORAGE_FAILED, "the server cannot open the history of " + name);
        }
    }

    private void who(Who r) throws Refusal {
        String name = r.room() == null ? currentRoom().name() : room(r.room());
        Room room = server.rooms().find(name);
        if (room == null) {
            throw new Refusal(ErrorCode.NO_SUCH_ROOM, "no room called " + name);
        }
        List<Member> members = new ArrayList<>(room.members());
        members.sort(java.util.Comparator.comparing(m -> m.nick().toLowerCase(java.util.Locale.ROOT)));
        String after = r.after() == null ? null : r.after().toLowerCase(java.util.Locale.ROOT);
        long budget = replyBudget() - 64 - Codec.jsonStringBytes(name);
        List<String> nicks = new ArrayList<>();
        Map<String, String> away = new TreeMap<>();
        boolean more = false;
        for (Member member : members) {
            String nick = member.nick();
            if (after != null && nick.toLowerCase(java.util.Locale.ROOT).compareTo(after) <= 0) {
                continue;
            }
            String reason = member.away();
            long cost = Codec.jsonStringBytes(nick) + 1 + (reason == null ? 0 : Codec.jsonStringBytes(nick) + Codec.jsonStringBytes(reason) + 2);
            if ((budget -= cost) < 0) {
                more = true;
                break;
            }
            nicks.add(nick);
            if (reason != null) {
                away.put(nick, reason);
            }
        }
        session.send(new Members(name, nicks, away, more, r.ref()));
    }

    /** The room list, cut to fit one reply; a client pages on with {@code after}. */
    private void rooms(ListRooms r) {
        String after = r.after() == null ? null : Names.canonicalRoom(r.after());
        long budget = replyBudget() - 64;
        List<Event.RoomInfo> rooms = new ArrayList<>();
        boolean more = false;
        for (Event.RoomInfo info : server.rooms().list()) {
            if (after != null && info.name().compareTo(after) <= 0) {
                continue;
            }
            long cost = 40 + Codec.jsonStringBytes(info.name()) + (info.topic() == null ? 0 : 10 + Codec.jsonStringBytes(info.topic()));
            if ((budget -= cost) < 0) {
                more = true;
                break;
            }
            rooms.add(info);
        }
        session.send(new RoomList(rooms, more, r.ref()));
    }

    /**
     * The most one reply may take: half the outbox (so a reply never makes its asker a slow consumer), and
     * no more than is free in it now; at least a little, so that a page always moves on.
     */
    private long replyBudget() {
        return Math.max(1024, Math.min(server.config().maxOutboxBytes() / 2, session.replayBudget()));
    }

    private void topic(Request.Topic r) throws Refusal {
        Room room = memberRoom(r.room());
        if (r.text() == null) {
            session.send(room.topic(r.ref()));
            return;
        }
        Moderation.Sanction muted = server.moderation().muteOf(room.name(), session.nick());
        if (muted != null) {
            throw new Refusal(ErrorCode.MUTED, "you are muted in " + room.name() + " " + server.moderation().left(muted)
                    + "; the topic is for those who may speak");
        }
        int max = server.config().maxTopicChars();
        if (r.text().length() > max) {
            throw new Refusal(ErrorCode.INVALID_TOPIC, "topic is longer than max-topic-chars=" + max);
        }
        if (r.text().indexOf('\n') >= 0 || r.text().indexOf('\r') >= 0) {
            throw new Refusal(ErrorCode.INVALID_TOPIC, "a topic is one line");
        }
        if (!room.setTopic(session, session.batch(), r.text().strip(), r.ref())) {
            throw new Refusal(ErrorCode.STORAGE_FAILED, "the server could not store the topic; it is unchanged");
        }
    }

    private void away(Request.Away r) throws Refusal {
        String reason = r.reason() == null || r.reason().isBlank() ? null : r.reason().strip();
        if (reason != null && reason.length() > MAX_REASON_CHARS) {
            throw new Refusal(ErrorCode.INVALID_TEXT, "an away reason is at most " + MAX_REASON_CHARS + " characters");
        }
        session.setAway(reason);
        session.send(new Event.Away(session.nick(), reason, r.ref()));
    }

    /** Most messages one history request returns; a client pages for more. */
    static final int MAX_HISTORY_PAGE = 500;

    private void history(Request.History r) throws Refusal {
        Room room = memberRoom(r.room());
        if (r.before() != null && r.after() != null) {
            throw new Refusal(ErrorCode.BAD_FIELD, "give 'before' or 'after', not both");
        }
        int limit = r.limit() == null ? server.config().historyOnJoin() : Math.min(r.limit(), MAX_HISTORY_PAGE);
        room.history(session, session.batch(), r.before(), r.after(), limit, r.ref());
    }

    /** A quit reason is shown to a whole room: a sentence, not a payload. */
    public static final int MAX_REASON_CHARS = 200;

    private void quit(Quit r) {
        String said = r.reason() == null ? null : cut(r.reason());
        String reason = said == null || said.isBlank() ? "quit" : "quit: " + said;
        leaveAll(reason);
        session.disconnect(CloseReason.QUIT, said);
    }

    /** Leaves every room, telling the others why. Called on quit and when the connection ends. */
    public void leaveAll(String reason) {
        for (Room room : session.leftAll()) {
            server.rooms().leave(room, session, session.batch(), reason, null, false);
        }
        if (session.registered()) {
            server.nicknames().release(session.nick(), session);
        }
    }

    private boolean passwordMatches(String given) {
        String expected = server.config().password();
        if (expected == null) {
            return true;
        }
        // Hashing both first gives equal lengths, so the comparison's time says nothing about the password.
        return given != null && MessageDigest.isEqual(Digest.sha256(given), Digest.sha256(expected));
    }


    /** A reason given by a client, as others will see it: one line, at most {@link #MAX_REASON_CHARS}. */
    static String cut(String reason) {
        String line = reason.replace('\n', ' ').replace('\r', ' ').strip();
        return line.length() > MAX_REASON_CHARS ? line.substring(0, MAX_REASON_CHARS) : line;
    }

    // ---- preconditions ----------------------------------------------------------------------------

    private Room memberRoom(String requested) throws Refusal {
        if (requested == null) {
            return currentRoom();
        }
        String name = room(requested);
        Room room = session.joinedRoom(name);
        if (room == null) {
            throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are not in " + name + "; join it first");
        }
        return room;
    }

    Room currentRoom() throws Refusal {
        Room current = session.currentJoinedRoom();
        if (current == null) {
            throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are in no room; join one first");
        }
        return current;
    }

    static String room(String requested) throws Refusal {
        String name = Names.canonicalRoom(requested);
        String problem = Names.roomProblem(name);
        if (problem != null) {
            throw new Refusal(ErrorCode.INVALID_ROOM, problem);
        }
        return name;
    }

    void checkNick(String nick) throws Refusal {
        String problem = Names.nickProblem(nick, server.config().maxNickChars());
        if (problem != null) {
            throw new Refusal(ErrorCode.INVALID_NICK, problem);
        }
    }

    private static void requireText(String text) throws Refusal {
        if (text.isBlank()) {
            throw new Refusal(ErrorCode.INVALID_TEXT, "text is empty");
        }
    }

    private Refusal roomFull(String room) {
        return new Refusal(ErrorCode.ROOM_FULL,
                room + " has max-members-per-room=" + server.config().maxMembersPerRoom() + " members");
    }

    private static Refusal nickTaken(String nick) {
        return new Refusal(ErrorCode.NICK_TAKEN, "nick " + nick + " is taken; choose another");
    }
}
