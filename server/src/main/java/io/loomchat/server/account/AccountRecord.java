package io.loomchat.server.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.server.guard.PasswordHash;
import java.time.Instant;
import java.util.Locale;

/** One line of the accounts file: a change to one account, as a {@link CheckedLine}. Pure: see {@link AccountBook}. */
record AccountRecord(Op op, String account, PasswordHash password, Instant ts) {

    enum Op { REGISTER, PASSWORD, DROP }

    /** This record as one line, newline included. */
    byte[] line() {
        ObjectNode o = CheckedLine.JSON.createObjectNode();
        o.put("op", op.name().toLowerCase(Locale.ROOT));
        o.put("account", account);
        if (password != null) {
            o.put("password", password.format());
        }
        o.put("ts", ts.toString());
        return CheckedLine.encode(o);
    }

    /** Reads a line written by {@link #line()}, without its newline. */
    static AccountRecord parse(String line) throws CheckedLine.Unreadable {
        JsonNode o = CheckedLine.decode(line);
        try {
            Op op;
            try {
                op = Op.valueOf(o.path("op").asText("").toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CheckedLine.Unreadable("an unknown change");
            }
            String account = o.path("account").textValue();
            JsonNode password = o.get("password");
            if (account == null || (password == null) != (op == Op.DROP)) {
                throw new CheckedLine.Unreadable("a " + op.name().toLowerCase(Locale.ROOT) + " record without the fields it needs");
            }
            return new AccountRecord(op, account, password == null ? null : PasswordHash.parse(password.asText()),
                    Instant.parse(o.path("ts").asText()));
        } catch (java.time.format.DateTimeParseException e) {
            throw new CheckedLine.Unreadable("a time that is no time");
        } catch (RuntimeException e) {
            throw new CheckedLine.Unreadable("not a record: " + e.getMessage());
        }
    }
}
