package io.loomchat.cli;

import io.loomchat.cli.chat.ChatState;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A script's output in the order of its lines: a line the client answers itself (a usage error, an unknown
 * command) is shown only after the server's answers to the lines before it, which the state has settled
 * and the reader has put on the screen. Off at a terminal, where a person sees their own error at once.
 */
final class ScriptOrder {

    private final ReentrantLock shown = new ReentrantLock(); // held by the reader from settling an event to showing it
    private volatile boolean on;

    void turnOn() {
        on = true;
    }

    /** Runs the reader's handling of one event: settling it in the state and showing it, as one step. */
    void reading(Runnable handle) {
        if (!on) {
            handle.run();
            return;
        }
        shown.lock();
        try {
            handle.run();
        } finally {
            shown.unlock();
        }
    }

    /** Before showing a locally answered line: waits (up to {@code wait}) until every earlier line's answer is shown. */
    void awaitEarlierAnswers(LockedChat chat, Duration wait) {
        if (!on) {
            return;
        }
        try {
            chat.await(wait, ChatState::allAnswered);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shown.lock(); // the reader may still be showing the last answer it settled
        shown.unlock();
    }
}
