package io.loomchat.server;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.ProtocolException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One room's journal: an append-only file of the room's {@code message} and {@code topic} events, one JSON
 * line each, exactly as the protocol encodes them.
 *
 * <p>Opening it recovers it: every complete line is read back; a torn last line (no terminator: the server
 * died while writing it) is cut off, never a line before it. Appends come from the room's lock holder
 * only; {@link #force} may run on the journal's sync thread at the same time.
 */
final class RoomFile implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RoomFile.class);
    /** A journal line is one encoded event: at most a max-length text with every character escaped. */
    private static final int MAX_JOURNAL_LINE_BYTES = 1 << 20;

    private final Path path;
    private final FileChannel channel;
    private volatile boolean dirty;

    /** What the file held when opened. */
    record Recovered(long lastId, Event.Topic topic, ArrayDeque<ChatMessage> tail, long messages, int skipped,
                     long tornBytes) {
    }

    private RoomFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** The journal file of {@code room} in {@code dir}; the name is safe because room names cannot hold '/'. */
    static Path pathOf(Path dir, String room) {
        return dir.resolve("room-" + room + ".jsonl");
    }

    /**
     * Opens (creating if needed) and recovers a room's journal, keeping the last {@code keep} messages.
     * {@code sink} receives what was recovered.
     */
    static RoomFile open(Path path, int keep, java.util.function.Consumer<Recovered> sink) throws IOException {
        Recovered recovered = Files.exists(path) ? recover(path, keep) : new Recovered(0, null, new ArrayDeque<>(), 0, 0, 0);
        if (recovered.messages() > (long) COMPACT_ABOVE_FACTOR * Math.max(keep, 1)) {
            compact(path, recovered);
        }
        sink.accept(recovered);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        return new RoomFile(path, channel);
    }

    /** Reads every complete line; truncates the file after the last one if a torn line follows it. */
    static Recovered recover(Path path, int keep) throws IOException {
        ArrayDeque<ChatMessage> tail = new ArrayDeque<>();
        long lastId = 0;
        long messages = 0;
        int skipped = 0;
        Event.Topic topic = null;
        long goodEnd = 0; // offset just after the last complete line
        long offset = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 64 * 1024)) {
            for (int b; (b = in.read()) != -1; ) {
                offset++;
                if (b != '\n') {
                    if (line.size() < MAX_JOURNAL_LINE_BYTES) {
                        line.write(b);
                    }
                    continue;
                }
                goodEnd = offset;
                byte[] bytes = line.toByteArray();
                line.reset();
                Event event;
                try {
                    event = bytes.length == 0 ? null : Codec.decodeEvent(bytes, 0, bytes.length);
                } catch (ProtocolException e) {
                    event = null;
                }
                switch (event) {
                    case ChatMessage m -> {
                        messages++;
                        lastId = Math.max(lastId, m.id());
                        tail.addLast(m);
                        // At least the last one, even with no history kept: compaction must keep the last id.
                        if (tail.size() > Math.max(keep, 1)) {
                            tail.removeFirst();
                        }
                    }
                    case Event.Topic t -> topic = t;
                    case null, default -> {
                        skipped++;
                        LOG.warn("journal {}: skipped an unreadable line ending at byte {}", path, offset);
                    }
                }
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
        return new Recovered(lastId, topic, tail, messages, skipped, torn);
    }

    /**
     * A journal holding more than this many times the kept messages is rewritten, on opening, to just the
     * kept ones and the topic: nothing a client can still page to is dropped, and the disk stays bounded.
     */
    static final int COMPACT_ABOVE_FACTOR = 4;

    /** Rewrites the journal as the topic and the kept messages, atomically: a crash leaves the old or the new. */
    private static void compact(Path path, Recovered recovered) throws IOException {
        Path fresh = path.resolveSibling(path.getFileName() + ".compacting");
        try (FileChannel out = FileChannel.open(fresh, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            if (recovered.topic() != null) {
                writeFully(out, Codec.encode(recovered.topic()));
            }
            for (ChatMessage m : recovered.tail()) {
                writeFully(out, Codec.encode(m));
            }
            out.force(true);
        }
        Files.move(fresh, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        LOG.info("journal {}: compacted from {} to {} message(s)", path, recovered.messages(), recovered.tail().size());
    }

    private static void writeFully(FileChannel out, byte[] line) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /** Appends one encoded line (with its terminator). Called under the room's lock. */
    void append(byte[] line, boolean force) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        if (force) {
            channel.force(false);
        } else {
            dirty = true;
        }
    }

    /** Forces appended lines to the disk if there are any; from the journal's sync thread. */
    void force() {
        if (!dirty) {
            return;
        }
        dirty = false;
        try {
            channel.force(false);
        } catch (ClosedChannelException e) {
            // the room closed meanwhile; closing forced it
        } catch (IOException e) {
            LOG.error("journal {}: fsync failed: {}", path, e.toString());
        }
    }

    @Override
    public void close() {
        try {
            if (dirty) {
                channel.force(false);
            }
            channel.close();
        } catch (IOException e) {
            LOG.error("journal {}: close failed: {}", path, e.toString());
        }
    }
}
