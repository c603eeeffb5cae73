package io.loomchat.server.history;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One room's journal: an append-only file of the room's {@code message} and {@code topic} events, one JSON
 * line each, exactly as the protocol encodes them.
 *
 * <p>The file is created by the first line written to it (a room where nobody spoke leaves nothing
 * behind), and its descriptor is held only while the room is being written to: the {@link Journal} closes
 * the channels of quiet rooms, and the least recently written one when too many are open, so open rooms
 * never exhaust the process's descriptors. An append that fails (a full disk) is cut back off, so the file
 * always ends with the last complete line and a later line is never glued to a broken one.
 *
 * <p>Opening it recovers it: every complete line is read back; a torn last line (the server died while
 * writing it) is cut off. Lines are validated (their room, increasing ids in range); a journal that
 * breaks those rules is refused rather than served.
 *
 * <p>Appends come from the room's lock holder only. Its own lock (never held while waiting for another
 * room) guards the channel, which the journal's maintenance thread may force or close and a background
 * compaction may swap.
 */
public final class RoomFile {

    private static final Logger LOG = LoggerFactory.getLogger(RoomFile.class);
    /** A journal line is one encoded event: at most a max-length text with every character escaped. */
    private static final int MAX_JOURNAL_LINE_BYTES = 1 << 20;
    /**
     * The largest message id: 2^53 - 1, the largest integer every JSON reader (JavaScript's included)
     * holds exactly. A journal claiming more is corrupt; a room will not reach it in any lifetime.
     */
    static final long MAX_ID = (1L << 53) - 1;
    /** Lines written after which a compaction is started while the room is open, in kept messages. */
    public static final int COMPACT_WHILE_OPEN_FACTOR = 8;
    private static final byte[] LINE_START = "{\"type\":".getBytes(StandardCharsets.US_ASCII);

    private final Path path;
    private final String room;
    private final int keep;
    private final Journal journal;
    private final ReentrantLock lock = new ReentrantLock();
    private final java.util.concurrent.locks.Condition compacted = lock.newCondition();
    private FileChannel channel; // guarded by lock; null while closed
    private long size; // guarded by lock: the offset just after the last complete line
    private long lines; // guarded by lock: lines in the file, for deciding when to compact
    private boolean dirty; // guarded by lock: written since the last force
    private boolean damaged; // guarded by lock: a failed append could not be cut back off yet
    private boolean compacting; // guarded by lock
    private volatile long lastWriteNanos;

    /** A journal that breaks its own rules: the server refuses to serve it. */
    public static final class CorruptJournalException extends IOException {
        public CorruptJournalException(String message) {
            super(message);
        }
    }

    /** What the file held when opened. */
    public record Recovered(long lastId, Event.Topic topic, ArrayDeque<ChatMessage> tail, long messages, int skipped,
                     long tornBytes, long size) {
        static Recovered empty() {
            return new Recovered(0, null, new ArrayDeque<>(), 0, 0, 0, 0);
        }
    }

    private RoomFile(Path path, String room, int keep, Journal journal, Recovered recovered) {
        this.path = path;
        this.room = room;
        this.keep = keep;
        this.journal = journal;
        this.size = recovered.size();
        this.lines = recovered.messages() + (recovered.topic() == null ? 0 : 1);
    }

    /** The journal file of {@code room} in {@code dir}; the name is safe because room names cannot hold '/'. */
    public static Path pathOf(Path dir, String room) {
        return dir.resolve("room-" + room + ".jsonl");
    }

    /** The room a journal file belongs to, or null if the name is not a journal's. */
    static String roomOf(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith("room-") && name.endsWith(".jsonl") ? name.substring(5, name.length() - 6) : null;
    }

