package io.loomchat.server.chat;

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
import io.loomchat.server.delivery.CloseReason;
import io.loomchat.server.delivery.DeliveryBatch;

/**
 * Where a client's decoded requests are carried out: one entry for JSON requests ({@link #handle}) and
 * one for a person's typed lines ({@link #handleText}). Preconditions (registered, member of the room)
 * are checked here, once; the work is done by one class per feature: {@link RegistrationCommands},
 * {@link MessageCommands}, {@link RoomCommands} and {@link OperatorCommands}. A refused request gets an
 * {@code error} that echoes its ref, and nothing else happens.
 */
public final class Commands {

    /** A reason given by a client (quit, kick) is shown to a whole room: a sentence, not a payload. */
    public static final int MAX_REASON_CHARS = 200;

    private final Client client;
    private final ChatContext chat;
    private final RoomCommands rooms;
    private final MessageCommands messages;
    private final RegistrationCommands registration;
    private final OperatorCommands operators;
    private final AccountCommands accounts;
    private final AlwaysOnCommands alwaysOn;

    public Commands(Client client, ChatContext chat) {
        this.client = client;
        this.chat = chat;
        this.rooms = new RoomCommands(client, chat, this);
        this.messages = new MessageCommands(client, chat, this);
        this.accounts = new AccountCommands(client, chat, this);
        this.alwaysOn = new AlwaysOnCommands(client, chat, this);
        this.registration = new RegistrationCommands(client, chat, this, rooms, accounts);
        this.operators = new OperatorCommands(client, chat, this);
    }

    /** Carries out {@code request}, in the person's turn once the client is someone: one device at a time. */
    public void handle(Request request) {
        Person person = client.person();
        if (person == null) {
            carryOut(request);
            return;
        }
        person.takeTurn(); // every request: the lock without a lambda to allocate
        try {
            carryOut(request);
        } finally {
            person.endTurn();
        }
    }

    private void carryOut(Request request) {
        client.rooms().applyKicks();
        try {
            if (!client.registered() && !(request instanceof Hello || request instanceof Ping
                    || request instanceof Request.Pong || request instanceof Quit || request instanceof Request.Login
                    || request instanceof Request.Register)) {
                throw new Refusal(ErrorCode.NOT_REGISTERED,
                        "send hello first, e.g. {\"type\":\"hello\",\"nick\":\"alice\"}");
            }
            if ((request instanceof Request.Login || request instanceof Request.Register) && !client.gaveServerPassword()
                    && chat.config().password() != null) {
                throw new Refusal(ErrorCode.NOT_REGISTERED, "this server has a password: give it first (in the hello, "
                        + "beside account and account_password; IRC: PASS before AUTHENTICATE), or register after hello");
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
                case Ping r -> client.send(new Pong(r.ref()));
                case Request.Pong r -> {
                    // the answer to our keep-alive ping: receiving it was the point
                }
                case Request.Oper r -> operators.oper(r);
                case Request.Kick r -> operators.kick(r);
                case Request.Ban r -> operators.ban(r);
                case Request.Unban r -> operators.unban(r);
                case Request.Mute r -> operators.mute(r);
                case Request.Unmute r -> operators.unmute(r);
                case Request.Login r -> accounts.login(r);
                case Request.Register r -> accounts.register(r);
                case Request.ChangePassword r -> accounts.changePassword(r);
                case Request.MarkRead r -> alwaysOn.markRead(r);
                case Request.DropAccount r -> {
                    operators.requireOperator();
                    accounts.drop(r);
                }
            }
        } catch (Refusal refusal) {
            client.send(new ErrorReply(refusal.code, refusal.getMessage(), request.ref()));
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
            case Input.ShowHelp h -> TextRenderer.help().forEach(client::sendText);
            case Input.Problem p -> client.sendText(TextRenderer.ERROR + " " + p.message());
            case Input.Send s when !client.registered() && s.request() instanceof Request.Login login -> {
                // nc has no other way to log in and pick a nick: the account's name is the nick.
                handle(login);
                if (client.account() != null) {
                    handle(new Hello(client.account(), null, null));
                }
            }
            case Input.Send s when !client.registered() && s.request() instanceof Request.Register r
                    && r.account() == null ->
                    client.sendText(TextRenderer.ERROR + " type your nick first, then /register PASSWORD");
            case Input.Send s when !client.registered() && s.request() instanceof Request.Nick n ->
                    handle(new Hello(n.nick(), null, null));
            case Input.Send s when !client.registered() && s.request() instanceof Say say
                    && chat.config().password() != null -> {
                // "NICK PASSWORD" on one line: nc has no other way to send both before registering.
                String[] words = say.text().strip().split("\\s+", 2);
                handle(new Hello(words[0], null, Request.Replay.DEFAULT, null, words.length > 1 ? words[1] : "", null));
            }
            case Input.Send s when !client.registered() && s.request() instanceof Say say
                    && Names.nickProblem(say.text().strip(), chat.config().maxNickChars()) == null ->
                    handle(new Hello(say.text().strip(), null, null));
            case Input.Send s when !client.registered() && !(s.request() instanceof Quit) ->
                    client.sendText(TextRenderer.ERROR + " type your nick first (letters, digits, _ and -), or /nick NAME");
            case Input.Send s -> handle(s.request());
        }
    }

