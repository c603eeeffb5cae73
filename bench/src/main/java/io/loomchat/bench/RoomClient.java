package io.loomchat.bench;

import java.io.IOException;

/** What the chat-room workload needs of a client, whatever it connects over: say a line, read deliveries. */
interface RoomClient extends AutoCloseable {

    /** Sends one chat line whose text is {@code payload} (ASCII, no quotes or backslashes). */
    void send(byte[] payload) throws IOException;

    /** The next delivery's {seq, nanos, sender} into {@code parsed}; false at the end. */
    boolean nextDelivery(long[] parsed) throws IOException;

    @Override
    void close();
}
