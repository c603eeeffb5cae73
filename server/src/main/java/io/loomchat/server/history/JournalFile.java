package io.loomchat.server.history;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.Event.ChatMessage;
import io.loomchat.protocol.ProtocolException;
import io.loomchat.protocol.SafeText;
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
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The format of a room's journal file on disk, and nothing that stays open: its name, reading one back
 * after a restart or a crash (recovery, with its validation and the salvage of a torn write), and writing
 * a compacted one. {@link RoomJournal} is the open, appendable journal built on it.
 */
public final class JournalFile {

    private static final Logger LOG = LoggerFactory.getLogger(JournalFile.class);

    /** A journal line is one encoded event: at most a max-length text with every character escaped. */
    private static final int MAX_JOURNAL_LINE_BYTES = 1 << 20;
    /**
     * The largest message id: 2^53 - 1, the largest integer every JSON reader (JavaScript's included)
     * holds exactly. A journal claiming more is corrupt; a room will not reach it in any lifetime.
     */
    static final long MAX_ID = (1L << 53) - 1;
    private static final byte[] LINE_START = "{\"type\":".getBytes(StandardCharsets.US_ASCII);

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
                        bytes = Arrays.copyOfRange(chunk, start, i);
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
                    + SafeText.neutralize(String.valueOf(named)) + "' in the journal of '" + room + "'");
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

    /** Writes the topic and the kept messages to a new file beside {@code path}; returns its path. */
    static Path writeCompacted(Path path, Event.Topic topic, Iterable<ChatMessage> kept) throws IOException {
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
    static long compact(Path path, Event.Topic topic, Iterable<ChatMessage> kept) throws IOException {
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
}
