package io.loomchat.cli.screen;

import io.loomchat.cli.chat.Emphasis;
import io.loomchat.cli.chat.StatusBar;

/**
 * Where the client's lines go. Implementations are safe to call from the socket thread and the input
 * thread at once, and never split or interleave two lines.
 */
public interface Screen extends AutoCloseable {

    void show(String line);

    /** A chat line by {@code from}; a terminal colors the nick and applies the emphasis. */
    default void show(String line, String from, Emphasis emphasis) {
        show(line);
    }

    /** Changes the input prompt, where there is one. */
    default void prompt(String prompt) {
    }

    /** Changes the status bar, where there is one. */
    default void status(StatusBar bar) {
    }

    /** Clears the screen before a room's window is drawn again, where there is a screen to clear. */
    default void clear() {
    }

    @Override
    default void close() {
    }
}
