package io.loomchat.server.irc;

import static io.loomchat.server.irc.IrcRendering.channelOf;
import static io.loomchat.server.irc.IrcRendering.kind;
import static io.loomchat.server.irc.IrcRendering.lines;
import static io.loomchat.server.irc.IrcRendering.safe;
import static io.loomchat.server.irc.IrcRendering.subject;

import io.loomchat.protocol.Event;
import io.loomchat.server.chat.Rooms;

/**
 * An error reply as IRC says it: the request's ref tells what the error was for (a JOIN, a KICK, a NAMES),
 * which picks the numeric an IRC client expects; errors without one go out as a NOTICE. Keeps no state.
 */
final class IrcErrors {

    private final String server;
    private final Rooms rooms;

    IrcErrors(String server, Rooms rooms) {
        this.server = server;
        this.rooms = rooms;
    }

    /** Loomchat's error codes as the numerics IRC clients know; the rest as a NOTICE. */
    String render(Event.ErrorReply e, String me) {
        String kind = kind(e.ref());
        String subject = subject(e.ref());
        String about = channelOf(subject); // a KICK's subject is "#channel!nick"
        String nickAbout = subject.contains("!") ? subject.substring(subject.indexOf('!') + 1) : subject;
        String message = safe(e.message());
        switch (kind) {
            case "notice" -> {
                return null; // a NOTICE gets no automatic answer, an error neither
            }
            case "history" -> {
                return ":" + server + " FAIL CHATHISTORY MESSAGE_ERROR * :" + message + "\r\n";
            }
            case "names" -> {
                return numeric("366", me, about + " :End of /NAMES list");
            }
            case "who" -> {
                return numeric("315", me, about + " :End of /WHO list");
            }
            case "sasl", "pass", "register", "markread" -> {
                return IrcAccounts.failed(e, me, server);
            }
            default -> {
                // every other error: a numeric below
            }
        }
        return switch (e.code()) {
            case "nick_reserved" -> numeric("433", me, about + " :Nickname is already in use (" + message + ")");
            case "nick_taken" -> numeric("433", me, about + " :Nickname is already in use (" + message + ")");
            case "invalid_nick", "nick_banned" -> numeric("432", me, about + " :Erroneous nickname (" + message + ")");
            case "no_such_nick" -> numeric("401", me, nickAbout + " :No such nick");
            case "not_in_room" -> rooms.find(IrcFront.room(about)) == null
                    ? numeric("403", me, about + " :No such channel")
                    : kind.equals("say") ? numeric("404", me, about + " :Cannot send to channel (you are not in it)")
                    : numeric("442", me, about + " :You're not on that channel");
            case "muted" -> numeric("404", me, about + " :Cannot send to channel (" + message + ")");
            case "not_operator" -> numeric("481", me, ":" + message);
            case "oper_failed" -> numeric("464", me, ":" + message);
            case "invalid_room", "no_such_room" -> numeric("403", me, about + " :No such channel (" + message + ")");
            case "room_full" -> numeric("471", me, about + " :Cannot join channel (" + message + ")");
            case "too_many_rooms" -> numeric("405", me, about + " :You have joined too many channels");
            case "line_too_long" -> numeric("417", me, ":" + message);
            case "not_registered" -> numeric("451", me, ":" + message);
            default -> lines(":" + server + " NOTICE " + me, e.code() + ": " + message);
        };
    }

    private String numeric(String code, String me, String rest) {
        return ":" + server + " " + code + " " + me + " " + rest + "\r\n";
    }
}
