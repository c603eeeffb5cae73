package io.loomchat.server.irc;

import static io.loomchat.server.irc.IrcRendering.kind;
import static io.loomchat.server.irc.IrcRendering.safe;
import static io.loomchat.server.irc.IrcRendering.subject;

import io.loomchat.protocol.Event;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.Timestamps;
import io.loomchat.server.chat.Client;
import io.loomchat.server.chat.Commands;
import io.loomchat.server.chat.Room;
import io.loomchat.server.chat.Rooms;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * Accounts the IRC way, on the chat's own login and register requests: SASL PLAIN (AUTHENTICATE, IRCv3
 * sasl 3.1), {@code PASS account:password} when the server has no password of its own, and REGISTER
 * (IRCv3 draft/account-registration). Read loop only; the answers come back as the chat's events and are
 * written by {@link #rendered} and {@link #failed} (refs "irc-sasl", "irc-pass", "irc-register").
 */
final class IrcAccounts {

    /** A SASL message arrives in pieces of this many characters; a shorter piece (or "+") ends it. */
    private static final int SASL_CHUNK = 400;
    /** The longest SASL message taken: an account name and a password of the largest sizes fit easily. */
    private static final int MAX_SASL_CHARS = 4 * SASL_CHUNK;

    private final IrcFront front;
    private final Client client;
    private final Commands commands;
    private final Rooms rooms;
    private StringBuilder sasl; // the PLAIN message being received; null when no exchange is under way

    IrcAccounts(IrcFront front, Client client, Commands commands, Rooms rooms) {
        this.front = front;
        this.client = client;
        this.commands = commands;
        this.rooms = rooms;
    }

    void addTo(Map<String, IrcCommand> table) {
        table.put("AUTHENTICATE", IrcCommand.anytime(1, line -> authenticate(line.param(0))));
        table.put("REGISTER", IrcCommand.anytime(3, line -> register(line.param(0), line.param(2))));
        table.put("MARKREAD", IrcCommand.registered(1, line -> markRead(line.param(0),
                line.params().size() > 1 ? line.param(1) : null)));
    }

    /**
     * IRCv3 draft/read-marker: {@code MARKREAD #channel [timestamp=T]} moves the account's marker to the
     * newest message said at or before T (Loomchat keeps markers by message id), or asks where it is.
     * Private conversations have no markers here: their marker is always unknown ({@code *}).
     */
    private void markRead(String target, String timestamp) {
        if (!target.startsWith("#")) {
            front.send(":" + front.server() + " MARKREAD " + target + " *");
            return;
        }
        String roomName = IrcFront.room(target).toLowerCase(java.util.Locale.ROOT);
        long id = 0; // asks where it is: a marker never moves back
        if (timestamp != null) {
            Instant ts;
            try {
                ts = Instant.parse(timestamp.startsWith("timestamp=") ? timestamp.substring(10) : "");
            } catch (java.time.format.DateTimeParseException e) {
                front.send(":" + front.server() + " FAIL MARKREAD INVALID_PARAMS " + target + " :timestamp=YYYY-MM-DDThh:mm:ss.sssZ");
                return;
            }
            Room room = rooms.find(roomName);
            id = room == null ? 0 : room.kept(kept -> kept.idAtOrBefore(ts));
        }
        commands.handle(new Request.MarkRead(roomName, id, IrcFront.ref("markread", target)));
    }

    /** A read marker as draft/read-marker says it: the time of the marked message, {@code *} when unknown. */
    static String marker(Event.Read r, String server, Rooms rooms) {
        Room room = rooms.find(r.room());
        Instant ts = room == null || r.id() == 0 ? null : room.kept(kept -> kept.tsOf(r.id()));
        return ":" + server + " MARKREAD #" + r.room() + " " + (ts == null ? "*" : "timestamp=" + Timestamps.format(ts)) + "\r\n";
    }

    private void authenticate(String param) {
        if (param.equals("*")) {
            sasl = null;
            front.reply("906", ":SASL authentication aborted");
        } else if (client.account() != null) {
            front.reply("907", ":You have already authenticated using SASL");
        } else if (sasl == null) {
            if (param.equalsIgnoreCase("PLAIN")) {
                sasl = new StringBuilder();
                front.send("AUTHENTICATE +");
            } else {
                front.reply("908", "PLAIN :are available SASL mechanisms");
                front.reply("904", ":SASL authentication failed");
            }
        } else if (sasl.length() + param.length() > MAX_SASL_CHARS) {
            sasl = null;
            front.reply("905", ":SASL message too long");
        } else {
            if (!param.equals("+")) {
                sasl.append(param);
            }
            if (param.length() < SASL_CHUNK) {
                String message = sasl.toString();
                sasl = null;
                plain(message);
            }
        }
    }

    /** RFC 4616: authzid NUL authcid NUL password, in Base64; the authzid is empty or the authcid. */
    private void plain(String base64) {
        String[] parts;
        try {
            parts = new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8).split("\0", -1);
        } catch (IllegalArgumentException e) {
            parts = new String[0];
        }
        if (parts.length != 3 || parts[1].isEmpty() || !(parts[0].isEmpty() || parts[0].equals(parts[1]))) {
            front.reply("904", ":SASL authentication failed (not a PLAIN message)");
            return;
        }
        commands.handle(new Request.Login(new Request.Credentials(parts[1], parts[2]), IrcFront.ref("sasl", parts[1])));
    }

    /** PASS account:password, on a server without a password of its own: a login before the hello. */
    void pass(String password) {
        int colon = password.indexOf(':');
        if (colon > 0 && client.account() == null) {
            String account = password.substring(0, colon);
            commands.handle(new Request.Login(new Request.Credentials(account, password.substring(colon + 1)),
                    IrcFront.ref("pass", account)));
        }
    }

    private void register(String account, String password) {
        String name = account.equals("*") ? (client.nick() != null ? client.nick() : front.wantedNick()) : account;
        if (name == null) {
            front.send(":" + front.server() + " FAIL REGISTER NEED_NICK * :send NICK first, or name the account");
            return;
        }
        commands.handle(new Request.Register(client.registered() && account.equals("*") ? null : name, password,
                IrcFront.ref("register", name)));
    }

    /** An account event as IRC says it: 900 (and 903 after SASL, REGISTER SUCCESS after REGISTER), or 901. */
    static String rendered(Event.Account a, String me, String server) {
        String mask = me + "!" + me + "@loomchat";
        if (a.account() == null) {
            return ":" + server + " 901 " + me + " " + mask + " :You are now logged out (your account was dropped)\r\n";
        }
        String loggedIn = ":" + server + " 900 " + me + " " + mask + " " + a.account() + " :You are now logged in as "
                + a.account() + "\r\n";
        return switch (kind(a.ref())) {
            case "sasl" -> loggedIn + ":" + server + " 903 " + me + " :SASL authentication successful\r\n";
            case "register" -> ":" + server + " REGISTER SUCCESS " + a.account() + " :Account created\r\n" + loggedIn;
            default -> loggedIn;
        };
    }

    /** An error about a login or a registration made here; null if the error is about something else. */
    static String failed(Event.ErrorReply e, String me, String server) {
        String message = safe(e.message());
        return switch (kind(e.ref())) {
            case "sasl" -> e.code().equals("already_logged_in") ? ":" + server + " 907 " + me + " :" + message + "\r\n"
                    : ":" + server + " 904 " + me + " :SASL authentication failed (" + message + ")\r\n";
            case "pass" -> ":" + server + " 464 " + me + " :Password incorrect (" + message + ")\r\n";
            case "markread" -> ":" + server + " FAIL MARKREAD " + (e.code().equals("not_logged_in") ? "ACCOUNT_REQUIRED"
                    : "INVALID_PARAMS") + " " + subject(e.ref()) + " :" + message + "\r\n";
            case "register" -> ":" + server + " FAIL REGISTER " + registerCode(e.code()) + " " + subject(e.ref()) + " :"
                    + message + "\r\n";
            default -> null;
        };
    }

    /** Loomchat's error codes as draft/account-registration's. */
    private static String registerCode(String code) {
        return switch (code) {
            case "account_exists" -> "ACCOUNT_EXISTS";
            case "weak_password" -> "WEAK_PASSWORD";
            case "invalid_nick" -> "BAD_ACCOUNT_NAME";
            case "already_logged_in" -> "ALREADY_AUTHENTICATED";
            case "missing_field" -> "NEED_NICK";
            default -> "TEMPORARILY_UNAVAILABLE";
        };
    }

}
