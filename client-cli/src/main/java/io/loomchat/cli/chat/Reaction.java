package io.loomchat.cli.chat;

import io.loomchat.protocol.Request;
import java.util.List;

/**
 * What the client does about one server event or one typed line: the lines to show, in order, and the
 * requests to send, in order. The requests go out before the lines are shown.
 */
public record Reaction(List<Shown> show, List<Request> send) {

    public static final Reaction NOTHING = new Reaction(List.of(), List.of());

    public Reaction {
        show = List.copyOf(show);
        send = List.copyOf(send);
    }

    static Reaction showing(String line) {
        return new Reaction(List.of(Shown.plain(line)), List.of());
    }

    static Reaction sending(Request request) {
        return new Reaction(List.of(), List.of(request));
    }
}
