package io.loomchat.protocol;

/**
 * One line of the wire protocol. Every message is either a {@link Request} (client to server) or an
 * {@link Event} (server to client); the codec refuses a type that is sent in the wrong direction.
 */
public sealed interface Message permits Request, Event {

    /** The client-chosen correlation token echoed on replies, or {@code null}. */
    String ref();
}
