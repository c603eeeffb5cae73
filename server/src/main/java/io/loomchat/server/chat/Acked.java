package io.loomchat.server.chat;

import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.Event.PrivateMessage;
import java.time.Instant;

/**
 * What a session remembers of a line it acknowledged, to recognize the same line re-sent after a
 * resume: where it went, its id and time, and a hash of its text. Not its text: a re-sent line carries the text again, so the
 * acknowledgement is rebuilt from it, and remembering costs the same for a long line as for a short one.
 *
 * @param room the room of a {@code say}; null for a private message
 * @param to   the target of a private message; null for a {@code say}
 */
public record Acked(String room, String to, String from, long id, Instant ts, int textHash) {

    public static Acked of(ChatMessage said) {
        return new Acked(said.room(), null, said.from(), said.id(), said.ts(), said.text().hashCode());
    }

    public static Acked of(PrivateMessage sent) {
        return new Acked(null, sent.to(), sent.from(), 0, sent.ts(), sent.text().hashCode());
    }

    /**
     * Whether {@code text} is the acknowledged line's text again: a resent line. A client that reuses a
     * ref for a different line has said something new (a 32-bit hash, not the text, is kept).
     */
    public boolean sameText(String text) {
        return text.hashCode() == textHash;
    }

    public boolean isSay() {
        return room != null;
    }

    /** The acknowledgement of a re-sent {@code say}, as the original was. */
    public ChatMessage message(String text, boolean action, String ref) {
        return new ChatMessage(id, room, from, text, action, ts, ref);
    }

    /** The echo of a re-sent private message, as the original was. */
    public PrivateMessage privateMessage(String text, boolean action, String ref) {
        return new PrivateMessage(from, to, text, action, ts, ref);
    }
}