    /**
     * Recovers a room's journal, keeping the last {@code keep} messages; compacts it first if it is far
     * longer than that. {@code sink} receives what was recovered. The file is opened for writing later,
     * by the first append.
     */
    static RoomFile open(Path path, String room, int keep, Journal journal, java.util.function.Consumer<Recovered> sink)
            throws IOException {
        Recovered recovered = Files.exists(path) ? recover(path, room, keep) : Recovered.empty();
        if (recovered.messages() > (long) COMPACT_ABOVE_FACTOR * Math.max(keep, 1)) {
            try {
                long compacted = compact(path, recovered.topic(), recovered.tail());
                LOG.info("journal {}: compacted from {} to {} message(s)", path, recovered.messages(), recovered.tail().size());
                recovered = new Recovered(recovered.lastId(), recovered.topic(), recovered.tail(), recovered.tail().size(),
                        recovered.skipped(), recovered.tornBytes(), compacted);
            } catch (IOException e) {
                // A full disk, most likely: reading needs no space, so the room opens on the file as it is.
                Files.deleteIfExists(path.resolveSibling(path.getFileName() + ".compacting"));
                LOG.warn("journal {}: not compacted ({}); the room opens on the whole file", path, e.toString());
            }
        }
        sink.accept(recovered);
        return new RoomFile(path, room, keep, journal, recovered);
    }

