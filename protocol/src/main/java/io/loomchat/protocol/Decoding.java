package io.loomchat.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.protocol.Event.Bye;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.Event.ErrorReply;
import io.loomchat.protocol.Event.Joined;
import io.loomchat.protocol.Event.Left;
import io.loomchat.protocol.Event.Members;
import io.loomchat.protocol.Event.Pong;
import io.loomchat.protocol.Event.PrivateMessage;
import io.loomchat.protocol.Event.Renamed;
import io.loomchat.protocol.Event.RoomInfo;
import io.loomchat.protocol.Event.RoomList;
import io.loomchat.protocol.Event.Welcome;
import io.loomchat.protocol.Request.Hello;
import io.loomchat.protocol.Request.Join;
import io.loomchat.protocol.Request.Leave;
import io.loomchat.protocol.Request.ListRooms;
import io.loomchat.protocol.Request.Msg;
import io.loomchat.protocol.Request.Nick;
import io.loomchat.protocol.Request.Ping;
import io.loomchat.protocol.Request.Quit;
import io.loomchat.protocol.Request.Replay;
import io.loomchat.protocol.Request.Say;
import io.loomchat.protocol.Request.Who;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decoding half of the {@link Codec}: a line's bytes to a JSON object (strict UTF-8, one object, no
 * duplicate keys, nothing after it) and the object to a {@link Request} or {@link Event}, with an error
 * that names the field at fault and echoes the ref. Pure, like the codec.
 */
final class Decoding {

    private Decoding() {
    }

    /**
     * Valid UTF-8 JSON never holds a raw NUL byte, and Jackson would take leading NULs as a sign of UTF-16
     * or UTF-32: the protocol is UTF-8 only. (Found by fuzzing.) Jackson also reads overlong and
     * out-of-range sequences without complaint, so the bytes are checked first, strictly (RFC 3629).
     */
    static void checkUtf8(byte[] buf, int off, int len) throws ProtocolException {
        int bad = Utf8.firstInvalid(buf, off, len);
        if (bad >= 0) {
            throw new ProtocolException(ErrorCode.MALFORMED, (buf[bad] == 0 ? "NUL byte" : "invalid UTF-8")
                    + " at column " + (bad - off + 1));
        }
    }

