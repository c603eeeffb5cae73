package io.loomchat.server.chat;

import io.loomchat.protocol.Event;
import io.loomchat.server.delivery.Burst;
import io.loomchat.server.delivery.CloseReason;
import io.loomchat.server.delivery.DeliveryBatch;
import java.net.InetAddress;

/**
 * What the chat needs of the connection a {@link Client} is on: where to queue its lines, how to end it,
 * and where it comes from. A TCP socket, a WebSocket or a TLS connection, speaking JSON, text or IRC: the
 * chat cannot tell, and each way of writing lines is the connection's business.
 */
public interface Device {

    /** The connection's number, for logs. */
    long id();

    /** The address it comes from; bans and limits are by address. */
    InetAddress address();

    /** The address and port as logs show it. */
    String peer();

    /** Whether a person types its lines by hand (nc, telnet): refusals are then worded for them. */
    boolean typedByHand();

    /** The deliveries of this connection's read loop; for that read loop only. */
    DeliveryBatch batch();

    /** A reply from this connection's own read loop, after everything it said before. */
    void send(Event event);

    /** A line of text for a person on nc (help, problems), from its own read loop. */
    void sendText(String line);

    /** Queues {@code event} ({@code json} when encoded once for every recipient) as part of {@code batch}. */
    void deliver(Event event, byte[] json, DeliveryBatch batch);

    /** Queues a room's held lines, as {@code member} receives them, as part of {@code batch}. */
    void deliverAll(Burst burst, Object member, DeliveryBatch batch);

    /** An answer that comes later from another thread: queued at once, its writer woken at once. */
    void deliverLater(Event event);

    /** How many bytes may be queued for this connection at once without making it a slow consumer. */
    long replayBudget();

    /**
     * Ends the connection for {@code reason} unless it is already ending: a {@code bye} goes out after what
     * is queued. Never blocks. False if it was ending already.
     */
    boolean disconnect(CloseReason reason, String detail);

    /** Closes the socket at once: unblocks a read loop on a connection that is most likely dead. */
    void closeSocket();

    /** The client registered as {@code nick}: the connection is someone now (logged once). */
    void registered(String nick);
}
