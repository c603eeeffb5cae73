package io.loomchat.cli;

import io.loomchat.cli.chat.ChatState;
import io.loomchat.cli.chat.Reaction;
import io.loomchat.cli.connection.Link;
import io.loomchat.protocol.Request;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Lines the server refused for now (it could not store them, or flood control said wait) sent again a
 * few at a time, once a second, on the connection they were refused on, until none waits. One round at a
 * time, on a virtual thread of its own; a reconnect re-sends every kept line anyway.
 */
final class RetryRounds {

    /** How long lines refused as unavailable wait before they go out again. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final LockedChat chat;
    private final Predicate<Link> live; // whether a link is the live one; asked under the chat's lock
    private final AtomicBoolean pending = new AtomicBoolean();

    RetryRounds(LockedChat chat, Predicate<Link> live) {
        this.chat = chat;
        this.live = live;
    }

    /** After an error on {@code from}: starts a round if lines wait and none is running. */
    void startIfWaiting(Link from) {
        if (chat.read(ChatState::awaitingRetry) && !pending.getAndSet(true)) {
            Thread.ofVirtual().name("loomchat-retry").start(() -> retryLater(from));
        }
    }

    /**
     * Sends the lines the server could not take once more, a few each {@link #RETRY_AFTER}, on the same
     * connection, until none waits (refused again, a line waits again and a new round starts).
     */
    private void retryLater(Link on) {
        boolean ended = false;
        try {
            do {
                Thread.sleep(RETRY_AFTER); // a pause before asking again: nothing to wait on
                // Only while `on` is the live connection: the lines are marked as sent on it.
                Reaction again = chat.update(s -> live.test(on) ? s.retryNow() : Reaction.NOTHING);
                for (Request request : again.send()) {
                    on.send(request);
                }
            } while (chat.read(s -> live.test(on) && s.awaitingRetry()));
        } catch (InterruptedException | IOException e) {
            ended = true; // stopped, or that connection ended: a reconnect re-sends every kept line anyway
        } finally {
            pending.set(false);
        }
        if (!ended && chat.read(s -> live.test(on) && s.awaitingRetry()) && !pending.getAndSet(true)) {
            Thread.ofVirtual().name("loomchat-retry").start(() -> retryLater(on)); // refused while finishing
        }
    }
}
