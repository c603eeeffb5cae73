package io.loomchat.server.delivery;

import io.loomchat.protocol.CloseCode;
import java.util.Arrays;
import java.util.List;

/**
 * Why a connection ended, with what the server does about it (how it logs it, whether queued lines still
 * go out); the wire code is the protocol's {@link CloseCode}. Set once, by whoever ends it first, and logged once in the connection's single
 * {@code finally}. The code is sent in the {@code bye} and named in {@code left} notices.
 */
public enum CloseReason {
    QUIT(CloseCode.QUIT, "client quit", true, false),
    CLIENT_CLOSED(CloseCode.CLIENT_CLOSED, "connection closed by client", true, false),
    READ_ERROR(CloseCode.READ_ERROR, "connection lost", true, false),
    HANDSHAKE_TIMEOUT(CloseCode.HANDSHAKE_TIMEOUT, "no hello in time", false, false),
    SLOW_CONSUMER(CloseCode.SLOW_CONSUMER, "slow consumer", false, true),
    WRITE_TIMEOUT(CloseCode.WRITE_TIMEOUT, "write timed out", false, true),
    SHUTDOWN(CloseCode.SHUTDOWN, "server shutting down", true, false),
    SERVER_FULL(CloseCode.SERVER_FULL, "server is full", false, false),
    THROTTLED(CloseCode.THROTTLED, "too many new connections from your address", false, false),
    TOO_MANY_FROM_ADDRESS(CloseCode.TOO_MANY_CONNECTIONS, "too many connections from your address", false, false),
    IDLE_TIMEOUT(CloseCode.IDLE_TIMEOUT, "no answer to ping", true, true),
    FLOOD(CloseCode.FLOOD, "flooding", false, true),
    /** The same client came back on a new connection with its resume token: this one is its ghost. */
    REPLACED(CloseCode.REPLACED, "replaced by a new connection of the same client", true, true),
    /** Wrong or missing server password (IRC's ERR_PASSWDMISMATCH, then the close). */
    BAD_PASSWORD(CloseCode.BAD_PASSWORD, "wrong server password", false, false),
    /** Too many failed operator logins on one connection. */
    OPER_FAILED(CloseCode.OPER_FAILED, "too many failed operator logins", false, false),
    /** An operator banned this nick or address. */
    BANNED(CloseCode.BANNED, "banned", false, false),
    /** IRC registration that no NICK can fix: accounts required, or the account's devices all taken. */
    ACCOUNT_NEEDED(CloseCode.ACCOUNT_NEEDED, "could not register without an account", false, false);

    private final CloseCode code;
    private final String summary;
    private final boolean expected;
    private final boolean dropsPending;

    CloseReason(CloseCode code, String summary, boolean expected, boolean dropsPending) {
        this.code = code;
        this.summary = summary;
        this.expected = expected;
        this.dropsPending = dropsPending;
    }

    /** The stable wire code, as in {@code {"type":"bye","code":"slow_consumer",...}}. */
    public String code() {
        return code.wireName();
    }

    public String summary() {
        return summary;
    }

    /** Ordinary ends of a conversation are logged quietly; the others are worth an operator's look. */
    public boolean expected() {
        return expected;
    }

    /** A client that cannot keep up gets no more of its backlog: only the bye, then the close. */
    public boolean dropsPending() {
        return dropsPending;
    }

    /** Every close code, in the order declared (the metrics show each from the start). */
    public static List<String> codes() {
        return Arrays.stream(values()).map(CloseReason::code).toList();
    }
}
