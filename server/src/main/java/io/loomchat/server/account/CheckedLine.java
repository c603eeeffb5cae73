package io.loomchat.server.account;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * The line format of the account files: one JSON object, closed by a CRC-32C of everything before it
 * ({@code ...,"crc":"1a2b3c4d"}). The check catches what rules alone would not: a name or a hash changed by
 * hand, a bit flipped on the disk. Pure.
 */
final class CheckedLine {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String CRC_FIELD = ",\"crc\":\"";

    /** A line that is not one the server wrote. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message);
        }
    }

    private CheckedLine() {
    }

    /** {@code o} as one checked line, newline included. */
    static byte[] encode(ObjectNode o) {
        String json = o.toString();
        String body = json.substring(0, json.length() - 1); // without the closing brace
        return (body + CRC_FIELD + crc(body) + "\"}\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The object of a line written by {@link #encode}, without its newline; its crc field removed. */
    static JsonNode decode(String line) throws Unreadable {
        int at = line.lastIndexOf(CRC_FIELD);
        if (at < 0 || !line.endsWith("\"}") || line.length() != at + CRC_FIELD.length() + 8 + 2) {
            throw new Unreadable("no check sum at its end");
        }
        String body = line.substring(0, at);
        if (!crc(body).equals(line.substring(at + CRC_FIELD.length(), at + CRC_FIELD.length() + 8))) {
            throw new Unreadable("its check sum does not match what it says");
        }
        try {
            return JSON.readTree(body + "}");
        } catch (JsonProcessingException e) {
            throw new Unreadable("not a record: " + e.getOriginalMessage());
        }
    }

    private static String crc(String body) {
        CRC32C crc = new CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }
}
