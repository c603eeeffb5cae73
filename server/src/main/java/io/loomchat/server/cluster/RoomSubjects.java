package io.loomchat.server.cluster;

/**
 * Where a room's lines live in NATS. A room name may hold '.', NATS's token separator, and never '~', so
 * '.' is written as '~': the mapping is one to one and every room is one subject token.
 */
final class RoomSubjects {

    static final String STREAM = "LOOMCHAT_ROOMS";
    static final String PREFIX = "loomchat.room.";
    static final String ALL = PREFIX + "*";

    private RoomSubjects() {
    }

    static String of(String room) {
        return PREFIX + room.replace('.', '~');
    }

    /** The room of a subject from {@link #of}; null for any other subject. */
    static String room(String subject) {
        if (!subject.startsWith(PREFIX) || subject.length() == PREFIX.length()) {
            return null;
        }
        String token = subject.substring(PREFIX.length());
        return token.indexOf('.') >= 0 ? null : token.replace('~', '.');
    }
}
