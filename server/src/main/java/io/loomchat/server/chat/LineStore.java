package io.loomchat.server.chat;

/**
 * Where what people say is kept before their room hears it. On a single node the room numbers, stores and
 * delivers a line at once ({@link LocalLines}); in a cluster it goes to the cluster's stream first, and
 * every node's members, the sender too, hear it from there.
 */
public interface LineStore {

    /**
     * Says {@code text} in {@code room} for {@code sender} (who is a member). The sender's copy, with
     * {@code ref}, is its acknowledgement; it may come later, from another thread.
     */
    void say(Room room, Client sender, String text, boolean action, String ref) throws Refusal;

    /** Sets {@code room}'s topic; the setter's copy, with {@code ref}, is its acknowledgement. */
    void setTopic(Room room, Client setter, String text, String ref) throws Refusal;
}