    /**
     * The connection ended for {@code reason}: what it was acknowledged is kept for a resume (unless it quit
     * or a successor took it over), every room left, the nick freed, and a successor waiting goes on.
     */
    public void ended(CloseReason reason) {
        String token = client.resumeToken();
        if (token != null && !client.resume().handedOver() && reason != CloseReason.QUIT) {
            // The client may come back after we noticed it was gone: leave it what it was acknowledged.
            // Before the nick is freed, so that a returning client finds it either held or left here.
            chat.resumptions().keep(token, client.nick(), client.resume().allAcks());
        }
        Person person = client.person();
        if (person != null) {
            person.inTurn(() -> {
                if (person.detach(client)) { // its last connection: the person leaves
                    leaveAll(reason == CloseReason.QUIT ? "quit" : reason.code());
                }
            });
        }
        client.released();
    }

    /** Leaves every room, telling the others why, and frees the nick. When a guest's last connection ends. */
    void leaveAll(String reason) {
        Person person = client.person();
        if (person != null) {
            depart(chat, person, client.batch(), reason);
        }
    }

    /**
     * The server's password, as IRC's PASS gives it before anything else: if it is right, a login or a
     * registration may come before the hello. Returns whether it is right (true when there is none).
     */
    public boolean offerServerPassword(String given) {
        if (!registration.passwordMatches(given)) {
            return false;
        }
        client.serverPasswordGiven();
        return true;
    }

    /** {@code person} leaves every room, telling the others why, and its nick is free; in its turn. */
    static void depart(ChatContext chat, Person person, DeliveryBatch batch, String reason) {
        for (Room room : person.rooms().leftAll()) {
            chat.rooms().leave(room, person, batch, reason, null, false);
        }
        chat.nicknames().release(person);
    }

    /**
     * At start: every account back in the rooms it was in, with no client connected yet (shown offline).
     * Returns how many.
     */
    public static int restoreAccounts(ChatContext chat, DeliveryBatch batch) {
        return AlwaysOnCommands.restore(chat, batch);
    }

    /** Registration, nicks and away: what becoming an account after hello goes through. */
    RegistrationCommands registration() {
        return registration;
    }

    /** What keeps an account in the chat while it is away. */
    AlwaysOnCommands alwaysOn() {
        return alwaysOn;
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
        Room room = client.rooms().get(name);
        if (room == null) {
            throw new Refusal(ErrorCode.NOT_IN_ROOM, "you are not in " + name + "; join it first");
        }
        return room;
    }

    Room currentRoom() throws Refusal {
        Room current = client.rooms().current();
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
        String problem = Names.nickProblem(nick, chat.config().maxNickChars());
        if (problem != null) {
            throw new Refusal(ErrorCode.INVALID_NICK, problem);
        }
    }

    static Refusal nickTaken(String nick) {
        return new Refusal(ErrorCode.NICK_TAKEN, "nick " + nick + " is taken; choose another");
    }
}