    /** The line as a JSON object tree; its bytes must have passed {@link #checkUtf8}. */
    static ObjectNode parseObject(byte[] buf, int off, int len) throws ProtocolException {
        JsonNode node;
        try {
            node = Codec.TREE.readTree(buf, off, len);
        } catch (JsonProcessingException e) {
            long column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
            throw new ProtocolException(ErrorCode.MALFORMED,
                    "invalid JSON" + (column > 0 ? " at column " + column : "") + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            // Not a JSON syntax error but still bad input, e.g. an impossible character in a multi-byte encoding.
            throw new ProtocolException(ErrorCode.MALFORMED, "unreadable input: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            throw new ProtocolException(ErrorCode.MALFORMED, "empty line: expected a JSON object");
        }
        if (!(node instanceof ObjectNode object)) {
            throw new ProtocolException(ErrorCode.MALFORMED, "expected a JSON object, got " + describe(node));
        }
        return object;
    }

    static Request toRequest(ObjectNode o) throws ProtocolException {
        Fields f = new Fields(o);
        String type = f.type();
        return switch (type) {
            case "hello" -> new Hello(f.string("nick"), f.optString("room"), f.replay(), f.optString("resume"),
                    f.optString("password"), f.optCredentials(), f.ref);
            case "login" -> new Request.Login(new Request.Credentials(f.string("account"), f.string("password")), f.ref);
            case "register" -> new Request.Register(f.optString("account"), f.string("password"), f.ref);
            case "password" -> new Request.ChangePassword(f.string("password"), f.string("new_password"), f.ref);
            case "drop_account" -> new Request.DropAccount(f.string("account"), f.ref);
            case "mark_read" -> {
                Long id = f.optId("id");
                if (id == null) {
                    throw new ProtocolException(ErrorCode.MISSING_FIELD, "missing field 'id'", f.ref);
                }
                yield new Request.MarkRead(f.optString("room"), id, f.ref);
            }
            case "oper" -> new Request.Oper(f.string("name"), f.string("password"), f.ref);
            case "kick" -> new Request.Kick(f.optString("room"), f.string("nick"), f.optString("reason"), f.ref);
            case "ban" -> new Request.Ban(f.optString("nick"), f.optString("address"), f.optSeconds("seconds"),
                    f.optString("reason"), f.optBool("with_address"), f.ref);
            case "unban" -> new Request.Unban(f.optString("nick"), f.optString("address"), f.ref);
            case "mute" -> new Request.Mute(f.optString("room"), f.string("nick"), f.optSeconds("seconds"), f.ref);
            case "unmute" -> new Request.Unmute(f.optString("room"), f.string("nick"), f.ref);
            case "say" -> new Say(f.optString("room"), f.string("text"), f.optBool("action"), f.ref);
            case "msg" -> new Msg(f.string("to"), f.string("text"), f.optBool("action"), f.ref);
            case "join" -> new Join(f.string("room"), f.replay(), f.ref);
            case "topic" -> new Request.Topic(f.optString("room"), f.optString("text"), f.ref);
            case "away" -> new Request.Away(f.optString("reason"), f.ref);
            case "history" -> new Request.History(f.optString("room"), f.optId("before"), f.optId("after"),
                    f.optCount("limit"), f.ref);
            case "leave" -> new Leave(f.optString("room"), f.optString("reason"), f.ref);
            case "nick" -> new Nick(f.string("nick"), f.ref);
            case "who" -> new Who(f.optString("room"), f.optString("after"), f.ref);
            case "rooms" -> new ListRooms(f.optString("after"), f.ref);
            case "ping" -> new Ping(f.ref);
            case "pong" -> new Request.Pong(f.ref);
            case "quit" -> new Quit(f.optString("reason"), f.ref);
            default -> throw f.unknownType("request");
        };
    }

    static Event toEvent(ObjectNode o) throws ProtocolException {
        Fields f = new Fields(o);
        String type = f.type();
        return switch (type) {
            case "welcome" -> new Welcome(f.string("nick"), (int) f.optLong("version", 0),
                    f.optString("server"), f.optString("room"), f.optString("resume"), f.optString("epoch"),
                    f.optString("account"), f.ref);
            case "account" -> new Event.Account(f.optString("account"), f.ref);
            case "read" -> new Event.Read(f.string("room"), f.optLong("id", 0), f.optLong("unread", 0), f.ref);
            case "message" -> new ChatMessage(f.optLong("id", 0), f.string("room"), f.string("from"),
                    f.string("text"), f.optBool("action"), f.ts(), f.optBool("history"), f.ref);
            case "topic" -> new Event.Topic(f.string("room"), f.string("topic"), f.optString("by"),
                    f.optString("ts") == null ? null : f.ts(), f.ref);
            case "away" -> new Event.Away(f.string("nick"), f.optString("reason"), f.ref);
            case "history_end" -> new Event.HistoryEnd(f.string("room"), (int) f.optLong("count", 0),
                    f.optBool("more"), f.optLong("last", 0), f.ref);
            case "private" -> new PrivateMessage(f.string("from"), f.string("to"), f.string("text"),
                    f.optBool("action"), f.ts(), f.ref);
            case "joined" -> new Joined(f.string("room"), f.string("nick"), f.ts(), f.ref);
            case "left" -> new Left(f.string("room"), f.string("nick"), f.optString("reason"), f.ts(), f.ref);
            case "renamed" -> new Renamed(f.string("old"), f.string("nick"), f.ts(), f.ref);
            case "members" -> new Members(f.string("room"), f.stringList("nicks"), f.stringMap("away"),
                    f.optBool("more"), f.ref);
            case "room_list" -> new RoomList(f.roomList("rooms"), f.optBool("more"), f.ref);
            case "pong" -> new Pong(f.ref);
            case "notice" -> new Event.Notice(f.string("text"), f.ref);
            case "ping" -> new Event.Ping(f.ref);
            case "error" -> new ErrorReply(f.string("code"), f.string("message"), f.ref);
            case "bye" -> new Bye(f.string("code"), f.optString("reason") == null ? "" : f.optString("reason"));
            default -> throw f.unknownType("event");
        };
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase();
        };
    }

    /** Typed access to one object's fields; every failure names the field and carries the ref. */
    private static final class Fields {
        private final ObjectNode o;
        private final String ref;

        Fields(ObjectNode o) throws ProtocolException {
            this.o = o;
            // Read the ref first so that every later error can echo it.
            JsonNode r = o.get("ref");
            if (r == null || r.isNull()) {
                this.ref = null;
            } else if (!r.isTextual()) {
                throw new ProtocolException(ErrorCode.BAD_FIELD, "field 'ref' must be a string, got " + describe(r));
            } else if (r.textValue().length() > Codec.MAX_REF_CHARS) {
                throw new ProtocolException(ErrorCode.BAD_FIELD,
                        "field 'ref' exceeds " + Codec.MAX_REF_CHARS + " characters");
            } else {
                this.ref = r.textValue();
            }
        }

        String type() throws ProtocolException {
            return string("type");
        }

        ProtocolException unknownType(String direction) {
            String type = o.get("type").textValue();
            return new ProtocolException(ErrorCode.UNKNOWN_TYPE,
                    "unknown " + direction + " type '" + abbreviate(type) + "'", ref);
        }

        String string(String name) throws ProtocolException {
            String value = optString(name);
            if (value == null) {
                throw new ProtocolException(ErrorCode.MISSING_FIELD, "missing field '" + name + "'", ref);
            }
            return value;
        }

        String optString(String name) throws ProtocolException {
            JsonNode v = o.get(name);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                throw badType(name, "a string", v);
            }
            String text = v.textValue();
            int lone = Codec.unpairedSurrogate(text);
            if (lone >= 0) {
                // Legal in a JSON escape, but no Unicode text: stricter readers of the relayed line would fail.
                throw new ProtocolException(ErrorCode.BAD_FIELD, "field '" + name + "' holds an unpaired surrogate \\u"
                        + String.format("%04x", (int) text.charAt(lone)), ref);
            }
            return text;
        }

        boolean optBool(String name) throws ProtocolException {
            JsonNode v = o.get(name);
            if (v == null || v.isNull()) {
                return false;
            }
            if (!v.isBoolean()) {
                throw badType(name, "a boolean", v);
            }
            return v.booleanValue();
        }

        /** A hello's account and account_password: both or neither. */
        Request.Credentials optCredentials() throws ProtocolException {
            String account = optString("account");
            String password = optString("account_password");
            if ((account == null) != (password == null)) {
                throw new ProtocolException(ErrorCode.MISSING_FIELD, "missing field '"
                        + (account == null ? "account" : "account_password") + "': a hello logs in with both or neither",
                        ref);
            }
            return account == null ? null : new Request.Credentials(account, password);
        }

        Replay replay() throws ProtocolException {
            Integer last = optCount("history");
            Long after = optId("after");
            return last == null && after == null ? Replay.DEFAULT : new Replay(last, after);
        }

        /** A message id or null; ids start at 1, so 0 means "from the start". */
        Long optId(String name) throws ProtocolException {
            JsonNode v = o.get(name);
            if (v == null || v.isNull()) {
                return null;
            }
            long id = optLong(name, 0);
            if (id < 0) {
                throw badType(name, "a message id (0 or more)", v);
            }
            return id;
        }

        /** A ban or mute length in seconds, 0 to {@link Request#MAX_SANCTION_SECONDS}, or null. */
        Long optSeconds(String name) throws ProtocolException {
            JsonNode v = o.get(name);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0
                    || v.longValue() > Request.MAX_SANCTION_SECONDS) {
                throw badType(name, "seconds from 0 to " + Request.MAX_SANCTION_SECONDS + " (ten years)", v);
            }
            return v.longValue();
        }

