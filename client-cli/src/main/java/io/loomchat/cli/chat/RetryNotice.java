package io.loomchat.cli.chat;

import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event.ErrorReply;
import io.loomchat.protocol.TextRenderer;
import java.util.List;

/**
 * Tells the person once per outage or burst, not once per line, that what they typed waits: the server
 * could not store it, or flood control refused it. The lines are kept and go out again by themselves.
 */
final class RetryNotice {

    private boolean told; // the person knows their lines wait

    /** A line was refused for now: the notice, the first time since lines were last taken. */
    void refused(ErrorReply e, List<Shown> show) {
        if (told) {
            return;
        }
        told = true;
        show.add(Shown.plain(TextRenderer.NOTICE + (ErrorCode.RATE_LIMITED.wireName().equals(e.code())
                ? " faster than the server's flood control allows; what you type is kept and sent again in a moment"
                : " the server cannot store lines just now; what you type is kept and sent again in a moment")));
    }

    /** A line of ours was taken: lines go through again. */
    void taken() {
        told = false;
    }
}
