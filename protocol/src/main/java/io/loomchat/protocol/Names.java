package io.loomchat.protocol;

import java.util.Locale;

/**
 * What a valid nick and room name look like. Shared by the server, which enforces it, and the client,
 * which checks before sending. Both are compared case-insensitively (by their {@link #key}).
 */
public final class Names {

    /** The default longest nick; a server may allow up to {@link #NICK_CHARS_CEILING}. */
    public static final int MAX_NICK_CHARS = 24;
    /** No server allows longer nicks: a client checks against this and leaves the rest to its server. */
    public static final int NICK_CHARS_CEILING = 64;
    public static final int MAX_ROOM_CHARS = 32;

    private Names() {
    }

    /**
     * A nick is 1 to {@value #MAX_NICK_CHARS} ASCII letters, digits, '_' and '-', starting with a letter or
     * '_'. ASCII only, so that two nicks cannot look alike while differing.
     */
    public static String nickProblem(String nick) {
        return nickProblem(nick, MAX_NICK_CHARS);
    }

    /** As {@link #nickProblem(String)}, with a server's own length limit. */
    public static String nickProblem(String nick, int maxChars) {
        if (nick.isEmpty()) {
            return "nick is empty";
        }
        if (nick.length() > maxChars) {
            return "nick is longer than max-nick-chars=" + maxChars;
        }
        char first = nick.charAt(0);
        if (!isAsciiLetter(first) && first != '_') {
            return "nick must start with a letter or '_'";
        }
        for (int i = 0; i < nick.length(); i++) {
            char c = nick.charAt(i);
            if (!isAsciiLetter(c) && !isAsciiDigit(c) && c != '_' && c != '-') {
                return "nick may contain only letters, digits, '_' and '-'";
            }
        }
        return null;
    }

    /**
     * A room name is 1 to {@value #MAX_ROOM_CHARS} ASCII letters, digits, '_', '-' and '.', optionally
     * written with a leading '#', which is not part of the name.
     */
    public static String roomProblem(String room) {
        if (room.isEmpty()) {
            return "room name is empty";
        }
        if (room.length() > MAX_ROOM_CHARS) {
            return "room name is longer than " + MAX_ROOM_CHARS + " characters";
        }
        for (int i = 0; i < room.length(); i++) {
            char c = room.charAt(i);
            if (!isAsciiLetter(c) && !isAsciiDigit(c) && c != '_' && c != '-' && c != '.') {
                return "room name may contain only letters, digits, '_', '-' and '.'";
            }
        }
        return null;
    }

    /** The room name as the server knows it: lower case, without a leading '#'. */
    public static String canonicalRoom(String room) {
        String bare = room.startsWith("#") ? room.substring(1) : room;
        return bare.toLowerCase(Locale.ROOT);
    }

    /** The case-insensitive identity of a nick. */
    public static String key(String nick) {
        return nick.toLowerCase(Locale.ROOT);
    }

    /**
     * What a nick looks like, for telling whether two nicks could be mistaken for each other: the nick in
     * lower case with the ASCII confusables of Unicode TR39 folded together ({@code 0} and {@code o};
     * {@code 1}, {@code i} and {@code l}; {@code rn} and {@code m}; {@code vv} and {@code w};
     * {@code cl} and {@code d}). Two nicks with the same skeleton cannot both be held, and a ban or mute of
     * one covers the other. Nicks are ASCII only, so no other script can imitate them.
     */
    public static String skeleton(String nick) {
        String lower = nick.toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(lower.length() + 4);
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            // Each look-alike goes to one form; the pairs to their two letters, so that the result does not
            // depend on where a pair starts ("vvv", "vw" and "wv" all become "vvv").
            switch (c) {
                case '0' -> out.append('o');
                case '1', 'i' -> out.append('l');
                case 'm' -> out.append("rn");
                case 'w' -> out.append("vv");
                case 'd' -> out.append("cl");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
