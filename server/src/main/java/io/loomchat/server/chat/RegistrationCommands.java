package io.loomchat.server.chat;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.Renamed;
import io.loomchat.protocol.Event.Welcome;
import io.loomchat.protocol.Names;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.Request.Hello;
import io.loomchat.protocol.Request.Nick;
import io.loomchat.protocol.Request.Quit;
import io.loomchat.server.delivery.CloseReason;
import io.loomchat.server.delivery.Member;
import io.loomchat.server.guard.Digest;
import io.loomchat.server.guard.Moderation;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Who a client is: registering with hello (server password, nick rules and bans, resuming an earlier
 * connection), changing nick, saying it is away, and quitting. Run by the client's own read loop.
 */
final class RegistrationCommands {

    /** How long a resuming client waits for its ghost connection to let go of the nick. */
    static final Duration RESUME_WAIT = Duration.ofSeconds(5);

    private final Client client;
    private final ChatContext chat;
    private final Commands commands; // the shared preconditions
    private final RoomCommands rooms;
    private final AccountCommands accounts;

    RegistrationCommands(Client client, ChatContext chat, Commands commands, RoomCommands rooms, AccountCommands accounts) {
        this.client = client;
        this.chat = chat;
        this.commands = commands;
        this.rooms = rooms;
        this.accounts = accounts;
    }

    void hello(Hello r) throws Refusal {
        if (client.registered()) {
            throw new Refusal(ErrorCode.ALREADY_REGISTERED, "already registered as " + client.nick());
        }
        if (!passwordMatches(r.password())) {
            boolean missing = r.password() == null || r.password().isBlank();
            // Said in the user's terms: the person on nc, or the terminal client's option.
            client.disconnect(CloseReason.BAD_PASSWORD, !missing ? "the password is wrong"
                    : client.device().typedByHand() ? "this server needs a password: type your nick and the password on one line"
                    : "this server needs a password (terminal client: --password-file FILE)");
            return;
        }
        commands.checkNick(r.nick());
        if (r.login() != null) {
            accounts.logIn(r.login());
        }
        accounts.checkAllowedIn();
        String nick = client.account() != null ? client.account() : r.nick(); // an account's nick is its name
        accounts.checkReserved(nick);
        Moderation.Sanction banned = chat.moderation().banOf(nick);
        if (banned != null) {
            client.disconnect(CloseReason.BANNED, "the nick " + nick + " is banned "
                    + chat.moderation().left(banned) + (banned.reason() == null ? "" : ": " + banned.reason()));
            return;
        }
        String room = r.room() == null ? chat.config().defaultRoom() : Commands.room(r.room());
        if (r.resume() != null) {
            resume(nick, r.resume());
        }
        String token = client.newResumeToken(); // first: in a cluster the nick's claim carries it
        if (joinedAccount(token, r)) {
            return;
        }
        if (!claimed(() -> chat.nicknames().claim(nick, client, token, r.resume()))) {
            if (joinedAccount(token, r)) { // the account's first connection claimed it just now
                return;
            }
            throw Commands.nickTaken(nick);
        }
        client.send(new Welcome(nick, Codec.PROTOCOL_VERSION, chat.config().serverName(), room,
                token, chat.epoch(), client.account(), r.ref()));
        rooms.enter(room, null, r.replay());
        commands.alwaysOn().deliverWaiting();
    }

    /**
     * Makes this client one more connection of its account's person, if that person is here: it takes the
     * person's nick, whatever the hello asked, and hears of each of the person's rooms what a joiner hears
     * (the join, the topic, the history), the person's current room last. False if the account has no
     * person here (or it is leaving): the client claims a nick instead.
     */
    private boolean joinedAccount(String token, Hello r) throws Refusal {
        Person person = client.account() == null ? null : chat.nicknames().personOf(client.account());
        if (person == null) {
            return false;
        }
        int max = chat.config().maxDevicesPerAccount();
        Refusal[] refused = {null};
        boolean[] joined = {false};
        person.inTurn(() -> {
            if (person.gone()) {
                return;
            }
            if (person.devices().size() >= max) {
                refused[0] = new Refusal(ErrorCode.TOO_MANY_DEVICES, "the account " + person.account() + " is "
                        + "connected from max-devices-per-account=" + max + " clients already");
                return;
            }
            String current = person.rooms().currentName();
            client.send(new Welcome(person.nick(), Codec.PROTOCOL_VERSION, chat.config().serverName(), current,
                    token, chat.epoch(), person.account(), r.ref())); // before any line of the person's reaches it
            chat.nicknames().attach(person, client);
            catchUp(person, r.replay());
            joined[0] = true;
        });
        if (refused[0] != null) {
            throw refused[0];
        }
        return joined[0];
    }

