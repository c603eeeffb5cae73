package io.loomchat.server.account;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.server.guard.PasswordHash;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * One line of the accounts file: a change to one account, as JSON, closed by a CRC-32C of everything
 * before it ({@code ...,"crc":"1a2b3c4d"}). The check catches what the rules alone would not: a hash or a
 * name changed by hand, or a bit flipped on the disk. Pure: no file here, see {@link AccountBook}.
 */
record AccountRecord(Op op, String account, PasswordHash password, Instant ts) {

    enum Op { REGISTER, PASSWORD, DROP }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CRC_FIELD = ",\"crc\":\"";

    /** A line that is not a record the server wrote. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message);
        }
    }

    /** This record as one line, newline included. */
    byte[] line() {
        ObjectNode o = JSON.createObjectNode();
        o.put("op", op.name().toLowerCase(java.util.Locale.ROOT));
        o.put("account", account);
        if (password != null) {
            o.put("password", password.format());
        }
        o.put("ts", ts.toString());
        String json = o.toString();
        String body = json.substring(0, json.length() - 1); // without the closing brace
        return (body + CRC_FIELD + crc(body) + "\"}\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a line written by {@link #line()}, without its newline. */
    static AccountRecord parse(String line) throws Unreadable {
        int at = line.lastIndexOf(CRC_FIELD);
        if (at < 0 || !line.endsWith("\"}") || line.length() != at + CRC_FIELD.length() + 8 + 2) {
            throw new Unreadable("no check sum at its end");
        }
        String body = line.substring(0, at);
        if (!crc(body).equals(line.substring(at + CRC_FIELD.length(), at + CRC_FIELD.length() + 8))) {
            throw new Unreadable("its check sum does not match what it says");
        }
        try {
            JsonNode o = JSON.readTree(body + "}");
            Op op = Op.valueOf(o.path("op").asText("").toUpperCase(java.util.Locale.ROOT));
            String account = o.path("account").textValue();
            JsonNode password = o.get("password");
            if (account == null || (password == null) != (op == Op.DROP)) {
                throw new Unreadable("a " + op.name().toLowerCase(java.util.Locale.ROOT) + " record without the fields it needs");
            }
            return new AccountRecord(op, account, password == null ? null : PasswordHash.parse(password.asText()),
                    Instant.parse(o.path("ts").asText()));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new Unreadable("not a record: " + e.getMessage());
        }
    }

    private static String crc(String body) {
        CRC32C crc = new CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }
}
