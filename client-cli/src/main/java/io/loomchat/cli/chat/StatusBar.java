package io.loomchat.cli.chat;

import java.util.List;

/**
 * The line a terminal keeps above the prompt: who you are, whether you are away, each joined room as its
 * window number and name with what you have not read there, and, when asked for, who is in the current room.
 *
 * @param members the current room's members while the nick list is shown, else null
 */
public record StatusBar(String nick, boolean away, List<Tab> tabs, List<String> members) {

    /** One room: {@code unread} chat lines from others since you last looked, {@code mentioned} if one named you. */
    public record Tab(int number, String room, int unread, boolean mentioned, boolean current) {

        /** {@code 2:release(3)!}: the number, the name, the unread count and the mention mark. */
        public String label() {
            return number + ":" + room + (unread > 0 ? "(" + unread + ")" : "") + (mentioned ? "!" : "");
        }
    }

    public StatusBar {
        tabs = List.copyOf(tabs);
        members = members == null ? null : List.copyOf(members);
    }

    /** The bar as plain text, e.g. {@code [alice (away)] 1:lobby 2:release(3)!}. */
    public String text() {
        StringBuilder line = new StringBuilder("[").append(nick == null ? "" : nick).append(away ? " (away)" : "").append("]");
        for (Tab tab : tabs) {
            line.append(' ').append(tab.label());
        }
        return line.toString();
    }
}