    /**
     * A client back on a new connection: if its nick is still held by its own earlier connection (the server
     * has not yet noticed that connection died), that ghost is ended and its acknowledged refs carried
     * over. If the server noticed first and that connection is gone, the acknowledgements it left under the
     * token are taken instead (see {@link Resumptions}). A wrong or stale token changes nothing: the nick is
     * then simply taken, or free.
     */
    private void resume(String nick, String token) throws Refusal {
        Person holder = chat.nicknames().find(nick);
        if (holder == null) {
            // Gone before the client came back: what it left behind, if the token is its own.
            client.resume().inherit(chat.resumptions().take(token, nick));
            return;
        }
        Client ghost = null;
        for (Client device : holder.devices()) {
            ghost = device != client && device.resumableWith(token) ? device : ghost;
        }
        if (ghost == null) {
            return;
        }
        try {
            client.resume().inherit(ghost.handOver(RESUME_WAIT));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Commands.nickTaken(nick);
        }
    }

    private interface Claim {
        boolean run() throws IOException;
    }

    /** A nick claim; in a cluster, the shared ledger may be out of reach: then nothing was claimed. */
    private static boolean claimed(Claim claim) throws Refusal {
        try {
            return claim.run();
        } catch (IOException e) {
            throw new Refusal(ErrorCode.UNAVAILABLE, "the cluster cannot confirm the nick now (" + e.getMessage()
                    + "); try again in a moment");
        }
    }

    boolean passwordMatches(String given) {
        String expected = chat.config().password();
        if (expected == null) {
            return true;
        }
        // Hashing both first gives equal lengths, so the comparison's time says nothing about the password.
        return given != null && MessageDigest.isEqual(Digest.sha256(given), Digest.sha256(expected));
    }

    void nick(Nick r) throws Refusal {
        commands.checkNick(r.nick());
        String old = client.nick();
        if (old.equals(r.nick())) {
            throw new Refusal(ErrorCode.INVALID_NICK, "you are already " + old);
        }
        if (client.account() != null) {
            throw new Refusal(ErrorCode.INVALID_NICK, "an account's nick is its name, " + client.account()
                    + ": on every device, and while away");
        }
        rename(old, r.nick(), r.ref());
    }

