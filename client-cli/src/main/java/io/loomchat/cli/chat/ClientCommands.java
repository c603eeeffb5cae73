package io.loomchat.cli.chat;

import io.loomchat.protocol.TextRenderer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The commands this client answers itself, without asking the server: moving between the joined rooms and
 * showing who is in the current one. Tried before the shared parser ({@link io.loomchat.protocol.Input}),
 * so {@code /join} of a room already joined switches to it instead of asking again.
 */
final class ClientCommands {

    /** What a client command asks for. */
    sealed interface Action {
    }

    /** Make this room current; {@code joinIfNot} when a /join that the server must do if we are not in it. */
    record Go(String room, boolean joinIfNot) implements Action {
    }

    /** Make window {@code number} (1-based, in join order) current. */
    record GoNumber(int number) implements Action {
    }

    /** Move {@code step} windows on (-1 the previous, 1 the next), wrapping around. */
    record Step(int step) implements Action {
    }

    /** Show or hide the current room's members under the status bar. */
    record ToggleMembers() implements Action {
    }

    record Usage(String usage) implements Action {
    }

    /** The client's lines for /help, after the shared ones. */
    static final List<String> HELP = List.of(
            TextRenderer.NOTICE + " moving between your rooms (keys: Alt-1..9, Alt-Left/Right, Ctrl-P/Ctrl-N):",
            String.format("    %-26s %s", "/window N", "make your Nth room (in the order joined) the current one; also /win"),
            String.format("    %-26s %s", "/switch ROOM", "make a room you are in the current one; /join ROOM does too"),
            String.format("    %-26s %s", "/next, /prev", "the next or previous of your rooms"),
            String.format("    %-26s %s", "/names", "show or hide who is in the current room (key: F2)"));

    private ClientCommands() {
    }

    /** What /help shows here: the commands every front end has, then this client's own. */
    static List<String> help() {
        List<String> lines = new ArrayList<>(TextRenderer.help());
        lines.addAll(HELP);
        return lines;
    }

    /** The client command {@code line} asks for, or null if the server must handle it. */
    static Action parse(String line) {
        String text = line.strip();
        if (!text.startsWith("/") || text.startsWith("//")) {
            return null;
        }
        String[] words = text.substring(1).split("\\s+");
        String rest = words.length > 1 ? words[1].toLowerCase(Locale.ROOT) : null;
        return switch (words[0].toLowerCase(Locale.ROOT)) {
            case "window", "win", "w" -> number(rest);
            case "switch", "sw" -> rest == null ? new Usage("/switch ROOM") : new Go(rest, false);
            case "join", "j" -> rest == null ? null : new Go(rest, true);
            case "next" -> new Step(1);
            case "prev", "previous" -> new Step(-1);
            case "names" -> words.length == 1 ? new ToggleMembers() : null; // "/names ROOM" asks the server, as /who
            default -> null;
        };
    }

    private static Action number(String word) {
        try {
            return new GoNumber(Integer.parseInt(word));
        } catch (NumberFormatException e) {
            return new Usage("/window N");
        }
    }
}
