package io.loomchat.cli;

import io.loomchat.cli.chat.ChatState;
import io.loomchat.cli.chat.Reaction;
import io.loomchat.cli.chat.Shown;
import io.loomchat.cli.chat.StatusBar;
import io.loomchat.cli.screen.Screen;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the chat puts on the screen: the lines of a reaction (after clearing the screen for a room's window)
 * and the prompt with the status bar above it. Called after the chat's lock is released, never under it:
 * JLine holds its own lock while it asks for completions (which read the chat), so taking JLine's under
 * the chat's could deadlock.
 */
final class ChatView {

    private final Screen screen;
    private final LockedChat chat;
    private final ReentrantLock promptLock = new ReentrantLock(); // an older state never overwrites a newer one

    ChatView(Screen screen, LockedChat chat) {
        this.screen = screen;
        this.chat = chat;
    }

    void show(Reaction reaction) {
        if (reaction.redraw()) {
            screen.clear();
        }
        for (Shown line : reaction.show()) {
            if (line.isChat()) {
                screen.show(line.text(), line.from(), line.emphasis());
            } else {
                screen.show(line.text());
            }
        }
    }

    /** Shows the state's prompt and status bar as they are now. */
    void refreshPrompt() {
        promptLock.lock();
        try {
            record Bar(StatusBar status, String prompt) {
            }
            Bar bar = chat.read((ChatState s) -> new Bar(s.statusBar(), s.prompt()));
            screen.status(bar.status());
            screen.prompt(bar.prompt());
        } finally {
            promptLock.unlock();
        }
    }
}
