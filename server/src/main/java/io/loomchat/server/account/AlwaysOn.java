package io.loomchat.server.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Names;
import io.loomchat.protocol.ProtocolException;
import io.loomchat.protocol.SafeText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an account keeps whether or not any of its clients is connected ("always-on", as ergo calls it):
 * the rooms it is in, how far it has read in each (its read markers), and the private messages waiting
 * for it while it is away. In the data directory's {@value #FILE_NAME}, one checked line per change,
 * forced to the disk before the change counts; compacted at opening once most of its lines are history.
 * Accounts are keyed by the {@link Names#skeleton} of their name, as everywhere.
 */
public final class AlwaysOn {

    private static final Logger LOG = LoggerFactory.getLogger(AlwaysOn.class);
    public static final String FILE_NAME = "always-on.jsonl";
    /** Private messages kept for one account while it is away; past it, more are refused. */
    public static final int MAX_WAITING = 1_000;
    private static final int COMPACT_ABOVE_LINES = 1_000;

    /** One account's standing. */
    private static final class Keeping {
        final LinkedHashSet<String> rooms = new LinkedHashSet<>();
        final Map<String, Long> read = new HashMap<>();
        final ArrayDeque<String> waiting = new ArrayDeque<>(); // encoded private messages, oldest first
    }

    private final RecordFile file; // null: nothing is kept (no data directory)
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Keeping> byKey = new LinkedHashMap<>(); // guarded by lock

    private AlwaysOn(RecordFile file) {
        this.file = file;
    }

    /** Nothing kept: a server without a data directory. */
    public static AlwaysOn none() {
        return new AlwaysOn(null);
    }

    /** What is kept in {@code dir}, read back; compacted if it has grown mostly stale. */
    public static AlwaysOn open(Path dir) throws IOException {
        AlwaysOn state = new AlwaysOn(new RecordFile(dir.resolve(FILE_NAME)));
        List<String> lines = state.file.recover();
        for (int i = 0; i < lines.size(); i++) {
            try {
                state.apply(CheckedLine.decode(lines.get(i)));
            } catch (CheckedLine.Unreadable | RuntimeException e) {
                throw AccountBook.corrupt(state.file.path(), i + 1, e.getMessage());
            }
        }
        List<byte[]> live = state.liveLines();
        if (lines.size() > COMPACT_ABOVE_LINES && lines.size() > 2 * live.size()) {
            state.file.rewrite(live);
            LOG.info("{}: compacted from {} lines to {}", state.file.path(), lines.size(), live.size());
        }
        return state;
    }

    /** A change, read back or just made, applied; IllegalStateException if it breaks the file's rules. */
    private void apply(JsonNode o) {
        String account = o.path("account").textValue();
        if (account == null || Names.nickProblem(account, 64) != null) {
            throw new IllegalStateException("no account's name: " + o.path("account"));
        }
        Keeping k = byKey.computeIfAbsent(Names.skeleton(account), a -> new Keeping());
        String op = o.path("op").asText();
        switch (op) {
            case "join" -> k.rooms.add(room(o));
            case "leave" -> k.rooms.remove(room(o)); // the marker stays, for a later join
            case "read" -> k.read.merge(room(o), number(o, "id"), Math::max);
            case "wait" -> k.waiting.add(privateMessage(o));
            case "taken" -> {
                for (long n = number(o, "count"); n > 0 && !k.waiting.isEmpty(); n--) {
                    k.waiting.poll();
                }
            }
            case "forget" -> byKey.remove(Names.skeleton(account));
            default -> throw new IllegalStateException("an unknown change '" + SafeText.neutralize(op) + "'");
        }
    }

    private static String room(JsonNode o) {
        String room = o.path("room").asText("");
        if (!room.equals(Names.canonicalRoom(room)) || Names.roomProblem(room) != null) {
            throw new IllegalStateException("no room's name: " + o.path("room"));
        }
        return room;
    }

    private static long number(JsonNode o, String field) {
        JsonNode n = o.path(field);
        if (!n.canConvertToLong() || !n.isIntegralNumber() || n.longValue() < 0) {
            throw new IllegalStateException("'" + field + "' is no count: " + n);
        }
        return n.longValue();
    }

    private static String privateMessage(JsonNode o) {
        String line = o.path("message").asText("");
        try {
            if (Codec.decodeEvent(line) instanceof Event.PrivateMessage) {
                return line;
            }
        } catch (ProtocolException e) {
            // said below
        }
        throw new IllegalStateException("a waiting message that is no private message");
    }

    /** Work on what is kept that may write to the file. */
    @FunctionalInterface
    private interface Work<T> {
        T run() throws IOException;
    }

    /** {@code work}, under the lock: one change at a time, the check and the write together. */
    private <T> T locked(Work<T> work) throws IOException {
        lock.lock();
        try {
            return work.run();
        } finally {
            lock.unlock();
        }
    }

    private Keeping keeping(String account) {
        return byKey.get(Names.skeleton(account));
    }

    /** Writes and applies a change, under the lock; nothing changes in memory if the write fails. */
    private void change(String account, String op, Map<String, Object> fields) throws IOException {
        ObjectNode o = node(op, account, fields);
        if (file != null) {
            file.append(CheckedLine.encode(o));
        }
        apply(o);
    }

    private static ObjectNode node(String op, String account, Map<String, Object> fields) {
        ObjectNode o = CheckedLine.JSON.createObjectNode();
        o.put("op", op);
        o.put("account", account);
        fields.forEach((name, value) -> {
            switch (value) {
                case String text -> o.put(name, text);
                case Long number -> o.put(name, number);
                case Integer number -> o.put(name, number);
                default -> throw new IllegalArgumentException(name + ": " + value);
            }
        });
        return o;
    }

    /** Every account with rooms, and its rooms: whom the server puts back in their rooms at start. */
    public Map<String, List<String>> everyonesRooms() {
        lock.lock();
        try {
            Map<String, List<String>> all = new LinkedHashMap<>();
            byKey.forEach((key, k) -> {
                if (!k.rooms.isEmpty()) {
                    all.put(key, List.copyOf(k.rooms));
                }
            });
            return all;
        } finally {
            lock.unlock();
        }
    }

    /** {@code account} is in {@code room} now. */
    public void joined(String account, String room) throws IOException {
        locked(() -> {
            Keeping k = keeping(account);
            if (k == null || !k.rooms.contains(room)) {
                change(account, "join", Map.of("room", room));
            }
            return null;
        });
    }

    /** {@code account} left {@code room} (its read marker there stays, as IRC's read-marker wants). */
    public void left(String account, String room) throws IOException {
        locked(() -> {
            Keeping k = keeping(account);
            if (k != null && k.rooms.contains(room)) {
                change(account, "leave", Map.of("room", room));
            }
            return null;
        });
    }

    /** The id up to which {@code account} has read {@code room}; 0 when it has no marker there. */
    public long readUpTo(String account, String room) {
        lock.lock();
        try {
            Keeping k = keeping(account);
            return k == null ? 0 : k.read.getOrDefault(room, 0L);
        } finally {
            lock.unlock();
        }
    }

    /** Moves the read marker of {@code account} in {@code room} to {@code id}; false if it was there or further. */
    public boolean markRead(String account, String room, long id) throws IOException {
        return locked(() -> {
            if (readUpTo(account, room) >= id) {
                return false;
            }
            change(account, "read", Map.of("room", room, "id", id));
            return true;
        });
    }

    /** Keeps a private message (encoded) for {@code account} until it comes back; false if it has too many waiting. */
    public boolean keepWaiting(String account, String message) throws IOException {
        return locked(() -> {
            Keeping k = keeping(account);
            if (k != null && k.waiting.size() >= MAX_WAITING) {
                return false;
            }
            change(account, "wait", Map.of("message", message));
            return true;
        });
    }

    /** The private messages waiting for {@code account}, oldest first, no longer kept once taken. */
    public List<String> takeWaiting(String account) throws IOException {
        return locked(() -> {
            Keeping k = keeping(account);
            if (k == null || k.waiting.isEmpty()) {
                return List.of();
            }
            List<String> taken = new ArrayList<>(k.waiting);
            change(account, "taken", Map.of("count", taken.size()));
            return taken;
        });
    }

    /** The account was dropped: nothing of it is kept. */
    public void forget(String account) throws IOException {
        locked(() -> {
            if (keeping(account) != null) {
                change(account, "forget", Map.of());
            }
            return null;
        });
    }

    /** The lines that say what is kept now, and nothing else: the compacted file. */
    private List<byte[]> liveLines() {
        List<byte[]> lines = new ArrayList<>();
        byKey.forEach((key, k) -> {
            for (String room : k.rooms) {
                lines.add(line("join", key, Map.of("room", room)));
            }
            k.read.forEach((room, id) -> lines.add(line("read", key, Map.of("room", room, "id", id))));
            for (String message : k.waiting) {
                lines.add(line("wait", key, Map.of("message", message)));
            }
        });
        return lines;
    }

    private static byte[] line(String op, String account, Map<String, Object> fields) {
        return CheckedLine.encode(node(op, account, fields));
    }

    public void close() {
        lock.lock();
        try {
            if (file != null) {
                file.close();
            }
        } finally {
            lock.unlock();
        }
    }
}
