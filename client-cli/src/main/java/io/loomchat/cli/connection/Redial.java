package io.loomchat.cli.connection;

import java.io.IOException;
import java.time.Duration;

/**
 * The reconnect loop: before each attempt it waits as {@link Backoff} says, then dials and hands the new
 * link to the chat to take over. It gives up after {@link Backoff#attempts()} or when the person quits.
 */
public final class Redial {

    /** The chat being carried over to a new connection. */
    public interface Resumable {

        /** Waits {@code wait}, or less if the person quits meanwhile; true if they did. */
        boolean quitsWithin(Duration wait);

        /** Registers again on {@code next}, rejoins, re-sends; true once it is live, false to try again later. */
        boolean resumeOn(Link next);

        /** Attempt {@code attempt} could not even connect. */
        void failed(int attempt, IOException e);
    }

    private Redial() {
    }

    /** True once reconnected; false when every attempt failed or the person quit. */
    public static boolean redial(Connector connector, Backoff backoff, Resumable chat) {
        for (int attempt = 1; attempt <= backoff.attempts(); attempt++) {
            if (chat.quitsWithin(backoff.before(attempt))) {
                return false;
            }
            Link next;
            try {
                next = new Link(connector.connect());
            } catch (TlsConnect.Mistake e) {
                chat.failed(attempt, e); // the server's certificate or port changed: no retry can help
                return false;
            } catch (IOException e) {
                if (attempt == 1 || attempt % 5 == 0) { // say so, without a line for every try
                    chat.failed(attempt, e);
                }
                continue;
            }
            if (chat.resumeOn(next)) {
                return true;
            }
        }
        return false;
    }
}
