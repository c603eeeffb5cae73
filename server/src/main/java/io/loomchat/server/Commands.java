package io.loomchat.server;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The chat commands, one method per request type, run by a session's read loop. Preconditions (registered,
 * member of the room) are checked once, in {@link #handle}; a refused request gets an {@code error} that
 * echoes its ref, and nothing else happens.
 */
final class Commands {

    private final Session session;
    private final ChatServer server;

    Commands(Session session) {
        this.session = session;
        this.server = session.server();
    }

    void handle(Request request) {
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
                case ListRooms r -> session.send(new RoomList(server.rooms().list(), r.ref()));
                case Ping r -> session.send(new Pong(r.ref()));
                case Request.Pong r -> {
                    // the answer to our keep-alive ping: receiving it was the point
                }
                case Quit r -> quit(r);
            }
        } catch (Refusal refusal) {
            session.send(new ErrorReply(refusal.code, refusal.getMessage(), request.ref()));
        }
    }

    /**
     * A line from a text-mode client (a person on nc or telnet), parsed like the terminal client's input.
     * Before registering, the first word is taken as the nick.
     */
    void handleText(String line) {
        Input.Action action = Input.parse(line, null, null);
        switch (action) {
            case Input.Nothing n -> {
            }
            case Input.ShowHelp h -> {
                session.sendText(TextRenderer.NOTICE + " commands (anything else is said to the current room):");
                for (Input.Command c : Input.COMMANDS) {
                    session.sendText(String.format("    %-16s %s", c.usage(), c.summary()));
                }
            }
            case Input.Problem p -> session.sendText(TextRenderer.ERROR + " " + p.message());
            case Input.Send s when !session.registered() && s.request() instanceof Request.Nick n ->
                    handle(new Hello(n.nick(), null, null));
            case Input.Send s when !session.registered() && s.request() instanceof Say say
                    && Names.nickProblem(say.text().strip()) == null -> handle(new Hello(say.text().strip(), null, null));
            case Input.Send s when !session.registered() && !(s.request() instanceof Quit) ->
                    session.sendText(TextRenderer.ERROR + " type your nick first (letters, digits, _ and -), or /nick NAME");
            case Input.Send s -> handle(s.request());
        }
    }

    private void hello(Hello r) throws Refusal {
        if (session.registered()) {
            throw new Refusal(ErrorCode.ALREADY_REGISTERED, "already registered as " + session.nick());
        }
        checkNick(r.nick());
        String room = r.room() == null ? server.config().defaultRoom() : room(r.room());
        if (!server.nicknames().claim(r.nick(), session)) {
            throw nickTaken(r.nick());
        }
        session.setNick(r.nick());
        session.send(new Welcome(r.nick(), Codec.PROTOCOL_VERSION, server.config().serverName(), room, r.ref()));
        Room joined = server.rooms().join(room, session, null);
        if (joined == null) {
            throw roomFull(room); // registered all the same; the client may join another room
        }
        session.rooms.put(room, joined);
        session.roomsChanged();
    }

    private void say(Say r) throws Refusal {
        requireText(r.text());
        memberRoom(r.room()).say(session, r.text(), r.action(), r.ref());
    }

    private void msg(Msg r) throws Refusal {
        requireText(r.text());
        Session target = server.nicknames().find(r.to());
        if (target == null) {
            throw new Refusal(ErrorCode.NO_SUCH_NICK, "no one is called " + r.to());
        }
        PrivateMessage message = new PrivateMessage(session.nick(), target.nick(), r.text(), r.action(),
                server.clock().instant(), null);
        if (target != session) {
            target.deliver(message, target.textMode() ? null : Codec.encode(message), session);
        }
        session.send(new PrivateMessage(message.from(), message.to(), message.text(), message.action(),
                message.ts(), r.ref()));
    }

    private void join(Join r) throws Refusal {
        String name = room(r.room());
        if (session.rooms.containsKey(name)) {
            throw new Refusal(ErrorCode.ALREADY_IN_ROOM, "already in " + name);
        }
        int maxRooms = server.config().maxRoomsPerClient();
        if (session.rooms.size() >= maxRooms) {
            throw new Refusal(ErrorCode.TOO_MANY_ROOMS,
                    "you are in max-rooms-per-client=" + maxRooms + " rooms; leave one first");
        }
        Room joined = server.rooms().join(name, session, r.ref());
        if (joined == null) {
            throw roomFull(name);
        }
        session.rooms.put(name, joined);
        session.roomsChanged();
    }

    private void leave(Leave r) throws Refusal {
        Room room = memberRoom(r.room());
        session.rooms.remove(room.name());
        session.roomsChanged();
        server.rooms().leave(room, session, "leave", r.ref(), true);
    }

    private void nick(Nick r) throws Refusal {
        checkNick(r.nick());
        String old = session.nick();
        if (old.equals(r.nick())) {
            throw new Refusal(ErrorCode.INVALID_NICK, "you are already " + old);
        }
        if (!server.nicknames().rename(old, r.nick(), session)) {
            throw nickTaken(r.nick());
        }
        session.setNick(r.nick());
        // Everyone who shares a room hears it once, however many rooms they share.
        Set<Session> audience = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Room room : session.rooms.values()) {
            audience.addAll(room.members());
        }
        audience.remove(session);
        Renamed renamed = new Renamed(old, r.nick(), server.clock().instant(), null);
        byte[] line = Codec.encode(renamed);
        for (Session member : audience) {
            member.deliver(renamed, line, session);
        }
        session.send(new Renamed(old, r.nick(), renamed.ts(), r.ref()));
    }

    private void who(Who r) throws Refusal {
        String name = r.room() == null ? currentRoom().name() : room(r.room());
        Room room = server.rooms().find(name);
        if (room == null) {
            throw new Refusal(ErrorCode.NO_SUCH_ROOM, "no room called " + name);
        }
        session.send(new Members(name, room.nicks(), r.ref()));
    }

    /** A quit reason is shown to a whole room: a sentence, not a payload. */
    static final int MAX_REASON_CHARS = 200;

    private void quit(Quit r) {
        String said = r.reason() == null ? null
                : r.reason().length() > MAX_REASON_CHARS ? r.reason().substring(0, MAX_REASON_CHARS) : r.reason();
        String reason = said == null || said.isBlank() ? "quit" : "quit: " + said;
        leaveAll(reason);
        session.disconnect(CloseReason.QUIT, said);
    }

    /** Leaves every room, telling the others why. Called on quit and when the connection ends. */
    void leaveAll(String reason) {
        List<Room> joined = new ArrayList<>(session.rooms.values());
        session.rooms.clear();
        session.roomsChanged();
        for (Room room : joined) {
            server.rooms().leave(room, session, reason, null, false);
        }
        if (session.registered()) {
            server.nicknames().release(session.nick(), session);
        }
    }

    // ---- preconditions ----------------------------------------------------------------------------

    private Room memberRoom(String requested) throws Refusal {
        if (requested == null) {
            return currentRoom();
        }
        String name = room(requested);
        Room room = session.rooms.get(name);
        if (room == null) {
            throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are not in " + name + "; join it first");
        }
        return room;
    }

    private Room currentRoom() throws Refusal {
        Room current = null;
        for (Room room : session.rooms.values()) {
            current = room; // the most recently joined
        }
        if (current == null) {
            throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are in no room; join one first");
        }
        return current;
    }

    private static String room(String requested) throws Refusal {
        String name = Names.canonicalRoom(requested);
        String problem = Names.roomProblem(name);
        if (problem != null) {
            throw new Refusal(ErrorCode.INVALID_ROOM, problem);
        }
        return name;
    }

    private static void checkNick(String nick) throws Refusal {
        String problem = Names.nickProblem(nick);
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

    /** A request that cannot be carried out; it becomes an error reply. Cheap: no stack trace. */
    private static final class Refusal extends Exception {
        private final ErrorCode code;

        Refusal(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
