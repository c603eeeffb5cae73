package io.loomchat.protocol;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Why the server closed a connection: the {@code code} of a {@code bye} event and the reason in the
 * {@code left} notices others see. Stable wire names; the meaning of each is in docs/PROTOCOL.md.
 */
public enum CloseCode {
    QUIT("quit"),
    CLIENT_CLOSED("client_closed"),
    READ_ERROR("read_error"),
    HANDSHAKE_TIMEOUT("handshake_timeout"),
    SLOW_CONSUMER("slow_consumer"),
    WRITE_TIMEOUT("write_timeout"),
    SHUTDOWN("shutdown"),
    SERVER_FULL("server_full"),
    THROTTLED("throttled"),
    TOO_MANY_CONNECTIONS("too_many_connections"),
    IDLE_TIMEOUT("idle_timeout"),
    FLOOD("flood"),
    REPLACED("replaced"),
    BAD_PASSWORD("bad_password"),
    OPER_FAILED("oper_failed"),
    BANNED("banned"),
    /** An IRC client that cannot register without what only an account gives (SASL, or a free device slot). */
    ACCOUNT_NEEDED("account_needed");

    private static final Map<String, CloseCode> BY_WIRE_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(CloseCode::wireName, Function.identity()));

    private final String wireName;

    CloseCode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The code for a wire name, or null for one this version does not know. */
    public static CloseCode fromWire(String wireName) {
        return wireName == null ? null : BY_WIRE_NAME.get(wireName);
    }
}
