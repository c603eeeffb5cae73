package io.loomchat.protocol;

/** A line that cannot be accepted, with the stable code the peer is told and the request's ref if one was read. */
public final class ProtocolException extends Exception {

    private final ErrorCode code;
    private final String ref;

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ProtocolException(ErrorCode code, String message, String ref) {
        super(message, null, false, false);
        this.code = code;
        this.ref = ref;
    }

    public ErrorCode code() {
        return code;
    }

    /** The ref of the offending request, so the error can echo it; {@code null} when none could be read. */
    public String ref() {
        return ref;
    }

    public Event.ErrorReply toReply() {
        return new Event.ErrorReply(code, getMessage(), ref);
    }
}
