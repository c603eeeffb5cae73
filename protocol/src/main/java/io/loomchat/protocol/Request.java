package io.loomchat.protocol;

import java.util.Objects;

/** Messages a client sends to the server. Field names match the JSON keys of docs/PROTOCOL.md. */
public sealed interface Request extends Message {

    /** The longest ban or mute, in seconds: ten years. Longer ones are refused as bad_field, never wrapped. */
    long MAX_SANCTION_SECONDS = 3_650L * 86_400;


    /**
     * Registers the connection under {@code nick} and joins {@code room} (the server's default room when
     * null), replaying {@code replay} of its history. {@code resume} is the token from an earlier
     * {@code welcome}: it lets a reconnecting client take its nick back from its own ghost session.
     */
    record Hello(String nick, String room, Replay replay, String resume, String password, Credentials login, String ref)
            implements Request {
        public Hello {
            Objects.requireNonNull(nick, "nick");
            Objects.requireNonNull(replay, "replay");
        }

        /** A hello without account credentials. */
        public Hello(String nick, String room, Replay replay, String resume, String password, String ref) {
            this(nick, room, replay, resume, password, null, ref);
        }

        public Hello(String nick, String room, Replay replay, String resume, String ref) {
            this(nick, room, replay, resume, null, null, ref);
        }

        public Hello(String nick, String room, String ref) {
            this(nick, room, Replay.DEFAULT, null, null, null, ref);
        }

        /** Never shows a password, in logs or test output. */
        @Override
        public String toString() {
            return "Hello[nick=" + nick + ", room=" + room + ", replay=" + replay + ", resume=" + (resume == null ? null : "***")
                    + ", password=" + (password == null ? null : "***") + ", login=" + login + ", ref=" + ref + "]";
        }
    }

    /** An account's name and password, as a hello or a login carries them. */
    record Credentials(String account, String password) {
        public Credentials {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Credentials[account=" + account + ", password=***]";
        }
    }

    /**
     * Logs this connection in to an account: before hello (then the hello may take the account's nick) or
     * after it (the nick stays what it is).
     */
    record Login(Credentials credentials, String ref) implements Request {
        public Login { Objects.requireNonNull(credentials, "credentials"); }
    }

    /**
     * Makes {@code account} an account with {@code password}, and logs this connection in to it. After hello
     * {@code account} may be null: the current nick. Before hello it names the account to create.
     */
    record Register(String account, String password, String ref) implements Request {
        public Register { Objects.requireNonNull(password, "password"); }

        @Override
        public String toString() {
            return "Register[account=" + account + ", password=***, ref=" + ref + "]";
        }
    }

    /** Changes the password of the account this connection is logged in to; {@code password} is the current one. */
    record ChangePassword(String password, String newPassword, String ref) implements Request {
        public ChangePassword {
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(newPassword, "newPassword");
        }

        @Override
        public String toString() {
            return "ChangePassword[password=***, newPassword=***, ref=" + ref + "]";
        }
    }

    /**
     * The person has seen {@code room} (the current room when null) up to message {@code id}: its read
     * marker there moves (never back), on every device of its account.
     */
    record MarkRead(String room, long id, String ref) implements Request {
    }

    /** Operators only: deletes {@code account}; its nick is free again. */
    record DropAccount(String account, String ref) implements Request {
        public DropAccount { Objects.requireNonNull(account, "account"); }
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
    /** Leaves {@code room} (null: the current one), saying why if {@code reason} is given. */
    record Leave(String room, String reason, String ref) implements Request {
        public Leave(String room, String ref) {
            this(room, null, ref);
        }
    }

    record Nick(String nick, String ref) implements Request {
        public Nick { Objects.requireNonNull(nick, "nick"); }
    }

    /** Lists the nicks in {@code room} (the current room when null). */
    /** {@code after}: only members whose nick sorts after it (paging a long list); null for the first page. */
    record Who(String room, String after, String ref) implements Request {
        public Who(String room, String ref) {
            this(room, null, ref);
        }
    }

    /** {@code after}: only rooms whose name sorts after it (paging a long list); null for the first page. */
    record ListRooms(String after, String ref) implements Request {
        public ListRooms(String ref) {
            this(null, ref);
        }
    }

    record Ping(String ref) implements Request {
    }

    /** The answer to the server's keep-alive {@code ping} event. */
    record Pong(String ref) implements Request {
    }

    record Quit(String reason, String ref) implements Request {
    }

    /** Logs in as the operator {@code name}, like IRC's OPER. */
    record Oper(String name, String password, String ref) implements Request {
        public Oper {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "Oper[name=" + name + ", password=***, ref=" + ref + "]";
        }
    }

    /** Operators only: removes {@code nick} from {@code room} (the operator's current room when null). */
    record Kick(String room, String nick, String reason, String ref) implements Request {
        public Kick { Objects.requireNonNull(nick, "nick"); }
    }

    /**
     * Operators only: bans a nick, or an address, for {@code seconds} (the server's default when null; 0
     * until the server restarts). Exactly one of nick and address. With {@code withAddress}, a nick's ban
     * also covers the address its holder connects from: only when asked, since others may share it.
     */
    record Ban(String nick, String address, Long seconds, String reason, boolean withAddress, String ref)
            implements Request {
        /** A ban of the nick alone, or of an address. */
        public Ban(String nick, String address, Long seconds, String reason, String ref) {
            this(nick, address, seconds, reason, false, ref);
        }
    }

    /** Operators only: lifts the ban on a nick (and the address banned with it) or on an address. */
    record Unban(String nick, String address, String ref) implements Request {
    }

    /** Operators only: {@code nick} may not speak in {@code room} for {@code seconds} (default as for bans). */
    record Mute(String room, String nick, Long seconds, String ref) implements Request {
        public Mute { Objects.requireNonNull(nick, "nick"); }
    }

    record Unmute(String room, String nick, String ref) implements Request {
        public Unmute { Objects.requireNonNull(nick, "nick"); }
    }
}
