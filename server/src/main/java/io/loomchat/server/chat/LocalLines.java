package io.loomchat.server.chat;

import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event.ChatMessage;

/** A single node's {@link LineStore}: the room numbers, stores (journal or memory) and delivers at once. */
final class LocalLines implements LineStore {

    @Override
    public void say(Room room, Client sender, String text, boolean action, String ref) throws Refusal {
        ChatMessage said = room.say(sender, sender.batch(), text, action, ref);
        if (said == null) {
            throw new Refusal(ErrorCode.STORAGE_FAILED, "the server could not store the message; it was not said");
        }
        sender.resume().acknowledged(ref, Acked.of(said));
    }

    @Override
    public void setTopic(Room room, Client setter, String text, String ref) throws Refusal {
        if (!room.setTopic(setter, setter.batch(), text, ref)) {
            throw new Refusal(ErrorCode.STORAGE_FAILED, "the server could not store the topic; it is unchanged");
        }
    }
}