        /** A count of messages or null. */
        Integer optCount(String name) throws ProtocolException {
            JsonNode v = o.get(name);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
                throw badType(name, "a count (0 or more)", v);
            }
            return v.intValue();
        }

        Map<String, String> stringMap(String name) throws ProtocolException {
            JsonNode v = o.get(name);
            if (v == null || v.isNull()) {
                return Map.of();
            }
            if (!v.isObject()) {
                throw badType(name, "an object of strings", v);
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                if (!e.getValue().isTextual()) {
                    throw badType(name, "an object of strings", v);
                }
                out.put(e.getKey(), e.getValue().textValue());
            }
            return out;
        }

        long optLong(String name, long fallback) throws ProtocolException {
            JsonNode v = o.get(name);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw badType(name, "an integer", v);
            }
            return v.longValue();
        }

        Instant ts() throws ProtocolException {
            try {
                return Timestamps.parse(string("ts"));
            } catch (ProtocolException e) {
                throw new ProtocolException(e.code(), e.getMessage(), ref);
            }
        }

        List<String> stringList(String name) throws ProtocolException {
            JsonNode v = o.get(name);
            if (v == null || v.isNull()) {
                throw new ProtocolException(ErrorCode.MISSING_FIELD, "missing field '" + name + "'", ref);
            }
            if (!v.isArray()) {
                throw badType(name, "an array of strings", v);
            }
            List<String> out = new ArrayList<>(v.size());
            for (JsonNode item : v) {
                if (!item.isTextual()) {
                    throw badType(name, "an array of strings", v);
                }
                out.add(item.textValue());
            }
            return out;
        }

        List<RoomInfo> roomList(String name) throws ProtocolException {
            JsonNode v = o.get(name);
            if (v == null || !v.isArray()) {
                throw badType(name, "an array of rooms", v == null ? Codec.MAPPER.nullNode() : v);
            }
            List<RoomInfo> out = new ArrayList<>(v.size());
            for (JsonNode item : v) {
                JsonNode roomName = item.get("name");
                JsonNode members = item.get("members");
                if (roomName == null || !roomName.isTextual() || members == null || !members.canConvertToInt()) {
                    throw badType(name, "an array of {name, members} objects", v);
                }
                JsonNode topic = item.get("topic");
                out.add(new RoomInfo(roomName.textValue(), members.intValue(),
                        topic != null && topic.isTextual() ? topic.textValue() : null));
            }
            return out;
        }

        private ProtocolException badType(String name, String expected, JsonNode got) {
            return new ProtocolException(ErrorCode.BAD_FIELD,
                    "field '" + name + "' must be " + expected + ", got " + describe(got), ref);
        }

        private static String abbreviate(String s) {
            return s.length() <= 32 ? s : s.substring(0, 32) + "...";
        }
    }
}
