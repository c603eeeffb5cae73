package io.loomchat.server.chat;

/** One member of a room as {@code who} shows them: the nick, and why they are away (null while present). */
public record Presence(String nick, String away) {
}
