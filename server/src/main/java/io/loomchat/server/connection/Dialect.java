package io.loomchat.server.connection;

import io.loomchat.protocol.Event;
import io.loomchat.server.chat.Commands;
import java.util.function.BooleanSupplier;

/**
 * How one connection speaks, decided by its first line: how its input becomes requests, and how events are
 * written for it. JSON ({@link JsonDialect}) and text for a person on nc ({@link TextDialect}) are the
 * connection layer's own; other dialects (IRC) come from an adapter through an {@link Opener}.
 *
 * <p>Threading: {@link #handle} runs on the connection's read loop; {@link #render} on whichever thread
 * delivers an event (a room's fan-out runs on its sender's read loop).
 */
public interface Dialect {

    /**
     * The bytes to queue for {@code event} ({@code json} is it encoded once for every JSON recipient, or null); null to
     * show nothing.
     */
    byte[] render(Event event, byte[] json);

    /** One line of input, without its line end, from the read loop. */
    void handle(byte[] line, int start, int length);

    /** Whether a room's held lines may be queued in one offer as encoded JSON (JSON clients only). */
    default boolean takesEncodedBursts() {
        return false;
    }

    /** Whether the client's says in a row may be held together (JSON clients only; others answer line by line). */
    default boolean holdsSays() {
        return false;
    }

    /** A dialect that a connection's first line may open, offered to the connection layer by an adapter. */
    interface Opener {

        /** Whether {@code firstLine} (not a JSON object) opens this dialect. */
        boolean opens(String firstLine);

        /**
         * This dialect for {@code session}, whose requests go to {@code commands}; {@code anotherLine} asks
         * flood control whether one more line may be carried out (a line may carry several).
         */
        Dialect open(Session session, Commands commands, BooleanSupplier anotherLine);
    }
}
