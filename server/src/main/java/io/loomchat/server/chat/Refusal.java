package io.loomchat.server.chat;

import io.loomchat.protocol.ErrorCode;

/**
 * A request that cannot be carried out; it becomes an error reply that echoes the request's ref, and
 * nothing else happens. Cheap: no stack trace.
 */
public final class Refusal extends Exception {
    final ErrorCode code;

    public Refusal(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }
}
