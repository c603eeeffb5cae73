package io.loomchat.server.chat;

import io.loomchat.protocol.ErrorCode;

/** A request that cannot be carried out; it becomes an error reply. Cheap: no stack trace. */
final class Refusal extends Exception {
    final ErrorCode code;

    Refusal(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }
}
