package io.loomchat.cli.chat;

import io.loomchat.protocol.Event;

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

    /** The line for {@code event} as rendered, emphasized as it concerns {@code me}. */
    static Shown of(Event event, String line, String me) {
        return switch (event) {
            case Event.ChatMessage m -> chat(line, m.from(), m.history() ? Emphasis.HISTORY
                    : Emphasis.mentions(m.text(), me) && !m.from().equalsIgnoreCase(me) ? Emphasis.MENTION : Emphasis.NORMAL);
            case Event.PrivateMessage m -> chat(line, m.from(), m.from().equalsIgnoreCase(me)
                    ? Emphasis.NORMAL : Emphasis.MENTION); // private to us: it stands out as a mention does
            default -> plain(line);
        };
    }

    public boolean isChat() {
        return from != null;
    }
}
