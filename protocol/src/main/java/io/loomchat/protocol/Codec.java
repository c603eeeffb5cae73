package io.loomchat.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pure codec: one JSON object per line, to and from {@link Message}s. No I/O, no state; safe to call
 * from any number of threads.
 *
 * <p>Decoding is strict about what it needs (types of known fields, no duplicate keys, nothing after the
 * object) and lenient about what it does not: unknown fields are ignored, so newer peers can add fields.
 */
public final class Codec {

    /** The protocol version announced in {@code welcome}. */
    public static final int PROTOCOL_VERSION = 1;

    /** Longest accepted {@code ref}; a ref is an opaque token, not a payload. */
    public static final int MAX_REF_CHARS = 64;

    // Thread-local buffer recycling would cost memory per virtual thread; a shared deque pool does not.
    private static final JsonFactory FACTORY = new JsonFactoryBuilder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
            .characterEscapes(new WireEscapes())
            // Custom escapes would otherwise send an emoji as two \\u escapes instead of its UTF-8 bytes.
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectReader TREE = MAPPER.reader();

    private Codec() {
    }

    // ---- decoding ----------------------------------------------------------------------------------

    /** Decodes a client's line (without its terminator) into a request. */
    public static Request decodeRequest(byte[] buf, int off, int len) throws ProtocolException {
        return toRequest(parseObject(buf, off, len));
    }

    public static Request decodeRequest(String line) throws ProtocolException {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return decodeRequest(bytes, 0, bytes.length);
    }

    /** Decodes a server's line (without its terminator) into an event. */
    public static Event decodeEvent(byte[] buf, int off, int len) throws ProtocolException {
        return toEvent(parseObject(buf, off, len));
    }

    public static Event decodeEvent(String line) throws ProtocolException {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return decodeEvent(bytes, 0, bytes.length);
    }

