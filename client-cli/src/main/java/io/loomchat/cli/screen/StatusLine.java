package io.loomchat.cli.screen;

import io.loomchat.cli.chat.StatusBar;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/** The status bar drawn: the current room in reverse video, a room that named you in bold. */
final class StatusLine {

    private StatusLine() {
    }

    static AttributedString render(StatusBar bar) {
        AttributedStringBuilder line = new AttributedStringBuilder();
        line.append("[").append(bar.nick() == null ? "" : bar.nick()).append(bar.away() ? " (away)" : "").append("]");
        for (StatusBar.Tab tab : bar.tabs()) {
            line.append(" ");
            AttributedStyle style = tab.current() ? AttributedStyle.DEFAULT.inverse()
                    : tab.mentioned() ? AttributedStyle.DEFAULT.bold() : AttributedStyle.DEFAULT;
            line.styled(style, tab.label());
        }
        if (bar.members() != null) {
            line.append(" | ").append(String.join(" ", bar.members()));
        }
        return line.toAttributedString();
    }
}