    /** The person's nick becomes {@code newNick}, and everyone sharing a room with it hears it once. */
    private void rename(String old, String newNick, String ref) throws Refusal {
        Nick r = new Nick(newNick, ref);
        accounts.checkReserved(r.nick());
        Moderation.Sanction banned = chat.moderation().banOf(r.nick());
        if (banned != null) {
            throw new Refusal(ErrorCode.NICK_BANNED, "the nick " + r.nick() + " is banned " + chat.moderation().left(banned));
        }
        if (!claimed(() -> chat.nicknames().rename(old, r.nick(), client))) {
            throw Commands.nickTaken(r.nick());
        }
        chat.moderation().renamed(old, r.nick()); // a mute follows the person, not the name
        // Everyone who shares a room hears it once, however many rooms they share.
        Set<Member> audience = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Room room : client.rooms().all()) {
            audience.addAll(room.members());
        }
        Person person = client.person();
        audience.remove(person);
        Renamed renamed = new Renamed(old, r.nick(), chat.clock().instant(), null);
        byte[] line = Codec.encode(renamed);
        for (Member member : audience) {
            member.deliver(renamed, line, client.batch());
        }
        chat.elsewhere().announceRename(renamed, client.rooms().names()); // and those on other nodes
        Renamed own = new Renamed(old, r.nick(), renamed.ts(), r.ref());
        person.deliverOwn(client, own, null, renamed, line, client.batch(), client.batch()); // every device of ours
    }

    void away(Request.Away r) throws Refusal {
        String reason = r.reason() == null || r.reason().isBlank() ? null : r.reason().strip();
        if (reason != null && reason.length() > Commands.MAX_REASON_CHARS) {
            throw new Refusal(ErrorCode.INVALID_TEXT, "an away reason is at most " + Commands.MAX_REASON_CHARS + " characters");
        }
        Person person = client.person();
        person.setAway(reason);
        Event.Away told = new Event.Away(client.nick(), reason, null);
        person.deliverOwn(client, new Event.Away(client.nick(), reason, r.ref()), null, told, null, client.batch(),
                client.batch()); // every device of ours
        // IRC clients that asked for away-notify hear it from everyone sharing a room with them; the
        // protocol's own clients see away marks in who, as before.
        Event.Away notice = new Event.Away(client.nick(), reason, AWAY_NOTIFY);
        Set<Member> heard = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Room room : client.rooms().all()) {
            for (Member member : room.members()) {
                if (member != person && member instanceof Person other && heard.add(other)) {
                    for (Client device : other.devices()) {
                        if (device.wantsAwayNotify()) {
                            device.deliver(notice, null, client.batch());
                        }
                    }
                }
            }
        }
    }

    /**
     * After hello, this guest logged in to {@code account}: it becomes the account. If the account is here
     * already (on other devices, or away in its rooms), this connection joins it and the guest goes: its
     * rooms are left, and this connection hears its nick become the account's, then what a joiner hears of
     * each of the account's rooms. Otherwise the guest is the account from now on, under its name if that
     * nick is free.
     */
    void loggedInAfterHello(String account) throws Refusal {
        Person guest = client.person();
        Person theirs = chat.nicknames().personOf(account);
        if (theirs == null && chat.nicknames().loggedIn(guest, account)) {
            accounts.keepRooms(guest);
            if (!Names.skeleton(guest.nick()).equals(Names.skeleton(account))) {
                try {
                    rename(guest.nick(), account, null);
                } catch (Refusal held) {
                    // someone held the name before it was registered: the nick stays until they leave
                }
            }
            return;
        }
        if (theirs == null || theirs.devices().size() >= chat.config().maxDevicesPerAccount()) {
            throw new Refusal(ErrorCode.TOO_MANY_DEVICES, "the account " + account + " is connected from "
                    + "max-devices-per-account=" + chat.config().maxDevicesPerAccount() + " clients already");
        }
        String old = guest.nick();
        for (Room room : guest.rooms().leftAll()) {
            chat.rooms().leave(room, guest, client.batch(), "logged in as " + account, null, true);
        }
        guest.detach(client);
        chat.nicknames().release(guest);
        theirs.inTurn(() -> {
            client.send(new Renamed(old, theirs.nick(), chat.clock().instant(), null));
            chat.nicknames().attach(theirs, client);
            catchUp(theirs, Request.Replay.DEFAULT);
        });
    }

    /** Each of {@code person}'s rooms as a joiner hears it, since the account's marker; then what waited. */
    private void catchUp(Person person, Request.Replay asked) {
        String current = person.rooms().currentName();
        AlwaysOnCommands alwaysOn = commands.alwaysOn();
        for (Room room : person.rooms().all()) {
            chat.rooms().join(room.name(), client, client.batch(), null,
                    alwaysOn.sinceMarker(room, room.name().equals(current) ? asked : Request.Replay.DEFAULT));
            alwaysOn.tellMarker(room);
        }
        alwaysOn.deliverWaiting();
    }

    /** The ref that marks an away change told to IRC clients with away-notify (see IrcRendering). */
    public static final String AWAY_NOTIFY = "irc-awaynotify";

    void quit(Quit r) {
        String said = r.reason() == null ? null : Commands.cut(r.reason());
        String reason = said == null || said.isBlank() ? "quit" : "quit: " + said;
        Person person = client.person();
        if (person != null && person.detach(client)) { // now, not when the connection is closed: nothing more reaches it
            commands.leaveAll(reason); // a guest's last connection; else the person stays, elsewhere or as an account
        }
        client.disconnect(CloseReason.QUIT, said);
    }
}
