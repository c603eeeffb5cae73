package io.loomchat.cli;

import io.loomchat.cli.chat.ChatState;
import io.loomchat.cli.screen.Screen;
import io.loomchat.protocol.Event.Bye;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How the client ends once the chat cannot go on: the screen closed, one line on stderr saying why, and the
 * exit status that README documents. The reader thread (the link ended) and the main thread (a wait ended
 * with it, a script's registration failed) may both get here at the same time: the first one's word stands.
 */
final class ClientExit {

    private final AtomicBoolean exiting = new AtomicBoolean();
    private final Screen screen;
    private final PrintStream err;
    private final String server; // host:port, for "connection to ... lost"

    ClientExit(Screen screen, PrintStream err, String server) {
        this.screen = screen;
        this.err = err;
        this.server = server;
    }

    /**
     * The chat ended for good (the server said a final bye, or every reconnect failed, or reconnecting is
     * off): exits refused (5), unregistered (3) or lost (2).
     */
    void endedForGood(ChatClient client) {
        ifHopeless(client);
        Bye bye = client.read(ChatState::bye);
        boolean registered = client.read(ChatState::wasEverRegistered);
        String why = bye == null ? "connection to " + server + " lost for good"
                : registered ? "connection lost for good: disconnected by the server: " + bye.reason()
                : "could not register: " + bye.reason();
        exit(why, registered ? ChatCommand.EXIT_LOST : ChatCommand.EXIT_NOT_REGISTERED);
    }

    /** Exits if the server will never take this client: refused for good, or a TLS port spoken to in plain text. */
    void ifHopeless(ChatClient client) {
        if (client.speaksTls()) {
            exit("this server speaks TLS: add --tls", 1);
        }
        Bye refusal = client.read(ChatState::refusal);
        if (refusal != null) {
            exit("refused by the server: " + refusal.reason(), ChatCommand.EXIT_REFUSED);
        }
    }

    /** Says why the client ends and exits with {@code status}; a second caller waits for the first's exit. */
    void exit(String why, int status) {
        if (exiting.compareAndSet(false, true)) {
            screen.close();
            err.println("loomchat: " + why);
            System.exit(status);
        }
        while (true) { // the other thread is exiting: its status stands
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Why {@code file} could not be read, in words (a missing file's exception says only its name). */
    static String unreadable(Path file, Exception e) {
        return e instanceof NoSuchFileException ? "no such file: " + file
                : e instanceof IOException ? "cannot read " + file + ": " + e.getMessage() : e.getMessage();
    }
}
