package io.loomchat.cli.chat;

import io.loomchat.protocol.Event.Welcome;
import io.loomchat.protocol.Names;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.Request.Join;
import io.loomchat.protocol.Request.Replay;
import io.loomchat.protocol.TextRenderer;
import java.util.ArrayList;
import java.util.List;

/**
 * What carries the chat over to a new connection: the resume token and history epoch of the last welcome,
 * the rooms to rejoin (a snapshot taken when resuming) and which connection this is, so that a kept line
 * knows whether it already went out on it.
 */
final class Resumption {

    /** Makes a hello (with a fresh ref, the server password and the replay wanted). */
    interface HelloMaker {
        Request hello(String nick, String room, Replay replay, String resume);
    }

    private final Rooms rooms;
    private final Timeline timeline;
    private final Outstanding outstanding;
    private String resumeToken;
    private String epoch;
    private int connection; // numbers the connections, so a kept line knows whether it went out on this one
    private List<String> rejoining = List.of();

    Resumption(Rooms rooms, Timeline timeline, Outstanding outstanding) {
        this.rooms = rooms;
        this.timeline = timeline;
        this.outstanding = outstanding;
    }

    int connection() {
        return connection;
    }

    /** A welcome: keeps its token and epoch; the lines to show first if it welcomes us back. */
    void welcomed(Welcome w, boolean again, List<Shown> show) {
        if (epoch != null && w.epoch() != null && !epoch.equals(w.epoch())) {
            timeline.forgetIds(); // a server that kept no history restarted: its ids began again
            show.add(Shown.plain(TextRenderer.NOTICE + " the server restarted without keeping history; "
                    + "what was said meanwhile is lost"));
        }
        epoch = w.epoch();
        resumeToken = w.resume();
        if (again) { // said here, before any rejoin's notice, rather than by the reconnect loop after them
            show.add(Shown.plain(TextRenderer.NOTICE + " reconnected"));
        }
    }

    /**
     * The hello for a new connection: the same nick with the resume token (which takes it back even from
     * our own ghost session), joining the first room with what was missed after its last seen id.
     */
    Request hello(String nick, HelloMaker hellos) {
        connection++;
        rejoining = rooms.all();
        rooms.markMissedFrom(rejoining);
        return hellos.hello(nick, firstRejoined(), timeline.catchUp(firstRejoined()), resumeToken);
    }

    /** Someone took the nick while we were away: try a variant of it, without the token. */
    Reaction helloAsAnother(String nick, HelloMaker hellos) {
        String other = nick.length() < Names.MAX_NICK_CHARS ? nick + "_" : nick.substring(0, nick.length() - 1) + "_";
        Request hello = hellos.hello(other, firstRejoined(), timeline.catchUp(firstRejoined()), null);
        return new Reaction(List.of(Shown.plain(TextRenderer.NOTICE + " " + nick + " is taken now; trying " + other)), List.of(hello));
    }

    private String firstRejoined() {
        return rejoining.isEmpty() ? null : rejoining.getFirst();
    }

    /**
     * Once welcomed back: the joins of the other rooms, each after its last seen id (forgotten if the server's
     * history began anew), then every line not acknowledged, re-sent with its original ref so that the server
     * answers what it already had instead of saying it twice.
     */
    List<Request> rejoinAndResend() {
        List<Request> resend = outstanding.resendOn(connection);
        List<Request> send = new ArrayList<>();
        for (String room : rejoining.subList(Math.min(1, rejoining.size()), rejoining.size())) {
            send.add(new Join(room, timeline.catchUp(room), null));
        }
        send.addAll(resend);
        return send;
    }

    /** Lines sent again per retry: below the server's default flood control (5 lines a second). */
    static final int RETRY_BATCH = 4;

    /**
     * Some of the lines refused as unavailable or by flood control (and those typed behind them), sent again
     * now with the same refs (said once if stored meanwhile); while not connected, they wait for the reconnect.
     */
    Reaction retryNow(boolean registered) {
        return registered ? new Reaction(List.of(), outstanding.retry(RETRY_BATCH, connection())) : Reaction.NOTHING;
    }
}
