package io.loomchat.protocol;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The stable error codes of {@code error} replies. docs/PROTOCOL.md lists each; never rename one. */
public enum ErrorCode {
    /** The line was longer than the server's max-line-bytes; it was discarded. */
    LINE_TOO_LONG("line_too_long"),
    /** Not valid UTF-8, not valid JSON, or not a JSON object. */
    MALFORMED("malformed"),
    /** The "type" names no request this side accepts. */
    UNKNOWN_TYPE("unknown_type"),
    MISSING_FIELD("missing_field"),
    /** A field has the wrong JSON type or an unacceptable value. */
    BAD_FIELD("bad_field"),
    INVALID_NICK("invalid_nick"),
    NICK_TAKEN("nick_taken"),
    INVALID_ROOM("invalid_room"),
    INVALID_TEXT("invalid_text"),
    NOT_REGISTERED("not_registered"),
    ALREADY_REGISTERED("already_registered"),
    NOT_IN_ROOM("not_in_room"),
    ALREADY_IN_ROOM("already_in_room"),
    NO_SUCH_ROOM("no_such_room"),
    NO_SUCH_NICK("no_such_nick"),
    /** Flood control: more lines than the server's rate allows; the line was refused, not queued. */
    RATE_LIMITED("rate_limited"),
    /** The client is already in as many rooms as the server allows. */
    TOO_MANY_ROOMS("too_many_rooms"),
    /** The room already has as many members as the server allows. */
    ROOM_FULL("room_full"),
    /** A topic longer than the server's max-topic-chars, or with line breaks. */
    INVALID_TOPIC("invalid_topic"),
    /** The server could not write the message to its journal; it was not said. Retrying may work. */
    STORAGE_FAILED("storage_failed"),
    /** The request is for operators; log in with oper first. */
    NOT_OPERATOR("not_operator"),
    /** Wrong operator name or password. */
    OPER_FAILED("oper_failed"),
    /** An operator muted this client in the room for a while. */
    MUTED("muted"),
    /** The nick asked for in a rename is banned (a banned nick in hello ends the connection instead). */
    NICK_BANNED("nick_banned"),
    /**
     * In a cluster: NATS, where lines are stored and nicks owned, cannot be reached now. The line or nick
     * was not taken; the connection stays, and the same request may be sent again in a moment.
     */
    UNAVAILABLE("unavailable"),
    /** The nick belongs to an account: log in to it first (login, or account credentials in hello). */
    NICK_RESERVED("nick_reserved"),
    /** No such account, or the wrong password: which of the two is not said. */
    LOGIN_FAILED("login_failed"),
    /** This server keeps no accounts (it runs without --data-dir, or as a cluster node). */
    ACCOUNTS_OFF("accounts_off"),
    /** An account with that name, or one that looks like it, exists. */
    ACCOUNT_EXISTS("account_exists"),
    /** A new password too short or too long. */
    WEAK_PASSWORD("weak_password"),
    /** The request is for a connection logged in to an account (a password change), or the server needs one. */
    NOT_LOGGED_IN("not_logged_in"),
    /** This connection is logged in to an account already. */
    ALREADY_LOGGED_IN("already_logged_in"),
    NO_SUCH_ACCOUNT("no_such_account"),
    /** The account is connected from as many clients as the server allows (max-devices-per-account). */
    TOO_MANY_DEVICES("too_many_devices");

    private static final Map<String, ErrorCode> BY_WIRE_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ErrorCode::wireName, Function.identity()));

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The code for a wire name, or {@code null} if this version does not know it. */
    public static ErrorCode fromWireName(String name) {
        return BY_WIRE_NAME.get(name);
    }
}
