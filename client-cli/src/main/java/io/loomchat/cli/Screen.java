package io.loomchat.cli;

/**
 * Where the client's lines go. Implementations are safe to call from the socket thread and the input
 * thread at once, and never split or interleave two lines.
 */
interface Screen extends AutoCloseable {

    void show(String line);

    /** Changes the input prompt, where there is one. */
    default void prompt(String prompt) {
    }

    @Override
    default void close() {
    }
}
