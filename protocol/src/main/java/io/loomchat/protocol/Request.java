package io.loomchat.protocol;

import java.util.Objects;

/** Messages a client sends to the server. Field names match the JSON keys of docs/PROTOCOL.md. */
public sealed interface Request extends Message {

    /** Registers the connection under {@code nick} and joins {@code room} (the server's default room when null). */
    record Hello(String nick, String room, String ref) implements Request {
        public Hello { Objects.requireNonNull(nick, "nick"); }
    }

    /** Says {@code text} to {@code room} (the current room when null); {@code action} marks a /me line. */
    record Say(String room, String text, boolean action, String ref) implements Request {
        public Say { Objects.requireNonNull(text, "text"); }
    }

    /** A private message to one nick. */
    record Msg(String to, String text, boolean action, String ref) implements Request {
        public Msg {
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(text, "text");
        }
    }

    record Join(String room, String ref) implements Request {
        public Join { Objects.requireNonNull(room, "room"); }
    }

    /** Leaves {@code room} (the current room when null). */
    record Leave(String room, String ref) implements Request {
    }

    record Nick(String nick, String ref) implements Request {
        public Nick { Objects.requireNonNull(nick, "nick"); }
    }

    /** Lists the nicks in {@code room} (the current room when null). */
    record Who(String room, String ref) implements Request {
    }

    record ListRooms(String ref) implements Request {
    }

    record Ping(String ref) implements Request {
    }

    /** The answer to the server's keep-alive {@code ping} event. */
    record Pong(String ref) implements Request {
    }

    record Quit(String reason, String ref) implements Request {
    }
}
