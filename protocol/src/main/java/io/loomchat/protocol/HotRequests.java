package io.loomchat.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The lines a server reads most ({@code say}, {@code msg}, {@code ping}, {@code pong}) decoded in one
 * streaming pass, without building a JSON tree. It answers only when the line is exactly such a request
 * with nothing unusual in it, and the answer is then the one {@link Decoding} would give; anything else
 * (another type, an unknown or nested field, a wrong type, a duplicate key, bad JSON) returns null and the
 * line goes the full way, which also words every error. So this path can only be faster, never different:
 * a test checks the two agree on every line of the test and fuzz corpora.
 */
final class HotRequests {

    private HotRequests() {
    }

    /** The request, or null to take the full path. The bytes have passed the UTF-8 check. */
    static Request decode(byte[] buf, int off, int len) {
        Request plain = PlainRequestScan.decode(buf, off, len); // most lines: no escapes, no parser needed
        return plain != null ? plain : streamed(buf, off, len);
    }

    private static Request streamed(byte[] buf, int off, int len) {
        String type = null;
        String room = null;
        String to = null;
        String text = null;
        String ref = null;
        boolean action = false;
        try (JsonParser p = Codec.FACTORY.createParser(buf, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("action")) {
                    if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL) {
                        return null;
                    }
                    action = value == JsonToken.VALUE_TRUE;
                    continue;
                }
                if (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL) {
                    return null; // a number, an object, an array: the full path decides (and words the error)
                }
                String string = value == JsonToken.VALUE_NULL ? null : p.getText();
                switch (field) {
                    case "type" -> type = string;
                    case "room" -> room = string;
                    case "to" -> to = string;
                    case "text" -> text = string;
                    case "ref" -> ref = string;
                    default -> {
                        return null; // an unknown field: allowed, but not common
                    }
                }
            }
            if (token != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
        } catch (IOException e) {
            return null; // bad JSON, a duplicate key: the full path says what is wrong
        }
        if (type == null || (ref != null && ref.length() > Codec.MAX_REF_CHARS)) {
            return null;
        }
        return switch (type) {
            case "say" -> text == null || to != null || lone(text) || lone(room) ? null : new Request.Say(room, text, action, ref);
            case "msg" -> text == null || to == null || room != null || lone(text) || lone(to) ? null
                    : new Request.Msg(to, text, action, ref);
            case "ping" -> room == null && to == null && text == null && !action ? new Request.Ping(ref) : null;
            case "pong" -> room == null && to == null && text == null && !action ? new Request.Pong(ref) : null;
            default -> null;
        };
    }

    /** Holds an unpaired surrogate: refused by the full path with its own error. */
    private static boolean lone(String text) {
        return text != null && Codec.unpairedSurrogate(text) >= 0;
    }
}
