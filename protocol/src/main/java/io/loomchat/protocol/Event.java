package io.loomchat.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Messages the server sends. Fields a client must not forge ({@code from}, {@code id}, {@code ts}) exist
 * only here: the server stamps them.
 */
public sealed interface Event extends Message {

    record Welcome(String nick, int version, String server, String room, String ref) implements Event {
        public Welcome { Objects.requireNonNull(nick, "nick"); }
    }

    /** A line said in a room; {@code id} increases monotonically per room. */
    record ChatMessage(long id, String room, String from, String text, boolean action, Instant ts, String ref)
            implements Event {
        public ChatMessage {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(ts, "ts");
        }

        public ChatMessage withRef(String newRef) {
            return new ChatMessage(id, room, from, text, action, ts, newRef);
        }
    }

    /** A private message, delivered to its target and echoed to its sender. */
    record PrivateMessage(String from, String to, String text, boolean action, Instant ts, String ref)
            implements Event {
        public PrivateMessage {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(ts, "ts");
        }
    }

    record Joined(String room, String nick, Instant ts, String ref) implements Event {
        public Joined {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(nick, "nick");
            Objects.requireNonNull(ts, "ts");
        }
    }

    /** {@code reason} says why: "leave", "quit", or the close reason of a lost connection. */
    record Left(String room, String nick, String reason, Instant ts, String ref) implements Event {
        public Left {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(nick, "nick");
            Objects.requireNonNull(ts, "ts");
        }
    }

    record Renamed(String old, String nick, Instant ts, String ref) implements Event {
        public Renamed {
            Objects.requireNonNull(old, "old");
            Objects.requireNonNull(nick, "nick");
            Objects.requireNonNull(ts, "ts");
        }
    }

    record Members(String room, List<String> nicks, String ref) implements Event {
        public Members {
            Objects.requireNonNull(room, "room");
            nicks = List.copyOf(nicks);
        }
    }

    record RoomList(List<RoomInfo> rooms, String ref) implements Event {
        public RoomList { rooms = List.copyOf(rooms); }
    }

    record RoomInfo(String name, int members) {
        public RoomInfo { Objects.requireNonNull(name, "name"); }
    }

    record Pong(String ref) implements Event {
    }

    /** The server's keep-alive check of a silent client, which answers with a {@code pong} request. */
    record Ping(String ref) implements Event {
    }

    /** {@code code} is kept as a string so that a client accepts codes newer than itself. */
    record ErrorReply(String code, String message, String ref) implements Event {
        public ErrorReply {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }

        public ErrorReply(ErrorCode code, String message, String ref) {
            this(code.wireName(), message, ref);
        }
    }

    /** The last line before the server closes a connection; {@code code} is a stable close-reason code. */
    record Bye(String code, String reason) implements Event {
        public Bye {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String ref() {
            return null;
        }
    }
}
