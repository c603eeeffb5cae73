package io.loomchat.server.chat;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.ErrorCode;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.Members;
import io.loomchat.protocol.Event.RoomList;
import io.loomchat.protocol.Names;
import io.loomchat.protocol.Request;
import io.loomchat.protocol.Request.Join;
import io.loomchat.protocol.Request.Leave;
import io.loomchat.protocol.Request.ListRooms;
import io.loomchat.protocol.Request.Who;
import io.loomchat.server.delivery.Member;
import io.loomchat.server.guard.Moderation;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rooms as a member sees them: joining and leaving, who is there, the room list, the topic and history
 * pages. Replies that list things are cut to fit the asker's outbox; a client pages on with {@code after}.
 */
final class RoomCommands {

    private static final Logger LOG = LoggerFactory.getLogger(RoomCommands.class);

    /** Most messages one history request returns; a client pages for more. */
    static final int MAX_HISTORY_PAGE = 500;

    private final Client client;
    private final ChatContext chat;
    private final Commands commands; // the shared preconditions

    RoomCommands(Client client, ChatContext chat, Commands commands) {
        this.client = client;
        this.chat = chat;
        this.commands = commands;
    }

    void join(Join r) throws Refusal {
        String name = Commands.room(r.room());
        if (client.rooms().get(name) != null) {
            throw new Refusal(ErrorCode.ALREADY_IN_ROOM, "already in " + name);
        }
        int maxRooms = chat.config().maxRoomsPerClient();
        if (client.rooms().count() >= maxRooms) {
            throw new Refusal(ErrorCode.TOO_MANY_ROOMS,
                    "you are in max-rooms-per-client=" + maxRooms + " rooms; leave one first");
        }
        enter(name, r.ref(), r.replay());
    }

    /**
     * Joins {@code name}, which becomes the current room. A full room is refused; after a hello the client
     * is registered all the same and may join another.
     */
    void enter(String name, String ref, Request.Replay replay) throws Refusal {
        JoinedRooms rooms = client.rooms();
        rooms.joining(name);
        Room joined;
        try {
            joined = chat.rooms().join(name, client, client.batch(), ref, replay);
        } catch (UncheckedIOException e) {
            LOG.error("cannot open room {} for {}: {}", name, client.nick(), e.getMessage());
            rooms.notJoined();
            throw new Refusal(ErrorCode.STORAGE_FAILED, "the server cannot open the history of " + name);
        }
        if (joined == null) {
            rooms.notJoined();
            throw new Refusal(ErrorCode.ROOM_FULL,
                    name + " has max-members-per-room=" + chat.config().maxMembersPerRoom() + " members");
        }
        rooms.joined(joined);
        commands.alwaysOn().joined(joined);
    }

    void leave(Leave r) throws Refusal {
        Room room = commands.memberRoom(r.room());
        client.rooms().left(room);
        AlwaysOnCommands.left(chat, client.person(), room);
        String said = r.reason() == null ? null : Commands.cut(r.reason());
        String reason = said == null || said.isBlank() ? "leave" : "leave: " + said;
        chat.rooms().leave(room, client, client.batch(), reason, r.ref(), true);
    }

    void who(Who r) throws Refusal {
        String name = r.room() == null ? commands.currentRoom().name() : Commands.room(r.room());
        Room room = chat.rooms().find(name);
        if (room == null) {
            throw new Refusal(ErrorCode.NO_SUCH_ROOM, "no room called " + name);
        }
        List<Presence> members = new ArrayList<>();
        for (Member member : room.members()) {
            members.add(new Presence(member.nick(), member.away()));
        }
        members.addAll(chat.elsewhere().members(name)); // the same room on the other nodes
        members.sort(Comparator.comparing(m -> m.nick().toLowerCase(Locale.ROOT)));
        String after = r.after() == null ? null : r.after().toLowerCase(Locale.ROOT);
        long budget = replyBudget() - 64 - Codec.jsonStringBytes(name);
        List<String> nicks = new ArrayList<>();
        Map<String, String> away = new TreeMap<>();
        boolean more = false;
        for (Presence member : members) {
            String nick = member.nick();
            if (after != null && nick.toLowerCase(Locale.ROOT).compareTo(after) <= 0) {
                continue;
            }
            String reason = member.away();
            long cost = Codec.jsonStringBytes(nick) + 1
                    + (reason == null ? 0 : Codec.jsonStringBytes(nick) + Codec.jsonStringBytes(reason) + 2);
            if ((budget -= cost) < 0) {
                more = true;
                break;
            }
            nicks.add(nick);
            if (reason != null) {
                away.put(nick, reason);
            }
        }
        client.send(new Members(name, nicks, away, more, r.ref()));
    }

