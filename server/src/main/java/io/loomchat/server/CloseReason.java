package io.loomchat.server;

/**
 * Why a connection ended. Set once, by whoever ends it first, and logged once in the connection's single
 * {@code finally}. The code is sent in the {@code bye} and named in {@code left} notices.
 */
enum CloseReason {
    QUIT("quit", "client quit", true, false),
    CLIENT_CLOSED("client_closed", "connection closed by client", true, false),
    READ_ERROR("read_error", "connection lost", true, false),
    HANDSHAKE_TIMEOUT("handshake_timeout", "no hello in time", false, false),
    SLOW_CONSUMER("slow_consumer", "slow consumer", false, true),
    WRITE_TIMEOUT("write_timeout", "write timed out", false, true),
    SHUTDOWN("shutdown", "server shutting down", true, false),
    SERVER_FULL("server_full", "server is full", false, false),
    THROTTLED("throttled", "too many new connections from your address", false, false),
    TOO_MANY_FROM_ADDRESS("too_many_connections", "too many connections from your address", false, false),
    IDLE_TIMEOUT("idle_timeout", "no answer to ping", true, true),
    FLOOD("flood", "flooding", false, true),
    /** The same client came back on a new connection with its resume token: this one is its ghost. */
    REPLACED("replaced", "replaced by a new connection of the same client", true, true),
    /** Wrong or missing server password (IRC's ERR_PASSWDMISMATCH, then the close). */
    BAD_PASSWORD("bad_password", "wrong server password", false, false),
    /** Too many failed operator logins on one connection. */
    OPER_FAILED("oper_failed", "too many failed operator logins", false, false),
    /** An operator banned this nick or address. */
    BANNED("banned", "banned", false, false);

    private final String code;
    private final String summary;
    private final boolean expected;
    private final boolean dropsPending;

    CloseReason(String code, String summary, boolean expected, boolean dropsPending) {
        this.code = code;
        this.summary = summary;
        this.expected = expected;
        this.dropsPending = dropsPending;
    }

    /** The stable wire code, as in {@code {"type":"bye","code":"slow_consumer",...}}. */
    String code() {
        return code;
    }

    String summary() {
        return summary;
    }

    /** Ordinary ends of a conversation are logged quietly; the others are worth an operator's look. */
    boolean expected() {
        return expected;
    }

    /** A client that cannot keep up gets no more of its backlog: only the bye, then the close. */
    boolean dropsPending() {
        return dropsPending;
    }
}
