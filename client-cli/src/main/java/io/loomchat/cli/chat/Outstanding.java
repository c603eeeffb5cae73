package io.loomchat.cli.chat;

import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.ErrorReply;
import io.loomchat.protocol.Request;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Requests still waiting for the server's reply, by ref. Said and private lines are kept whole until
 * acknowledged, with the connection they last went out on, so that a reconnect re-sends exactly those
 * the server may not have, with their original refs (the server recognizes a ref it already acknowledged
 * and answers with the original message instead of saying it twice).
 */
final class Outstanding {

    /** A kept line's connection when it has not gone out on any yet. */
    static final int NOT_SENT = -1;

    private record Kept(Request line, int sentOn) {
    }

    private final Set<String> unanswered = new HashSet<>();
    private final Set<String> quiet = new HashSet<>(); // replies not for the screen
    private final Map<String, Kept> kept = new LinkedHashMap<>(); // in the order typed
    // Refused as unavailable or by flood control, or typed while such lines wait: sent again soon, in typed order.
    private final Set<String> toRetry = new HashSet<>();

    void expect(String ref) {
        unanswered.add(ref);
    }

    /** A request of our own making whose reply the person did not ask to see. */
    void expectQuietly(String ref) {
        quiet.add(ref);
    }

    /**
     * Keeps a said or private line until it is acknowledged. True if it may go out now; false if it must wait
     * behind lines that wait to be sent again (so that lines are said in the order typed).
     */
    boolean keep(Request line, int sentOn) {
        boolean behind = !toRetry.isEmpty();
        kept.put(line.ref(), new Kept(line, behind ? NOT_SENT : sentOn));
        if (behind) {
            toRetry.add(line.ref());
        } else {
            unanswered.add(line.ref());
        }
        return !behind;
    }

    /** Settles the request {@code reply} answers; false if that reply is not for the screen. */
    boolean settle(Event reply) {
        String ref = reply.ref();
        if (ref == null) {
            return true;
        }
        unanswered.remove(ref);
        if (reply instanceof ErrorReply e && kept.containsKey(ref) && (ErrorCode.UNAVAILABLE.wireName().equals(e.code())
                || ErrorCode.RATE_LIMITED.wireName().equals(e.code()))) {
            // A cluster that cannot store lines now, or flood control: the same line, same ref, again soon.
            toRetry.add(ref);
        } else {
            kept.remove(ref);
            toRetry.remove(ref);
        }
        return !quiet.remove(ref);
    }

    /** The kept lines that did not go out on {@code connection}, now marked as sent on it; in the order typed. */
    List<Request> resendOn(int connection) {
        List<Request> resend = new ArrayList<>();
        for (Map.Entry<String, Kept> entry : kept.entrySet()) {
            if (entry.getValue().sentOn() != connection) { // typed since the welcome: already sent on this one
                resend.add(entry.getValue().line());
                entry.setValue(new Kept(entry.getValue().line(), connection));
                unanswered.add(entry.getKey());
                toRetry.remove(entry.getKey());
            }
        }
        return resend;
    }

    /** Whether lines refused as unavailable wait to be sent again. */
    boolean awaitingRetry() {
        return !toRetry.isEmpty();
    }

    /** Whether {@code ref} is a kept line waiting to be sent again. */
    boolean retrying(String ref) {
        return toRetry.contains(ref);
    }

    /**
     * Up to {@code most} of the lines waiting to be sent again (same refs), the oldest typed first, now
     * marked as sent on {@code connection}. Few at a time: a backlog sent at once would only meet flood
     * control.
     */
    List<Request> retry(int most, int connection) {
        List<Request> again = new ArrayList<>();
        for (Map.Entry<String, Kept> entry : kept.entrySet()) {
            if (again.size() == most) {
                break;
            }
            if (toRetry.remove(entry.getKey())) {
                again.add(entry.getValue().line());
                entry.setValue(new Kept(entry.getValue().line(), connection));
                unanswered.add(entry.getKey());
            }
        }
        toRetry.retainAll(kept.keySet());
        return again;
    }

    boolean allAnswered() {
        return unanswered.isEmpty() && toRetry.isEmpty();
    }
}