    /** The room list, cut to fit one reply; a client pages on with {@code after}. */
    void list(ListRooms r) {
        String after = r.after() == null ? null : Names.canonicalRoom(r.after());
        long budget = replyBudget() - 64;
        List<Event.RoomInfo> rooms = new ArrayList<>();
        boolean more = false;
        for (Event.RoomInfo info : roomsEverywhere()) {
            if (after != null && info.name().compareTo(after) <= 0) {
                continue;
            }
            long cost = 40 + Codec.jsonStringBytes(info.name())
                    + (info.topic() == null ? 0 : 10 + Codec.jsonStringBytes(info.topic()));
            if ((budget -= cost) < 0) {
                more = true;
                break;
            }
            rooms.add(info);
        }
        client.send(new RoomList(rooms, more, r.ref()));
    }

    /** This node's rooms, and in a cluster those with members on any node, their counts summed over nodes. */
    private List<Event.RoomInfo> roomsEverywhere() {
        List<Event.RoomInfo> here = chat.rooms().list();
        Map<String, Integer> elsewhere = chat.elsewhere().roomSizes();
        if (elsewhere.isEmpty()) {
            return here;
        }
        Map<String, Integer> counts = new TreeMap<>(elsewhere);
        for (Event.RoomInfo info : here) {
            counts.merge(info.name(), info.members(), Integer::sum);
        }
        List<Event.RoomInfo> all = new ArrayList<>();
        counts.forEach((name, members) -> {
            Room room = chat.rooms().find(name);
            all.add(new Event.RoomInfo(name, members, room == null ? null : room.topicText()));
        });
        return all;
    }

    /**
     * The most one reply may take: half the outbox (so a reply never makes its asker a slow consumer), and
     * no more than is free in it now; at least a little, so that a page always moves on.
     */
    private long replyBudget() {
        return Math.max(1024, Math.min(chat.config().maxOutboxBytes() / 2, client.replayBudget()));
    }

    void topic(Request.Topic r) throws Refusal {
        Room room = commands.memberRoom(r.room());
        if (r.text() == null) {
            client.send(room.topic(r.ref()));
            return;
        }
        Moderation.Sanction muted = chat.moderation().muteOf(room.name(), client.nick());
        if (muted != null) {
            throw new Refusal(ErrorCode.MUTED, "you are muted in " + room.name() + " " + chat.moderation().left(muted)
                    + "; the topic is for those who may speak");
        }
        int max = chat.config().maxTopicChars();
        if (r.text().length() > max) {
            throw new Refusal(ErrorCode.INVALID_TOPIC, "topic is longer than max-topic-chars=" + max);
        }
        if (r.text().indexOf('\n') >= 0 || r.text().indexOf('\r') >= 0) {
            throw new Refusal(ErrorCode.INVALID_TOPIC, "a topic is one line");
        }
        chat.lines().setTopic(room, client, r.text().strip(), r.ref());
    }

    void history(Request.History r) throws Refusal {
        Room room = commands.memberRoom(r.room());
        if (r.before() != null && r.after() != null) {
            throw new Refusal(ErrorCode.BAD_FIELD, "give 'before' or 'after', not both");
        }
        int limit = r.limit() == null ? chat.config().historyOnJoin() : Math.min(r.limit(), MAX_HISTORY_PAGE);
        room.history(client, client.batch(), r.before(), r.after(), limit, r.ref());
    }
}
