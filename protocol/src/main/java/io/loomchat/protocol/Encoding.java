package io.loomchat.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
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
import java.util.Map;

/**
 * Encoding half of the {@link Codec}: writes each message's fields in a fixed order, escaping what a
 * terminal could act on. Pure, like the codec.
 */
final class Encoding {

    private Encoding() {
    }

    static void write(JsonGenerator g, Message message) throws IOException {
        switch (message) {
            case Hello m -> {
                type(g, "hello");
                string(g, "nick", m.nick());
                optional(g, "room", m.room());
                replay(g, m.replay());
                optional(g, "resume", m.resume());
                optional(g, "password", m.password());
                if (m.login() != null) {
                    string(g, "account", m.login().account());
                    string(g, "account_password", m.login().password());
                }
            }
            case Request.Login m -> {
                type(g, "login");
                string(g, "account", m.credentials().account());
                string(g, "password", m.credentials().password());
            }
            case Request.Register m -> {
                type(g, "register");
                optional(g, "account", m.account());
                string(g, "password", m.password());
            }
            case Request.ChangePassword m -> {
                type(g, "password");
                string(g, "password", m.password());
                string(g, "new_password", m.newPassword());
            }
            case Request.DropAccount m -> {
                type(g, "drop_account");
                string(g, "account", m.account());
            }
            case Request.MarkRead m -> {
                type(g, "mark_read");
                optional(g, "room", m.room());
                g.writeNumberField("id", m.id());
            }
            case Event.Read m -> {
                type(g, "read");
                string(g, "room", m.room());
                g.writeNumberField("id", m.id());
                g.writeNumberField("unread", m.unread());
            }
            case Event.Account m -> {
                type(g, "account");
                optional(g, "account", m.account());
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
                flag(g, "with_address", m.withAddress());
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
                optional(g, "reason", m.reason());
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
                optional(g, "account", m.account());
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
    static void string(JsonGenerator g, String name, String value) throws IOException {
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
