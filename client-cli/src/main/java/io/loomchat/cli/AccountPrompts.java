package io.loomchat.cli;

import io.loomchat.cli.screen.TerminalScreen;
import io.loomchat.protocol.TextRenderer;

/**
 * The account commands typed without their passwords ({@code /register}, {@code /login ACCOUNT},
 * {@code /password}): the passwords are asked for without echo, twice for a new one, and the command
 * goes on whole. The passwords never show on the screen nor go into the line history.
 */
final class AccountPrompts {

    private AccountPrompts() {
    }

    /** The line to submit: {@code line} itself, or completed with the passwords asked for; null if there is nothing to send. */
    static String complete(String line, TerminalScreen screen) {
        String[] words = line.strip().split("\\s+");
        String command = words[0].toLowerCase(java.util.Locale.ROOT);
        if (command.equals("/register") && words.length == 1) {
            String password = newPassword(screen);
            return password == null ? null : "/register " + password;
        }
        if ((command.equals("/login") || command.equals("/identify")) && words.length == 2) {
            String password = screen.readSecret("password of " + words[1] + ": ");
            return password == null || password.isEmpty() ? null : "/login " + words[1] + " " + password;
        }
        if (command.equals("/password") && words.length == 1) {
            String current = screen.readSecret("current password: ");
            String fresh = current == null || current.isEmpty() ? null : newPassword(screen);
            // A tab parts the two: a password may hold spaces, and nobody types a tab into one.
            return fresh == null ? null : "/password " + current + "\t" + fresh;
        }
        return line;
    }

    /** A new password, typed twice; null (and said why) if the two differ or it was left empty. */
    private static String newPassword(TerminalScreen screen) {
        String first = screen.readSecret("new password: ");
        if (first == null || first.isEmpty()) {
            return null;
        }
        String again = screen.readSecret("the same again: ");
        if (!first.equals(again)) {
            screen.show(TextRenderer.ERROR + " the two passwords differ; nothing was sent");
            return null;
        }
        return first;
    }
}
