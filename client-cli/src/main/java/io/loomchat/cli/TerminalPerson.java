package io.loomchat.cli;

import io.loomchat.cli.connection.Discovery;
import java.io.Console;

/** The person at the terminal the client runs in, if it runs in one: questions are asked on its console. */
final class TerminalPerson implements Discovery.Person {

    @Override
    public boolean present() {
        return stdinIsTerminal();
    }

    @Override
    public String ask(String prompt) {
        Console console = System.console();
        return console == null ? null : console.readLine("%s", prompt);
    }

    /** Whether stdin is a terminal: a person typing, not a pipe or a file. */
    static boolean stdinIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // JDK 22+ returns a Console even when redirected; isTerminal() then tells the truth.
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a Console exists only on a terminal
        }
    }
}
