package io.loomchat.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

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
    static final JsonFactory FACTORY = new JsonFactoryBuilder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build())
            .characterEscapes(new WireEscapes())
            // Custom escapes would otherwise send an emoji as two \\u escapes instead of its UTF-8 bytes.
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();
    static final ObjectMapper MAPPER = new ObjectMapper(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final ObjectReader TREE = MAPPER.reader();

    private Codec() {
    }

    // ---- decoding ----------------------------------------------------------------------------------

    /** Decodes a client's line (without its terminator) into a request. */
    public static Request decodeRequest(byte[] buf, int off, int len) throws ProtocolException {
        Decoding.checkUtf8(buf, off, len);
        Request hot = HotRequests.decode(buf, off, len); // the common lines, without building a tree
        return hot != null ? hot : Decoding.toRequest(Decoding.parseObject(buf, off, len));
    }

    public static Request decodeRequest(String line) throws ProtocolException {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return decodeRequest(bytes, 0, bytes.length);
    }

    /** Decodes a server's line (without its terminator) into an event. */
    public static Event decodeEvent(byte[] buf, int off, int len) throws ProtocolException {
        Decoding.checkUtf8(buf, off, len);
        return Decoding.toEvent(Decoding.parseObject(buf, off, len));
    }

    public static Event decodeEvent(String line) throws ProtocolException {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return decodeEvent(bytes, 0, bytes.length);
    }

    // ---- encoding ----------------------------------------------------------------------------------

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
    /** {@code value} as a JSON string, as the generator writes it. */
    private static byte[] quoted(String value) {
        if (PlainMessageLine.length(value) == value.length() + 2) {
            return ('"' + value + '"').getBytes(StandardCharsets.ISO_8859_1); // printable ASCII: nothing to escape
        }
        ByteArrayOutputStream quoted = new ByteArrayOutputStream(value.length() + 16);
        try (JsonGenerator g = FACTORY.createGenerator(quoted)) {
            g.writeString(value);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a byte array cannot fail", e);
        }
        return quoted.toByteArray();
    }

    public static byte[] withRef(byte[] line, String ref) {
        if (ref == null) {
            return line;
        }
        byte[] value = quoted(ref);
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

    /** Encodes one message as UTF-8 JSON followed by {@code \n}, ready to write to a socket. */
    public static byte[] encode(Message message) {
        if (message instanceof Event.ChatMessage chat) {
            byte[] plain = PlainMessageLine.encode(chat); // the line a server writes most, without a generator
            if (plain != null) {
                return plain;
            }
        }
        return generated(message);
    }

    /** The line as the generator writes it: the reference that every shortcut must equal. */
    static byte[] generated(Message message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            Encoding.write(g, message);
            if (message.ref() != null) {
                Encoding.string(g, "ref", message.ref());
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

}
