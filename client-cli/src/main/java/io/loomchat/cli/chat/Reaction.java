package io.loomchat.cli.chat;

import io.loomchat.protocol.Request;
import java.util.List;

/**
 * What the client does about one server event or one typed line: the lines to show, in order, and the
 * requests to send, in order. The requests go out before the lines are shown. With {@code redraw} the
 * screen is cleared first: the lines are a whole room's window, drawn after switching to it.
 */
public record Reaction(List<Shown> show, List<Request> send, boolean redraw) {

    public static final Reaction NOTHING = new Reaction(List.of(), List.of());

    public Reaction {
        show = List.copyOf(show);
        send = List.copyOf(send);
    }

    public Reaction(List<Shown> show, List<Request> send) {
        this(show, send, false);
    }

    static Reaction redrawing(List<Shown> window) {
        return new Reaction(window, List.of(), true);
    }

    static Reaction showing(String line) {
        return new Reaction(List.of(Shown.plain(line)), List.of());
    }

    static Reaction sending(Request request) {
        return new Reaction(List.of(), List.of(request));
    }
}