    private static ObjectNode parseObject(byte[] buf, int off, int len) throws ProtocolException {
        // Valid UTF-8 JSON never holds a raw NUL byte, and Jackson would take leading NULs as a sign of
        // UTF-16 or UTF-32: the protocol is UTF-8 only. (Found by fuzzing.) Jackson also reads overlong and
        // out-of-range sequences without complaint, so the bytes are checked here, strictly (RFC 3629).
        int bad = Utf8.firstInvalid(buf, off, len);
        if (bad >= 0) {
            throw new ProtocolException(ErrorCode.MALFORMED, (buf[bad] == 0 ? "NUL byte" : "invalid UTF-8")
                    + " at column " + (bad - off + 1));
        }
        JsonNode node;
        try {
            node = TREE.readTree(buf, off, len);
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

    private static Request toRequest(ObjectNode o) throws ProtocolException {
        Fields f = new Fields(o);
        String type = f.type();
        return switch (type) {
            case "hello" -> new Hello(f.string("nick"), f.optString("room"), f.replay(), f.optString("resume"),
                    f.optString("password"), f.ref);
            case "oper" -> new Request.Oper(f.string("name"), f.string("password"), f.ref);
            case "kick" -> new Request.Kick(f.optString("room"), f.string("nick"), f.optString("reason"), f.ref);
            case "ban" -> new Request.Ban(f.optString("nick"), f.optString("address"), f.optSeconds("seconds"),
                    f.optString("reason"), f.ref);
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
            case "leave" -> new Leave(f.optString("room"), f.ref);
            case "nick" -> new Nick(f.string("nick"), f.ref);
            case "who" -> new Who(f.optString("room"), f.optString("after"), f.ref);
            case "rooms" -> new ListRooms(f.optString("after"), f.ref);
            case "ping" -> new Ping(f.ref);
            case "pong" -> new Request.Pong(f.ref);
            case "quit" -> new Quit(f.optString("reason"), f.ref);
            default -> throw f.unknownType("request");
        };
    }

    private static Event toEvent(ObjectNode o) throws ProtocolException {
        Fields f = new Fields(o);
        String type = f.type();
        return switch (type) {
            case "welcome" -> new Welcome(f.string("nick"), (int) f.optLong("version", 0),
                    f.optString("server"), f.optString("room"), f.optString("resume"), f.optString("epoch"), f.ref);
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
            } else if (r.textValue().length() > MAX_REF_CHARS) {
                throw new ProtocolException(ErrorCode.BAD_FIELD,
                        "field 'ref' exceeds " + MAX_REF_CHARS + " characters");
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
            int lone = unpairedSurrogate(text);
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
                throw badType(name, "an array of rooms", v == null ? MAPPER.nullNode() : v);
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

    // ---- encoding ----------------------------------------------------------------------------------

    /** Encodes one message as UTF-8 JSON followed by {@code \n}, ready to write to a socket. */
    /**
     * The bytes {@code text} takes as a JSON string on the wire, quotes included: for sizing a reply before
     * encoding it. Escaped characters count six bytes ({@code \u001b}), others their UTF-8 length.
     */
    public static int jsonStringBytes(String text) {
        int bytes = 2;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int chars = Character.charCount(cp);
            if (cp < 0x20 || WireEscapes.isDangerous(cp) || (chars == 1 && Character.isSurrogate((char) cp))) {
                bytes += 6 * chars; // escaped, a pair beyond the Basic Multilingual Plane as two escapes
            } else if (cp == '"' || cp == '\\') {
                bytes += 2;
            } else if (cp < 0x80) {
                bytes += 1;
            } else if (cp < 0x800) {
                bytes += 2;
            } else {
                bytes += chars == 2 ? 4 : 3;
            }
            i += chars;
        }
        return bytes;
    }

    /**
     * {@code line} (an encoded message without a ref, as {@link #encode} wrote it) with {@code ref} added:
     * the same bytes {@code encode} would give for the message with that ref, which it writes last. For the
     * sender's copy of a broadcast: one small encode of the ref instead of a second of the whole message.
     */
    public static byte[] withRef(byte[] line, String ref) {
        if (ref == null) {
            return line;
        }
        ByteArrayOutputStream quoted = new ByteArrayOutputStream(ref.length() + 16);
        try (JsonGenerator g = FACTORY.createGenerator(quoted)) {
            g.writeString(ref);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a byte array cannot fail", e);
        }
        byte[] value = quoted.toByteArray();
        int close = line.length - 2; // the closing brace, before the newline
        if (close < 1 || line[close] != '}' || line[line.length - 1] != '\n') {
            throw new IllegalArgumentException("not an encoded line");
        }
        byte[] field = ",\"ref\":".getBytes(StandardCharsets.US_ASCII);
        boolean empty = line[close - 1] == '{';
        int fieldStart = empty ? 1 : 0; // an empty object takes the field without its comma
        byte[] out = new byte[close + field.length - fieldStart + value.length + 2];
        System.arraycopy(line, 0, out, 0, close);
        System.arraycopy(field, fieldStart, out, close, field.length - fieldStart);
        System.arraycopy(value, 0, out, close + field.length - fieldStart, value.length);
        out[out.length - 2] = '}';
        out[out.length - 1] = '\n';
        return out;
    }

    /** The index of the first unpaired surrogate in {@code text}, or -1. */
    static int unpairedSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    public static byte[] encode(Message message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            write(g, message);
            if (message.ref() != null) {
                string(g, "ref", message.ref());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a byte array cannot fail", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /** The encoded line as a string without its terminator; for logs, tests and {@code --json} output. */
    public static String encodeToString(Message message) {
        byte[] bytes = encode(message);
        return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
    }

    private static void write(JsonGenerator g, Message message) throws IOException {
        switch (message) {
            case Hello m -> {
                type(g, "hello");
                string(g, "nick", m.nick());
                optional(g, "room", m.room());
                replay(g, m.replay());
                optional(g, "resume", m.resume());
                optional(g, "password", m.password());
            }
            case Say m -> {
                type(g, "say");
                optional(g, "room", m.room());
                string(g, "text", m.text());
                flag(g, "action", m.action());
            }
            case Msg m -> {
                type(g, "msg");
                string(g, "to", m.to());
                string(g, "text", m.text());
                flag(g, "action", m.action());
            }
            case Join m -> {
                type(g, "join");
                string(g, "room", m.room());
                replay(g, m.replay());
            }
            case Request.Oper m -> {
                type(g, "oper");
                string(g, "name", m.name());
                string(g, "password", m.password());
            }
            case Request.Kick m -> {
                type(g, "kick");
                optional(g, "room", m.room());
                string(g, "nick", m.nick());
                optional(g, "reason", m.reason());
            }
            case Request.Ban m -> {
                type(g, "ban");
                optional(g, "nick", m.nick());
                optional(g, "address", m.address());
                optionalNumber(g, "seconds", m.seconds());
                optional(g, "reason", m.reason());
            }
            case Request.Unban m -> {
                type(g, "unban");
                optional(g, "nick", m.nick());
                optional(g, "address", m.address());
            }
            case Request.Mute m -> {
                type(g, "mute");
                optional(g, "room", m.room());
                string(g, "nick", m.nick());
                optionalNumber(g, "seconds", m.seconds());
            }
            case Request.Unmute m -> {
                type(g, "unmute");
                optional(g, "room", m.room());
                string(g, "nick", m.nick());
            }
            case Event.Notice m -> {
                type(g, "notice");
                string(g, "text", m.text());
            }
            case Request.Topic m -> {
                type(g, "topic");
                optional(g, "room", m.room());
                optional(g, "text", m.text());
            }
            case Request.Away m -> {
                type(g, "away");
                optional(g, "reason", m.reason());
            }
            case Request.History m -> {
                type(g, "history");
                optional(g, "room", m.room());
                optionalNumber(g, "before", m.before());
                optionalNumber(g, "after", m.after());
                optionalNumber(g, "limit", m.limit());
            }
            case Event.Topic m -> {
                type(g, "topic");
                string(g, "room", m.room());
                string(g, "topic", m.topic());
                optional(g, "by", m.by());
                if (m.ts() != null) {
                    string(g, "ts", Timestamps.format(m.ts()));
                }
            }
            case Event.Away m -> {
                type(g, "away");
                string(g, "nick", m.nick());
                optional(g, "reason", m.reason());
            }
            case Event.HistoryEnd m -> {
                type(g, "history_end");
                string(g, "room", m.room());
                g.writeNumberField("count", m.count());
                g.writeBooleanField("more", m.more());
                g.writeNumberField("last", m.last());
            }
            case Leave m -> {
                type(g, "leave");
                optional(g, "room", m.room());
            }
            case Nick m -> {
                type(g, "nick");
                string(g, "nick", m.nick());
            }
            case Who m -> {
                type(g, "who");
                optional(g, "room", m.room());
                optional(g, "after", m.after());
            }
            case ListRooms m -> {
                type(g, "rooms");
                optional(g, "after", m.after());
            }
            case Ping m -> type(g, "ping");
            case Request.Pong m -> type(g, "pong");
            case Event.Ping m -> type(g, "ping");
            case Quit m -> {
                type(g, "quit");
                optional(g, "reason", m.reason());
            }
            case Welcome m -> {
                type(g, "welcome");
                string(g, "nick", m.nick());
                g.writeNumberField("version", m.version());
                optional(g, "server", m.server());
                optional(g, "room", m.room());
                optional(g, "resume", m.resume());
                optional(g, "epoch", m.epoch());
            }
            case ChatMessage m -> {
                type(g, "message");
                g.writeNumberField("id", m.id());
                string(g, "room", m.room());
                string(g, "from", m.from());
                string(g, "text", m.text());
                flag(g, "action", m.action());
                string(g, "ts", Timestamps.format(m.ts()));
                flag(g, "history", m.history());
            }
            case PrivateMessage m -> {
                type(g, "private");
                string(g, "from", m.from());
                string(g, "to", m.to());
                string(g, "text", m.text());
                flag(g, "action", m.action());
                string(g, "ts", Timestamps.format(m.ts()));
            }
            case Joined m -> {
                type(g, "joined");
                string(g, "room", m.room());
                string(g, "nick", m.nick());
                string(g, "ts", Timestamps.format(m.ts()));
            }
            case Left m -> {
                type(g, "left");
                string(g, "room", m.room());
                string(g, "nick", m.nick());
                optional(g, "reason", m.reason());
                string(g, "ts", Timestamps.format(m.ts()));
            }
            case Renamed m -> {
                type(g, "renamed");
                string(g, "old", m.old());
                string(g, "nick", m.nick());
                string(g, "ts", Timestamps.format(m.ts()));
            }
            case Members m -> {
                type(g, "members");
                string(g, "room", m.room());
                g.writeArrayFieldStart("nicks");
                for (String nick : m.nicks()) {
                    g.writeString(nick);
                }
                g.writeEndArray();
                if (!m.away().isEmpty()) {
                    g.writeObjectFieldStart("away");
                    for (Map.Entry<String, String> away : m.away().entrySet()) {
                        string(g, away.getKey(), away.getValue());
                    }
                    g.writeEndObject();
                }
                if (m.more()) {
                    g.writeBooleanField("more", true);
                }
            }
            case RoomList m -> {
                type(g, "room_list");
                g.writeArrayFieldStart("rooms");
                for (RoomInfo room : m.rooms()) {
                    g.writeStartObject();
                    string(g, "name", room.name());
                    g.writeNumberField("members", room.members());
                    optional(g, "topic", room.topic());
                    g.writeEndObject();
                }
                g.writeEndArray();
                if (m.more()) {
                    g.writeBooleanField("more", true);
                }
            }
            case Pong m -> type(g, "pong");
            case ErrorReply m -> {
                type(g, "error");
                string(g, "code", m.code());
                string(g, "message", m.message());
            }
            case Bye m -> {
                type(g, "bye");
                string(g, "code", m.code());
                string(g, "reason", m.reason());
            }
        }
    }

    private static void type(JsonGenerator g, String type) throws IOException {
        string(g, "type", type);
    }

    /**
     * Writes a string field. Jackson consults the custom escapes only for characters of the Basic
     * Multilingual Plane; the few invisible characters beyond it (tag characters, musical formatting
     * controls) are escaped here, as surrogate pairs, on the rare strings that hold any.
     */
    private static void string(JsonGenerator g, String name, String value) throws IOException {
        if (!hasInvisibleBeyondBmp(value)) {
            g.writeStringField(name, value);
            return;
        }
        StringBuilder quoted = new StringBuilder(value.length() + 32).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            int cp = value.codePointAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20 || WireEscapes.isDangerous(cp) || Character.isSurrogate(c) && cp == c) {
                if (Character.charCount(cp) == 2) {
                    quoted.append(String.format("\\u%04X\\u%04X", (int) c, (int) value.charAt(i + 1)));
                    i++;
                } else {
                    quoted.append(String.format("\\u%04X", (int) c));
                }
            } else if (Character.charCount(cp) == 2) {
                quoted.append(c).append(value.charAt(i + 1)); // a pair that is shown: as it is
                i++;
            } else {
                quoted.append(c);
            }
        }
        g.writeFieldName(name);
        g.writeRawValue(quoted.append('"').toString());
    }

    private static boolean hasInvisibleBeyondBmp(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isHighSurrogate(value.charAt(i)) && WireEscapes.isDangerous(value.codePointAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static void optional(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            string(g, name, value);
        }
    }

    private static void optionalNumber(JsonGenerator g, String name, Number value) throws IOException {
        if (value != null) {
            g.writeNumberField(name, value.longValue());
        }
    }

    private static void replay(JsonGenerator g, Replay replay) throws IOException {
        optionalNumber(g, "history", replay.last());
        optionalNumber(g, "after", replay.after());
    }

    private static void flag(JsonGenerator g, String name, boolean value) throws IOException {
        if (value) {
            g.writeBooleanField(name, true);
        }
    }
}
