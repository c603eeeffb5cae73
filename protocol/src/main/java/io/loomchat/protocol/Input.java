package io.loomchat.protocol;

import io.loomchat.protocol.Request.Away;
import io.loomchat.protocol.Request.History;
import io.loomchat.protocol.Request.Join;
import io.loomchat.protocol.Request.Leave;
import io.loomchat.protocol.Request.ListRooms;
import io.loomchat.protocol.Request.Msg;
import io.loomchat.protocol.Request.Nick;
import io.loomchat.protocol.Request.Ping;
import io.loomchat.protocol.Request.Quit;
import io.loomchat.protocol.Request.Say;
import io.loomchat.protocol.Request.Topic;
import io.loomchat.protocol.Request.Who;
import java.util.List;

/**
 * What a person types, turned into a request: slash commands, or text said to the current room.
 * Pure, so that every front end (the terminal client, a text-mode connection) parses the same way.
 */
public final class Input {

    /** The outcome of one typed line. */
    public sealed interface Action {
    }

    public record Send(Request request) implements Action {
    }

    public record ShowHelp() implements Action {
    }

    /** The line cannot be sent; {@code message} says why, for the person who typed it. */
    public record Problem(String message) implements Action {
    }

    /** A blank line: nothing to do. */
    public record Nothing() implements Action {
    }

    public record Command(String usage, String summary) {
    }

    /** Every command, in the order /help lists them. */
    public static final List<Command> COMMANDS = List.of(
            new Command("/join ROOM", "join a room (creating it) and make it the current room"),
            new Command("/leave [ROOM [REASON]]", "leave a room (default: the current one); also /part"),
            new Command("/msg NICK TEXT", "send a private message"),
            new Command("/me TEXT", "say an action: * you TEXT"),
            new Command("/nick NAME", "change your nick"),
            new Command("/who [ROOM [AFTER]]", "list who is in a room (default: the current one); AFTER pages on"),
            new Command("/rooms [AFTER]", "list the rooms, their members and topics (also /list); AFTER pages on"),
            new Command("/topic [TEXT]", "show the current room's topic, or set it to TEXT"),
            new Command("/away [REASON]", "mark yourself away (shown in /who); /away alone or /back to return"),
            new Command("/history [N]", "show 20 older messages of the current room; with N, its last N"),
            new Command("/ping", "check that the server answers"),
            new Command("/register [PASSWORD]", "make your nick an account (the terminal client asks for the password)"),
            new Command("/login ACCOUNT [PASSWORD]", "log in to your account (the terminal client asks for the password)"),
            new Command("/password [OLD NEW]", "change your account's password (the terminal client asks)"),
            new Command("/oper NAME PASSWORD", "log in as an operator"),
            new Command("/dropaccount ACCOUNT", "operators: delete an account; its nick is free again"),
            new Command("/kick NICK [REASON]", "operators: remove someone from the current room"),
            new Command("/ban WHO [+address] [TIME] [REASON]", "operators: ban a nick (+address: and where it connects from), or an address (TIME: 30m, 2h, 1d; 0 until restart)"),
            new Command("/unban WHO", "operators: lift a ban on a nick or an address"),
            new Command("/mute NICK [TIME]", "operators: silence someone in the current room"),
            new Command("/unmute NICK", "operators: let them speak again"),
            new Command("/quit [REASON]", "leave the chat"),
            new Command("/help", "this list"),
            new Command("//TEXT", "say TEXT starting with a '/'"));

    /** Messages /history shows when no number is given. */
    public static final int DEFAULT_HISTORY = 20;

    private Input() {
    }

