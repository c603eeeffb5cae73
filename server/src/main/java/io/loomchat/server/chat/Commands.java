package io.loomchat.server.chat;

import io.loomchat.server.ChatServer;
import io.loomchat.server.connection.Session;

import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event.ErrorReply;
import io.loomchat.protocol.Event.Pong;
import io.loomchat.protocol.Input;
import io.loomchat.protocol.Names;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.Request.Hello;
import io.loomchat.protocol.Request.Ping;
import io.loomchat.protocol.Request.Quit;
import io.loomchat.protocol.Request.Say;
import io.loomchat.protocol.TextRenderer;

/**
 * Where a session's decoded requests are carried out: one entry for JSON requests ({@link #handle}) and
 * one for a person's typed lines ({@link #handleText}). Preconditions (registered, member of the room)
 * are checked here, once; the work is done by one class per feature: {@link RegistrationCommands},
 * {@link MessageCommands}, {@link RoomCommands} and {@link OperatorCommands}. A refused request gets an
 * {@code error} that echoes its ref, and nothing else happens.
 */
public final class Commands {

    /** A reason given by a client (quit, kick) is shown to a whole room: a sentence, not a payload. */
    public static final int MAX_REASON_CHARS = 200;

    private final Session session;
    private final ChatServer server;
    private final RoomCommands rooms;
    private final MessageCommands messages;
    private final RegistrationCommands registration;
    private final OperatorCommands operators;

    public Commands(Session session) {
        this.session = session;
        this.server = session.server();
        this.rooms = new RoomCommands(session, this);
        this.messages = new MessageCommands(session, this);
        this.registration = new RegistrationCommands(session, this, rooms);
        this.operators = new OperatorCommands(session, this);
    }

    public void handle(Request request) {
        session.rooms().applyKicks();
        try {
            if (!session.registered() && !(request instanceof Hello || request instanceof Ping
                    || request instanceof Request.Pong || request instanceof Quit)) {
                throw new Refusal(ErrorCode.NOT_REGISTERED,
                        "send hello first, e.g. {\"type\":\"hello\",\"nick\":\"alice\"}");
            }
            switch (request) {
                case Hello r -> registration.hello(r);
                case Request.Nick r -> registration.nick(r);
                case Request.Away r -> registration.away(r);
                case Quit r -> registration.quit(r);
                case Say r -> messages.say(r);
                case Request.Msg r -> messages.msg(r);
                case Request.Join r -> rooms.join(r);
                case Request.Leave r -> rooms.leave(r);
                case Request.Who r -> rooms.who(r);
                case Request.Topic r -> rooms.topic(r);
                case Request.History r -> rooms.history(r);
                case Request.ListRooms r -> rooms.list(r);
                case Ping r -> session.send(new Pong(r.ref()));
                case Request.Pong r -> {
                    // the answer to our keep-alive ping: receiving it was the point
                }
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

    /** Leaves every room, telling the others why, and frees the nick. On quit and when the connection ends. */
    public void leaveAll(String reason) {
        for (Room room : session.rooms().leftAll()) {
            server.rooms().leave(room, session, session.batch(), reason, null, false);
        }
        if (session.registered()) {
            server.nicknames().release(session.nick(), session);
        }
    }

    // ---- preconditions, shared by the feature classes ----------------------------------------------

    /** A reason given by a client, as others will see it: one line, at most {@link #MAX_REASON_CHARS}. */
    static String cut(String reason) {
        String line = reason.replace('\n', ' ').replace('\r', ' ').strip();
        return line.length() > MAX_REASON_CHARS ? line.substring(0, MAX_REASON_CHARS) : line;
    }

    /** The room named in a request (the current one if none), which this client must be in. */
    Room memberRoom(String requested) throws Refusal {
        if (requested == null) {
            return currentRoom();
        }
        String name = room(requested);
        Room room = session.rooms().get(name);
        if (room == null) {
            throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are not in " + name + "; join it first");
        }
        return room;
    }

    Room currentRoom() throws Refusal {
        Room current = session.rooms().current();
        if (current == null) {
            throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are in no room; join one first");
        }
        return current;
    }

    /** A room name as the server keys it, or a refusal saying what is wrong with it. */
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

    static Refusal nickTaken(String nick) {
        return new Refusal(ErrorCode.NICK_TAKEN, "nick " + nick + " is taken; choose another");
    }
}