    /**
     * Reads every complete line; truncates the file after the last one if a torn line follows it. A
     * complete line glued behind the remains of a torn one is still read.
     *
     * @throws CorruptJournalException if a line names another room, or ids do not increase within range
     */
    static Recovered recover(Path path, String room, int keep) throws IOException {
        ArrayDeque<ChatMessage> tail = new ArrayDeque<>();
        long lastId = 0;
        long messages = 0;
        int skipped = 0;
        Event.Topic topic = null;
        long goodEnd = 0; // offset just after the last complete line
        long offset = 0;
        long lineNumber = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        byte[] chunk = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(path)) {
            for (int n; (n = in.read(chunk)) > 0; ) {
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (chunk[i] != '\n') {
                        continue;
                    }
                    offset += i + 1 - start;
                    goodEnd = offset;
                    lineNumber++;
                    byte[] bytes;
                    if (line.size() == 0) {
                        bytes = java.util.Arrays.copyOfRange(chunk, start, i);
                    } else {
                        append(line, chunk, start, i - start);
                        bytes = line.toByteArray();
                        line.reset();
                    }
                    start = i + 1;
                    if (bytes.length == 0) {
                        continue;
                    }
                    Event event = decodeSalvaging(bytes);
                    switch (event) {
                        case ChatMessage m -> {
                            check(path, lineNumber, room, m.room());
                            if (m.id() <= lastId || m.id() > MAX_ID) {
                                throw new CorruptJournalException("journal " + path + " line " + lineNumber + ": message id "
                                        + m.id() + (m.id() > MAX_ID ? " is out of range (at most " + MAX_ID + ")"
                                        : " does not follow id " + lastId) + "; ids must increase");
                            }
                            messages++;
                            lastId = m.id();
                            tail.addLast(m);
                            // At least the last one, even with no history kept: compaction must keep the last id.
                            if (tail.size() > Math.max(keep, 1)) {
                                tail.removeFirst();
                            }
                        }
                        case Event.Topic t -> {
                            check(path, lineNumber, room, t.room());
                            topic = t;
                        }
                        case null, default -> {
                            skipped++;
                            LOG.warn("journal {}: skipped an unreadable line {} ending at byte {}", path, lineNumber, offset);
                        }
                    }
                }
                append(line, chunk, start, n - start);
                offset += n - start;
            }
        }
        long torn = offset - goodEnd;
        if (torn > 0) {
            LOG.warn("journal {}: dropped a torn last line of {} bytes (the server stopped while writing it)", path, torn);
            try (FileChannel repair = FileChannel.open(path, StandardOpenOption.WRITE)) {
                repair.truncate(goodEnd);
                repair.force(true);
            }
        }
        return new Recovered(lastId, topic, tail, messages, skipped, torn, goodEnd);
    }

    /** Keeps up to {@link #MAX_JOURNAL_LINE_BYTES} of a line that spans reads; the rest cannot be a valid event. */
    private static void append(ByteArrayOutputStream line, byte[] chunk, int from, int length) {
        line.write(chunk, from, Math.max(0, Math.min(length, MAX_JOURNAL_LINE_BYTES - line.size())));
    }

    private static void check(Path path, long lineNumber, String room, String named) throws CorruptJournalException {
        if (!room.equals(named)) {
            throw new CorruptJournalException("journal " + path + " line " + lineNumber + ": an event of room '"
                    + io.loomchat.protocol.SafeText.neutralize(String.valueOf(named)) + "' in the journal of '" + room + "'");
        }
    }

    /**
     * Decodes a journal line; if it does not decode, tries what follows the first later start of an event
     * in it: the bytes of a torn write with a whole line glued behind them (written by a server that did
     * not cut a failed append off). An unescaped {@code {"type":} can only start an event, never sit inside
     * a JSON string, where its quotes would be escaped.
     */
    private static Event decodeSalvaging(byte[] bytes) {
        try {
            return Codec.decodeEvent(bytes, 0, bytes.length);
        } catch (ProtocolException e) {
            for (int start = indexOf(bytes, LINE_START, 1); start > 0; start = indexOf(bytes, LINE_START, start + 1)) {
                try {
                    return Codec.decodeEvent(bytes, start, bytes.length - start);
                } catch (ProtocolException again) {
                    // not this one
                }
            }
            return null;
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * A journal holding more than this many times the kept messages is rewritten, on opening, to just the
     * kept ones and the topic: nothing a client can still page to is dropped, and the disk stays bounded.
     */
    static final int COMPACT_ABOVE_FACTOR = 4;

    /** Writes the topic and the kept messages to a new file beside {@code path}; returns its path. */
    private static Path writeCompacted(Path path, Event.Topic topic, Iterable<ChatMessage> kept) throws IOException {
        Path fresh = path.resolveSibling(path.getFileName() + ".compacting");
        try (FileChannel out = FileChannel.open(fresh, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            if (topic != null) {
                writeFully(out, Codec.encode(topic));
            }
            for (ChatMessage m : kept) {
                writeFully(out, Codec.encode(m));
            }
            out.force(true);
        }
        return fresh;
    }

    /** Rewrites the journal as the topic and the kept messages, atomically: a crash leaves the old or the new. */
    private static long compact(Path path, Event.Topic topic, Iterable<ChatMessage> kept) throws IOException {
        Path fresh = writeCompacted(path, topic, kept);
        long size = Files.size(fresh);
        Files.move(fresh, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return size;
    }

    private static void writeFully(FileChannel out, byte[] line) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /**
     * Appends one encoded line (with its terminator), creating the file or reopening its channel if
     * needed. If the write fails, what it left is cut off again before the failure is reported, so the
     * next line never lands behind a partial one; if even that fails, every append is refused until it
     * succeeds. Called under the room's lock.
     */
    void append(byte[] line, boolean force) throws IOException {
        boolean startCompaction;
        lock.lock();
        try {
            if (damaged) {
                channel().truncate(size); // the disk may have room again: repair before writing on
                damaged = false;
            }
            FileChannel out = channel();
            ByteBuffer buffer = ByteBuffer.wrap(line);
            long at = size;
            try {
                while (buffer.hasRemaining()) {
                    at += out.write(buffer, at);
                }
                if (force) {
                    out.force(false);
                }
            } catch (IOException e) {
                cutBack();
                throw e;
            }
            size = at;
            lines++;
            dirty |= !force;
            lastWriteNanos = System.nanoTime();
            startCompaction = !compacting && lines > (long) COMPACT_WHILE_OPEN_FACTOR * Math.max(keep, 1);
            compacting |= startCompaction;
        } finally {
            lock.unlock();
        }
        if (startCompaction) {
            Thread.ofVirtual().name("loomchat-compact-" + room).start(this::compactWhileOpen);
        }
    }

    /** After a failed write: truncates back to the last complete line, or remembers that it must. */
    private void cutBack() {
        try {
            channel.truncate(size);
        } catch (IOException | RuntimeException e) {
            damaged = true;
            LOG.error("journal {}: cannot cut a failed write back off ({}); refusing writes until it can", path, e.toString());
        }
    }

    /** The open channel, opening (and creating) the file if needed. Under lock. */
    private FileChannel channel() throws IOException {
        if (channel == null) {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            journal.opened(this);
        }
        return channel;
    }

    /**
     * Compacts while the room stays open: the kept messages are read and written to a new file without the
     * lock (appends go on meanwhile), then, under the lock, what was appended since is copied over and the
     * new file replaces the old one atomically. A crash at any point leaves the old file or the new one.
     */
    private void compactWhileOpen() {
        Path fresh = null;
        try {
            long end;
            lock.lock();
            try {
                end = size;
            } finally {
                lock.unlock();
            }
            Recovered snapshot = recoverPrefix(end);
            fresh = writeCompacted(path, snapshot.topic(), snapshot.tail());
            lock.lock();
            try {
                long copied = copyTail(end, fresh);
                Files.move(fresh, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                fresh = null;
                closeChannel(); // the old file's descriptor; the next append opens the new one
                long kept = snapshot.tail().size() + (snapshot.topic() == null ? 0 : 1);
                size = Files.size(path);
                lines = kept + copied;
                LOG.info("journal {}: compacted while open from {} to {} line(s)", path, snapshot.messages(), lines);
            } finally {
                lock.unlock();
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("journal {}: compaction failed, the journal stays as it was: {}", path, e.toString());
        } finally {
            if (fresh != null) {
                try {
                    Files.deleteIfExists(fresh);
                } catch (IOException e) {
                    LOG.debug("removing {}: {}", fresh, e.toString());
                }
            }
            lock.lock();
            try {
                compacting = false;
                compacted.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** What the first {@code end} bytes of the file hold (all complete lines). */
    private Recovered recoverPrefix(long end) throws IOException {
        Path prefix = Files.createTempFile(path.getParent(), "compact-", ".part");
        try {
            try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(prefix, StandardOpenOption.WRITE)) {
                for (long done = 0; done < end; ) {
                    done += in.transferTo(done, end - done, out);
                }
            }
            return recover(prefix, room, keep);
        } finally {
            Files.deleteIfExists(prefix);
        }
    }

    /** Appends bytes {@code from..size} of the journal to {@code fresh}; returns how many lines they were. Under lock. */
    private long copyTail(long from, Path fresh) throws IOException {
        long lineCount = 0;
        try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(fresh, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            for (long at = from; at < size; ) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), size - at));
                int n = in.read(buffer, at);
                if (n < 0) {
                    break;
                }
                at += n;
                buffer.flip();
                for (int i = 0; i < buffer.limit(); i++) {
                    if (buffer.get(i) == '\n') {
                        lineCount++;
                    }
                }
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
            out.force(true);
        }
        return lineCount;
    }

    /** Forces appended lines to the disk if there are any; from the journal's maintenance thread. */
    void force() {
        lock.lock();
        try {
            forceIfDirty();
        } finally {
            lock.unlock();
        }
    }

    private void forceIfDirty() {
        if (!dirty || channel == null) {
            return;
        }
        try {
            channel.force(false);
            dirty = false;
        } catch (IOException e) {
            LOG.error("journal {}: fsync failed: {}", path, e.toString());
        }
    }

    /** When the last line was written, by {@link System#nanoTime()}. */
    long lastWriteNanos() {
        return lastWriteNanos;
    }

    /**
     * Closes the channel if no append holds it now; false if one does. The file stays; the next append
     * reopens it.
     */
    boolean tryCloseChannel() {
        if (!lock.tryLock()) {
            return false;
        }
        try {
            closeChannel();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void closeChannel() {
        if (channel == null) {
            return;
        }
        forceIfDirty();
        try {
            channel.close();
        } catch (IOException e) {
            LOG.error("journal {}: close failed: {}", path, e.toString());
        }
        channel = null;
        journal.closed(this);
    }

    /**
     * The room closed: forces and closes the channel, after an append or compaction in progress, so that
     * a later incarnation of the room never shares the file with this one.
     */
    void close() {
        lock.lock();
        try {
            while (compacting) {
                compacted.awaitUninterruptibly();
            }
            closeChannel();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
