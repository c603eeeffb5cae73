package io.loomchat.protocol;

import java.util.Objects;

/** Messages a client sends to the server. Field names match the JSON keys of docs/PROTOCOL.md. */
public sealed interface Request extends Message {

    /**
     * Registers the connection under {@code nick} and joins {@code room} (the server's default room when
     * null), replaying {@code replay} of its history. {@code resume} is the token from an earlier
     * {@code welcome}: it lets a reconnecting client take its nick back from its own ghost session.
     */
    record Hello(String nick, String room, Replay replay, String resume, String ref) implements Request {
        public Hello {
            Objects.requireNonNull(nick, "nick");
            Objects.requireNonNull(replay, "replay");
        }

        public Hello(String nick, String room, String ref) {
            this(nick, room, Replay.DEFAULT, null, ref);
        }
    }

    /**
     * Which of a room's kept messages a joiner receives, marked as history: the server's default number,
     * the last {@code last}, or every kept message after id {@code after} (a reconnecting client's catch-up).
     */
    record Replay(Integer last, Long after) {
        public static final Replay DEFAULT = new Replay(null, null);

        public static Replay last(int n) {
            return new Replay(n, null);
        }

        public static Replay after(long id) {
            return new Replay(null, id);
        }
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

    record Join(String room, Replay replay, String ref) implements Request {
        public Join {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(replay, "replay");
        }

        public Join(String room, String ref) {
            this(room, Replay.DEFAULT, ref);
        }
    }

    /** Sets the topic of {@code room} (the current room when null) to {@code text}; asks for it when text is null. */
    record Topic(String room, String text, String ref) implements Request {
    }

    /** Marks this client away with {@code reason}, or back when reason is null. */
    record Away(String reason, String ref) implements Request {
    }

    /**
     * Pages through a room's kept messages by id, like IRCv3 CHATHISTORY: the latest {@code limit} before
     * {@code before}, or the earliest after {@code after}, or the latest when neither is given.
     */
    record History(String room, Long before, Long after, Integer limit, String ref) implements Request {
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
