package io.loomchat.server.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One room's journal: an append-only file of the room's {@code message} and {@code topic} events, one JSON
 * line each, exactly as the protocol encodes them.
 *
 * <p>The file is created by the first line written to it (a room where nobody spoke leaves nothing
 * behind), and its descriptor is held only while the room is being written to: the {@link JournalDirectory} closes
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
public final class RoomJournal {

    private static final Logger LOG = LoggerFactory.getLogger(RoomJournal.class);
    /** Lines written after which a compaction is started while the room is open, in kept messages. */
    public static final int COMPACT_WHILE_OPEN_FACTOR = 8;

    private final Path path;
    private final String room;
    private final int keep;
    private final JournalDirectory journal;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition compacted = lock.newCondition();
    private FileChannel channel; // guarded by lock; null while closed
    private long size; // guarded by lock: the offset just after the last complete line
    private long lines; // guarded by lock: lines in the file, for deciding when to compact
    private boolean dirty; // guarded by lock: written since the last force
    private boolean damaged; // guarded by lock: a failed append could not be cut back off yet
    private boolean compacting; // guarded by lock
    private volatile long lastWriteNanos;

    private RoomJournal(Path path, String room, int keep, JournalDirectory journal, JournalFile.Recovered recovered) {
        this.path = path;
        this.room = room;
        this.keep = keep;
        this.journal = journal;
        this.size = recovered.size();
        this.lines = recovered.messages() + (recovered.topic() == null ? 0 : 1);
    }

    /**
     * A journal holding more than this many times the kept messages is rewritten, on opening, to just the
     * kept ones and the topic: nothing a client can still page to is dropped, and the disk stays bounded.
     */
    static final int COMPACT_ABOVE_FACTOR = 4;

    /**
     * Recovers a room's journal, keeping the last {@code keep} messages; compacts it first if it is far
     * longer than that. {@code sink} receives what was recovered. The file is opened for writing later,
     * by the first append.
     */
    static RoomJournal open(Path path, String room, int keep, JournalDirectory journal, Consumer<JournalFile.Recovered> sink)
            throws IOException {
        JournalFile.Recovered recovered = Files.exists(path) ? JournalFile.recover(path, room, keep) : JournalFile.Recovered.empty();
        if (recovered.messages() > (long) COMPACT_ABOVE_FACTOR * Math.max(keep, 1)) {
            try {
                long compacted = JournalFile.compact(path, recovered.topic(), recovered.tail());
                LOG.info("journal {}: compacted from {} to {} message(s)", path, recovered.messages(), recovered.tail().size());
                recovered = new JournalFile.Recovered(recovered.lastId(), recovered.topic(), recovered.tail(), recovered.tail().size(),
                        recovered.skipped(), recovered.tornBytes(), compacted);
            } catch (IOException e) {
                // A full disk, most likely: reading needs no space, so the room opens on the file as it is.
                Files.deleteIfExists(path.resolveSibling(path.getFileName() + ".compacting"));
                LOG.warn("journal {}: not compacted ({}); the room opens on the whole file", path, e.toString());
            }
        }
        sink.accept(recovered);
        return new RoomJournal(path, room, keep, journal, recovered);
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
            lastWriteNanos = journal.nowNanos();
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
            JournalFile.Recovered snapshot = recoverPrefix(end);
            fresh = JournalFile.writeCompacted(path, snapshot.topic(), snapshot.tail());
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
    private JournalFile.Recovered recoverPrefix(long end) throws IOException {
        Path prefix = Files.createTempFile(path.getParent(), "compact-", ".part");
        try {
            try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(prefix, StandardOpenOption.WRITE)) {
                for (long done = 0; done < end; ) {
                    done += in.transferTo(done, end - done, out);
                }
            }
            return JournalFile.recover(prefix, room, keep);
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

    /** When the last line was written, by the journal directory's ticker. */
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
