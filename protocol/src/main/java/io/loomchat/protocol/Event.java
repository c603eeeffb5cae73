package io.loomchat.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Messages the server sends. Fields a client must not forge ({@code from}, {@code id}, {@code ts}) exist
 * only here: the server stamps them.
 */
public sealed interface Event extends Message {

    /**
     * {@code resume} is a secret the client keeps to take its nick back after a lost connection;
     * {@code epoch} names the server's message history: ids seen under another epoch mean nothing here.
     */
    record Welcome(String nick, int version, String server, String room, String resume, String epoch, String account,
                   String ref) implements Event {
        public Welcome { Objects.requireNonNull(nick, "nick"); }

        /** A welcome for a connection that is logged in to no account. */
        public Welcome(String nick, int version, String server, String room, String resume, String epoch, String ref) {
            this(nick, version, server, room, resume, epoch, null, ref);
        }

        public Welcome(String nick, int version, String server, String room, String ref) {
            this(nick, version, server, room, null, null, null, ref);
        }
    }

    /**
     * The account's read marker in {@code room}: seen up to message {@code id} (0: nothing yet), with
     * {@code unread} messages after it. Sent when it moves (to every device) and when a device logs in.
     */
    record Read(String room, long id, long unread, String ref) implements Event {
        public Read { Objects.requireNonNull(room, "room"); }
    }

    /** This connection is now logged in to {@code account} (after login or register), or to none (null: dropped). */
    record Account(String account, String ref) implements Event {
    }

    /**
     * A line said in a room; {@code id} increases monotonically per room and is never reused. {@code history}
     * marks a replayed line, said before the recipient asked for it.
     */
    record ChatMessage(long id, String room, String from, String text, boolean action, Instant ts, boolean history,
                       String ref) implements Event {
        public ChatMessage {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(ts, "ts");
        }

        public ChatMessage(long id, String room, String from, String text, boolean action, Instant ts, String ref) {
            this(id, room, from, text, action, ts, false, ref);
        }

        public ChatMessage withRef(String newRef) {
            return new ChatMessage(id, room, from, text, action, ts, history, newRef);
        }

        public ChatMessage asHistory() {
            return new ChatMessage(id, room, from, text, action, ts, true, null);
        }
    }

    /** A room's topic ({@code ""} when none), who set it and when (both null when never set). */
    record Topic(String room, String topic, String by, Instant ts, String ref) implements Event {
        public Topic {
            Objects.requireNonNull(room, "room");
            Objects.requireNonNull(topic, "topic");
        }
    }

    /** {@code nick} is away for {@code reason}, or back when reason is null. */
    record Away(String nick, String reason, String ref) implements Event {
        public Away { Objects.requireNonNull(nick, "nick"); }
    }

    /**
     * Ends a replay of {@code count} history messages of {@code room}. {@code more} says whether kept
     * messages remain beyond this page in the direction asked; {@code last} is the room's latest message id
     * when the page was made (after a join: where the live messages take over).
     */
    record HistoryEnd(String room, int count, boolean more, long last, String ref) implements Event {
        public HistoryEnd { Objects.requireNonNull(room, "room"); }
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

    /**
     * {@code away} maps the nicks that are away to their reasons. {@code more}: the list was cut to fit one
     * reply; a {@code who} with {@code after} set to the last nick asks for the rest.
     */
    record Members(String room, List<String> nicks, Map<String, String> away, boolean more, String ref) implements Event {
        public Members {
            Objects.requireNonNull(room, "room");
            nicks = List.copyOf(nicks);
            away = Map.copyOf(away);
        }

        public Members(String room, List<String> nicks, Map<String, String> away, String ref) {
            this(room, nicks, away, false, ref);
        }

        public Members(String room, List<String> nicks, String ref) {
            this(room, nicks, Map.of(), false, ref);
        }
    }

    /** {@code more}: the list was cut to fit one reply; {@code rooms} with {@code after} asks for the rest. */
    record RoomList(List<RoomInfo> rooms, boolean more, String ref) implements Event {
        public RoomList { rooms = List.copyOf(rooms); }

        public RoomList(List<RoomInfo> rooms, String ref) {
            this(rooms, false, ref);
        }
    }

    /** {@code topic} is null when the room has none. */
    record RoomInfo(String name, int members, String topic) {
        public RoomInfo { Objects.requireNonNull(name, "name"); }

        public RoomInfo(String name, int members) {
            this(name, members, null);
        }
    }

    record Pong(String ref) implements Event {
    }

    /** A line from the server for this client only: an operator's confirmation, a mute, a kick. */
    record Notice(String text, String ref) implements Event {
        public Notice { Objects.requireNonNull(text, "text"); }
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
