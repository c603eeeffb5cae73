package io.loomchat.cli.chat;

/**
 * One line for the screen. {@code from} is set on chat lines only (a terminal colors that nick and applies
 * the emphasis); notices, errors and the rest have none.
 */
public record Shown(String text, String from, Emphasis emphasis) {

    public static Shown plain(String text) {
        return new Shown(text, null, Emphasis.NORMAL);
    }

    public static Shown chat(String text, String from, Emphasis emphasis) {
        return new Shown(text, from, emphasis);
    }

    public boolean isChat() {
        return from != null;
    }
}
