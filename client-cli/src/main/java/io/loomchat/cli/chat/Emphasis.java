package io.loomchat.cli.chat;

import java.util.regex.Pattern;

/** How a chat line stands out, where the screen can show it. */
public enum Emphasis {
    NORMAL,
    /** Said before we came: shown dimmed. */
    HISTORY,
    /** Names us, or is private to us: highlighted, with the terminal bell. */
    MENTION;

    /** Whether {@code text} names {@code me} as a word, as IRC clients highlight a line. */
    public static boolean mentions(String text, String me) {
        if (me == null || me.isEmpty()) {
            return false;
        }
        return Pattern.compile("(?<![A-Za-z0-9_-])" + Pattern.quote(me) + "(?![A-Za-z0-9_-])", Pattern.CASE_INSENSITIVE)
                .matcher(text).find();
    }
}
