package io.loomchat.server.cluster;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.PrivateMessage;
import io.loomchat.protocol.ProtocolException;
import io.loomchat.protocol.Request;
import io.loomchat.server.chat.Presence;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What nodes tell each other directly, over core NATS (not stored: it matters only now): who is in a room,
 * a private message to someone on another node, and who joined or left a room.
 *
 * <ul>
 *   <li>{@code loomchat.who.ROOM}: every node answers with its own members of the room; the asker takes
 *       the answers that arrive within {@link #WHO_WINDOW}.</li>
 *   <li>{@code loomchat.node.NODE.private}: a private message for someone on node NODE (whose nick's
 *       ledger entry names it); the answer says whether they were there.</li>
 *   <li>{@code loomchat.presence.ROOM}: a join or leave on one node, for the members on the others.</li>
 *   <li>{@code loomchat.moderation}: an operator's ban, unban, mute or unmute, applied by every node.</li>
 *   <li>{@code loomchat.alive}: every node's heartbeat; a node silent too long is lost, its members gone.</li>
 * </ul>
 */
public final class NodeMesh implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeMesh.class);
    /** How often a node says it is alive, and how long a node may stay silent before it counts as lost. */
    static final Duration HEARTBEAT = Duration.ofSeconds(2);
    static final Duration NODE_LOST = Duration.ofSeconds(8);

    /** How long a who waits for the other nodes' answers: they come in a millisecond or two on a LAN. */
    static final Duration WHO_WINDOW = Duration.ofMillis(150);
    static final String NODE_HEADER = ClusterLink.NODE_HEADER;

    /** What this node can answer for, and where events from other nodes go. */
    public interface Local {
        /** This node's members of {@code room}, as nick and away reason (null when present). */
        List<Presence> members(String room);

        /** The rooms with members on this node, and how many. */
        Map<String, Integer> roomSizes();

        /** Hands a private message to its addressee if they are on this node; false if not. */
        boolean deliver(PrivateMessage message);

        /** A join or leave on node {@code node}, for this node's members of the room. */
        void presence(Event joinedOrLeft, String node);

        /** Node {@code node} went silent (it died, or lost NATS): its members are gone from every room. */
        void nodeLost(String node);

        /** Someone on another node changed nick; this node's members who share one of {@code rooms} hear it once. */
        void renamed(Event.Renamed renamed, List<String> rooms);

        /** An operator on another node banned, unbanned, muted or unmuted: applied here too. */
        void moderate(Request request, String by);
    }

    private final ClusterLink link;
    private final Connection connection;
    private final Local local;
    private final Dispatcher dispatcher;

    NodeMesh(ClusterLink link, Local local) {
        this.link = link;
        this.connection = link.connection();
        this.local = local;
        this.dispatcher = connection.createDispatcher();
        dispatcher.subscribe("loomchat.who.*", this::answerWho);
        dispatcher.subscribe("loomchat.node." + link.nodeName() + ".private", this::receivePrivate);
        dispatcher.subscribe("loomchat.presence.*", this::receivePresence);
        dispatcher.subscribe("loomchat.renamed", this::receiveRenamed);
        dispatcher.subscribe("loomchat.rooms", this::answerRooms);
        dispatcher.subscribe("loomchat.moderation", this::receiveModeration);
        dispatcher.subscribe("loomchat.alive", this::heard);
        this.heartbeat = Thread.ofPlatform().daemon().name("loomchat-heartbeat").start(this::beat);
    }

    private final ConcurrentHashMap<String, Long> lastHeard = new ConcurrentHashMap<>();
    private final Thread heartbeat;
    private volatile boolean closed;

    private void heard(Message message) {
        lastHeard.put(new String(message.getData(), StandardCharsets.UTF_8), System.nanoTime());
    }

    /**
     * Says this node is alive every {@link #HEARTBEAT}, and declares lost a node not heard for
     * {@link #NODE_LOST} while this node still hears itself (when NATS is away from this node, every other
     * node falls silent at once, and none of them is lost).
     */
    private void beat() {
        byte[] me = link.nodeName().getBytes(StandardCharsets.UTF_8);
        while (!closed) {
            try {
                connection.publish("loomchat.alive", me);
            } catch (IllegalStateException e) {
                LOG.debug("heartbeat not sent: {}", e.toString());
            }
            try {
                Thread.sleep(HEARTBEAT);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            Long self = lastHeard.get(link.nodeName());
            if (self == null || now - self > NODE_LOST.toNanos()) {
                continue;
            }
            for (var e : lastHeard.entrySet()) {
                if (!e.getKey().equals(link.nodeName()) && now - e.getValue() > NODE_LOST.toNanos()
                        && lastHeard.remove(e.getKey(), e.getValue())) {
                    LOG.warn("node {} is silent for more than {} s: its members are gone", e.getKey(), NODE_LOST.toSeconds());
                    try {
                        local.nodeLost(e.getKey());
                    } catch (RuntimeException ex) {
                        LOG.error("announcing node {}'s members as gone", e.getKey(), ex);
                    }
                }
            }
        }
    }

    /** The members of {@code room} on the other nodes; those that do not answer in time are left out. */
    public List<Presence> membersElsewhere(String room) {
        List<Presence> found = new ArrayList<>();
        for (String line : ask("loomchat.who." + token(room))) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                found.add(new Presence(line.substring(0, tab), tab == line.length() - 1 ? null : line.substring(tab + 1)));
            } else {
                found.add(new Presence(line, null));
            }
        }
        return found;
    }

    /** How many members each room has on the other nodes; those that do not answer in time are left out. */
    public Map<String, Integer> roomsElsewhere() {
        Map<String, Integer> rooms = new HashMap<>();
        for (String line : ask("loomchat.rooms")) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                try {
                    rooms.merge(line.substring(0, tab), Integer.parseInt(line.substring(tab + 1)), Integer::sum);
                } catch (NumberFormatException e) {
                    LOG.debug("a rooms answer does not parse: {}", line);
                }
            }
        }
        return rooms;
    }

    /** Asks every other node, and gathers the lines of the answers that arrive within {@link #WHO_WINDOW}. */
    private List<String> ask(String subject) {
        List<String> lines = new ArrayList<>();
        String inbox = connection.createInbox();
        Subscription answers;
        try {
            answers = connection.subscribe(inbox);
        } catch (IllegalStateException e) {
            LOG.debug("asking the other nodes: {}", e.toString()); // NATS away: this node's own answer only
            return lines;
        }
        try {
            connection.publish(subject, inbox, link.nodeName().getBytes(StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + WHO_WINDOW.toNanos();
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                Message answer = answers.nextMessage(Duration.ofNanos(left));
                if (answer == null) {
                    break;
                }
                for (String line : new String(answer.getData(), StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isEmpty()) {
                        lines.add(line);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            LOG.debug("asking the other nodes: {}", e.toString()); // NATS away: this node's own answer only
        } finally {
            try {
                answers.unsubscribe();
            } catch (IllegalStateException e) {
                LOG.debug("unsubscribing while NATS is away: {}", e.toString()); // gone with the connection
            }
        }
        return lines;
    }

    private void answerRooms(Message request) {
        String asker = new String(request.getData(), StandardCharsets.UTF_8);
        if (asker.equals(link.nodeName()) || request.getReplyTo() == null) {
            return;
        }
        StringBuilder lines = new StringBuilder();
        local.roomSizes().forEach((room, size) -> lines.append(room).append('\t').append(size).append('\n'));
        connection.publish(request.getReplyTo(), lines.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void answerWho(Message request) {
        String asker = new String(request.getData(), StandardCharsets.UTF_8);
        if (asker.equals(link.nodeName()) || request.getReplyTo() == null) {
            return; // the asker counts its own members itself
        }
        StringBuilder lines = new StringBuilder();
        for (Presence p : local.members(room(request.getSubject(), "loomchat.who."))) {
            lines.append(p.nick()).append('\t').append(p.away() == null ? "" : p.away().replace('\n', ' ')).append('\n');
        }
        connection.publish(request.getReplyTo(), lines.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Delivery of a private message to someone on another node. */
    enum Sent { DELIVERED, NOT_THERE, UNAVAILABLE }

    public Sent sendPrivate(String node, PrivateMessage message) {
        try {
            CompletableFuture<Message> answer = connection.request("loomchat.node." + node + ".private",
                    Codec.encode(message));
            String said = new String(answer.get(ClusterLink.ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS).getData(),
                    StandardCharsets.UTF_8);
            return said.equals("delivered") ? Sent.DELIVERED : Sent.NOT_THERE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Sent.UNAVAILABLE;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return Sent.UNAVAILABLE; // no node answers on that subject any more, or NATS is away
        }
    }

    private void receivePrivate(Message request) {
        boolean delivered = false;
        try {
            if (Codec.decodeEvent(request.getData(), 0, request.getData().length) instanceof PrivateMessage message) {
                delivered = local.deliver(message);
            }
        } catch (ProtocolException e) {
            LOG.warn("a private message from another node does not decode: {}", e.getMessage());
        }
        if (request.getReplyTo() != null) {
            connection.publish(request.getReplyTo(), (delivered ? "delivered" : "not_there").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Tells the other nodes that someone joined or left a room here. Best effort: not stored. */
    public void announce(Event joinedOrLeft) {
        String room = switch (joinedOrLeft) {
            case Event.Joined j -> j.room();
            case Event.Left l -> l.room();
            default -> throw new IllegalArgumentException("not presence: " + joinedOrLeft);
        };
        try {
            Headers headers = new Headers().add(NODE_HEADER, link.nodeName());
            connection.publish("loomchat.presence." + token(room), headers, Codec.encode(joinedOrLeft));
        } catch (IllegalStateException e) {
            LOG.debug("presence not announced: {}", e.toString());
        }
    }

    /** Tells the other nodes that someone here changed nick, and which rooms they are in. Best effort. */
    public void announceRename(Event.Renamed renamed, List<String> rooms) {
        try {
            Headers headers = new Headers().add(NODE_HEADER, link.nodeName())
                    .add("Loomchat-Rooms", String.join(" ", rooms));
            connection.publish("loomchat.renamed", headers, Codec.encode(renamed));
        } catch (IllegalStateException e) {
            LOG.debug("rename not announced: {}", e.toString());
        }
    }

    /**
     * Tells the other nodes about an operator's ban, unban, mute or unmute (as the request, its fields
     * resolved), so that the person cannot just use another node. Best effort, like presence: a node that
     * misses it (NATS away at that moment) does not learn it.
     */
    public void announceModeration(Request request, String by) {
        try {
            Headers headers = new Headers().add(NODE_HEADER, link.nodeName())
                    .add("Loomchat-By", by);
            connection.publish("loomchat.moderation", headers, Codec.encode(request));
        } catch (IllegalStateException e) {
            LOG.warn("{} not told to the other nodes: {}", request.getClass().getSimpleName(), e.toString());
        }
    }

    private void receiveModeration(Message message) {
        if (message.getHeaders() == null || link.nodeName().equals(message.getHeaders().getFirst(NODE_HEADER))) {
            return;
        }
        try {
            local.moderate(Codec.decodeRequest(message.getData(), 0, message.getData().length),
                    message.getHeaders().getFirst("Loomchat-By"));
        } catch (ProtocolException e) {
            LOG.warn("moderation from another node does not decode: {}", e.getMessage());
        }
    }

    private void receiveRenamed(Message message) {
        if (message.getHeaders() == null || link.nodeName().equals(message.getHeaders().getFirst(NODE_HEADER))) {
            return;
        }
        String rooms = message.getHeaders().getFirst("Loomchat-Rooms");
        try {
            if (rooms != null && Codec.decodeEvent(message.getData(), 0, message.getData().length) instanceof Event.Renamed r) {
                local.renamed(r, List.of(rooms.split(" ")));
            }
        } catch (ProtocolException e) {
            LOG.warn("a rename from another node does not decode: {}", e.getMessage());
        }
    }

    private void receivePresence(Message message) {
        if (message.getHeaders() != null && link.nodeName().equals(message.getHeaders().getFirst(NODE_HEADER))) {
            return; // our own: the members here heard it already
        }
        try {
            Event event = Codec.decodeEvent(message.getData(), 0, message.getData().length);
            if (event instanceof Event.Joined || event instanceof Event.Left) {
                local.presence(event, message.getHeaders() == null ? "" : message.getHeaders().getFirst(NODE_HEADER));
            }
        } catch (ProtocolException e) {
            LOG.warn("presence from another node does not decode: {}", e.getMessage());
        }
    }

    private static String token(String room) {
        return room.replace('.', '~');
    }

    private static String room(String subject, String prefix) {
        return subject.substring(prefix.length()).replace('~', '.');
    }

    @Override
    public void close() {
        closed = true;
        heartbeat.interrupt();
        try {
            connection.closeDispatcher(dispatcher);
        } catch (RuntimeException e) {
            LOG.debug("closing the mesh: {}", e.toString());
        }
    }
}