    /**
     * Parses one typed line. {@code currentRoom} is where plain text goes (null: the server's idea of the
     * current room); {@code ref} is attached to the request.
     */
    public static Action parse(String line, String currentRoom, String ref) {
        String text = stripLineEnd(line);
        if (text.isBlank()) {
            return new Nothing();
        }
        if (!text.startsWith("/")) {
            return new Send(new Say(currentRoom, text, false, ref));
        }
        if (text.startsWith("//")) {
            return new Send(new Say(currentRoom, text.substring(1), false, ref));
        }
        String[] words = text.substring(1).split("\\s+", 2);
        String command = words[0].toLowerCase();
        String rest = words.length > 1 ? words[1].strip() : "";
        return switch (command) {
            case "join", "j" -> rest.isEmpty() ? usage("/join ROOM") : new Send(new Join(firstWord(rest), ref));
            case "leave", "part" -> {
                String reason = rest.substring(firstWord(rest).length()).strip();
                yield new Send(new Leave(rest.isEmpty() ? currentRoom : firstWord(rest), reason.isEmpty() ? null : reason, ref));
            }
            case "msg", "m", "query" -> {
                String[] parts = rest.split("\\s+", 2);
                yield parts.length < 2 || parts[1].isBlank() ? usage("/msg NICK TEXT")
                        : new Send(new Msg(parts[0], parts[1], false, ref));
            }
            case "me" -> rest.isEmpty() ? usage("/me TEXT") : new Send(new Say(currentRoom, rest, true, ref));
            case "nick" -> rest.isEmpty() ? usage("/nick NAME")
                    // "bad nick" is not the nick "bad": say so rather than take a part of it
                    : !firstWord(rest).equals(rest) ? new Problem("a nick is one word: letters, digits, _ and -")
                    : new Send(new Nick(rest, ref));
            case "who", "names" -> new Send(new Who(rest.isEmpty() ? currentRoom : firstWord(rest),
                    secondWord(rest), ref));
            case "rooms", "list" -> new Send(new ListRooms(rest.isEmpty() ? null : firstWord(rest), ref));
            case "topic" -> new Send(new Topic(currentRoom, rest.isEmpty() ? null : rest, ref));
            case "away" -> new Send(new Away(rest.isEmpty() ? null : rest, ref));
            case "back" -> new Send(new Away(null, ref));
            case "history" -> {
                // Without N the limit stays open: a client that knows what it has shown pages back from there.
                Integer limit = rest.isEmpty() ? null : count(firstWord(rest));
                yield !rest.isEmpty() && limit == null ? usage("/history [N]")
                        : new Send(new History(currentRoom, null, null, limit, ref));
            }
            case "ping" -> new Send(new Ping(ref));
            case "oper" -> {
                String[] parts = rest.split("\\s+", 2);
                yield parts.length < 2 ? usage("/oper NAME PASSWORD") : new Send(new Request.Oper(parts[0], parts[1], ref));
            }
            case "register" -> rest.isEmpty() ? usage("/register PASSWORD") : new Send(new Request.Register(null, rest, ref));
            case "login", "identify" -> {
                String[] parts = rest.split("\\s+", 2);
                yield parts.length < 2 ? usage("/login ACCOUNT PASSWORD")
                        : new Send(new Request.Login(new Request.Credentials(parts[0], parts[1]), ref));
            }
            case "password" -> {
                // A tab, when there is one, parts the two: the terminal client sends passwords with spaces so.
                String[] parts = rest.indexOf('\t') > 0 ? rest.split("\t", 2) : rest.split("\\s+", 2);
                yield parts.length < 2 ? usage("/password OLD NEW")
                        : new Send(new Request.ChangePassword(parts[0], parts[1], ref));
            }
            case "dropaccount" -> rest.isEmpty() ? usage("/dropaccount ACCOUNT")
                    : new Send(new Request.DropAccount(firstWord(rest), ref));
            case "kick" -> {
                String[] parts = rest.split("\\s+", 2);
                yield rest.isEmpty() ? usage("/kick NICK [REASON]")
                        : new Send(new Request.Kick(currentRoom, parts[0], parts.length > 1 ? parts[1] : null, ref));
            }
            case "ban" -> {
                if (rest.isEmpty()) {
                    yield usage("/ban NICK [+address]|ADDRESS [TIME] [REASON]");
                }
                String[] parts = rest.split("\\s+", 2);
                String after = parts.length > 1 ? parts[1] : "";
                // "+address" right after the nick: ban where it connects from too (never by default).
                boolean withAddress = !isAddress(parts[0]) && firstWord(after).equals("+address");
                after = withAddress ? after.substring("+address".length()).strip() : after;
                Long seconds = after.isEmpty() ? null : seconds(firstWord(after));
                String reason = seconds == null ? after : after.substring(firstWord(after).length()).strip();
                reason = reason.isEmpty() ? null : reason;
                yield new Send(isAddress(parts[0]) ? new Request.Ban(null, parts[0], seconds, reason, ref)
                        : new Request.Ban(parts[0], null, seconds, reason, withAddress, ref));
            }
            case "unban" -> rest.isEmpty() ? usage("/unban NICK|ADDRESS") : new Send(isAddress(firstWord(rest))
                    ? new Request.Unban(null, firstWord(rest), ref) : new Request.Unban(firstWord(rest), null, ref));
            case "mute" -> {
                String[] parts = rest.split("\\s+", 2);
                Long seconds = parts.length > 1 ? seconds(parts[1].strip()) : null;
                yield rest.isEmpty() || (parts.length > 1 && seconds == null) ? usage("/mute NICK [TIME]")
                        : new Send(new Request.Mute(currentRoom, parts[0], seconds, ref));
            }
            case "unmute" -> rest.isEmpty() ? usage("/unmute NICK") : new Send(new Request.Unmute(currentRoom, firstWord(rest), ref));
            case "quit", "exit", "bye" -> new Send(new Quit(rest.isEmpty() ? null : rest, ref));
            case "help", "?" -> new ShowHelp();
            default -> new Problem("unknown command /" + command + "; /help lists the commands");
        };
    }

    /** Nicks hold neither '.' nor ':', IP addresses always one of them. */
    private static boolean isAddress(String word) {
        return word.indexOf('.') >= 0 || word.indexOf(':') >= 0;
    }

    /** "90", "90s", "30m", "2h", "1d" in seconds; null if it is not a duration. */
    static Long seconds(String word) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})([smhd]?)").matcher(word);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> n * 60;
            case "h" -> n * 3_600;
            case "d" -> n * 86_400;
            default -> n;
        };
    }

    private static Integer count(String word) {
        try {
            int n = Integer.parseInt(word);
            return n > 0 ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Problem usage(String usage) {
        return new Problem("usage: " + usage);
    }

    private static String firstWord(String s) {
        int space = s.indexOf(' ');
        return space < 0 ? s : s.substring(0, space);
    }

    /** The word after the first, or null. */
    private static String secondWord(String s) {
        String rest = s.substring(firstWord(s).length()).strip();
        return rest.isEmpty() ? null : firstWord(rest);
    }

    private static String stripLineEnd(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) {
            end--;
        }
        return line.substring(0, end);
    }
}
