package io.loomchat.server.cluster;

/**
 * Where a room's lines live in NATS. A room name may hold '.', NATS's token separator, and never '~', so
 * '.' is written as '~': the mapping is one to one and every room is one subject token.
 */
final class RoomSubjects {

    static final String STREAM = "LOOMCHAT_ROOMS";
    static final String PREFIX = "loomchat.room.";
    static final String ALL = PREFIX + "*";
    /** Topic changes, a subject per room of their own: the stream keeps a room's last topics however much is said. */
    static final String TOPIC_PREFIX = "loomchat.topic.";
    static final String ALL_TOPICS = TOPIC_PREFIX + "*";
    /** What the feed follows: every stored subject. */
    static final String STORED = "loomchat.>";

    private RoomSubjects() {
    }

    static String of(String room) {
        return PREFIX + room.replace('.', '~');
    }

    static String topicOf(String room) {
        return TOPIC_PREFIX + room.replace('.', '~');
    }

    /** The room of a subject from {@link #of}; null for any other subject. */
    static String room(String subject) {
        return room(subject, PREFIX);
    }

    /** The room of a subject from {@link #topicOf}; null for any other subject. */
    static String topicRoom(String subject) {
        return room(subject, TOPIC_PREFIX);
    }

    private static String room(String subject, String prefix) {
        if (!subject.startsWith(prefix) || subject.length() == prefix.length()) {
            return null;
        }
        String token = subject.substring(prefix.length());
        return token.indexOf('.') >= 0 ? null : token.replace('~', '.');
    }
}
