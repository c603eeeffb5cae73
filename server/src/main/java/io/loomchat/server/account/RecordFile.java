package io.loomchat.server.account;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file of lines, forced to the disk line by line: read back whole at opening (a torn last
 * line cut off), appended to, and rewritten atomically when its owner compacts it. A write that fails (a
 * full disk) is cut off again before the failure is reported, so the next line never lands behind a
 * partial one. Not thread-safe: its owner writes under its own lock.
 */
final class RecordFile {

    private static final Logger LOG = LoggerFactory.getLogger(RecordFile.class);

    private final Path path;
    private FileChannel channel; // null until the first line is written: no line, no file
    private long size; // the end of the last complete line
    private boolean damaged; // a failed write could not be cut off yet

    RecordFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /** Every complete line, oldest first; a torn last line is cut off the file. */
    List<String> recover() throws IOException {
        byte[] all = Files.exists(path) ? Files.readAllBytes(path) : new byte[0];
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                lines.add(new String(all, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        size = start;
        if (all.length > size) {
            LOG.warn("{}: cutting off {} bytes of a torn last write", path, all.length - size);
            try (FileChannel cut = FileChannel.open(path, StandardOpenOption.WRITE)) {
                cut.truncate(size);
                cut.force(true);
            }
        }
        return lines;
    }

    /** Appends {@code line} (newline included) and forces it to the disk. */
    void append(byte[] line) throws IOException {
        if (channel == null) {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
        if (damaged) {
            channel.truncate(size); // the disk may have room again: repair before writing on
            damaged = false;
        }
        ByteBuffer buffer = ByteBuffer.wrap(line);
        long at = size;
        try {
            while (buffer.hasRemaining()) {
                at += channel.write(buffer, at);
            }
            channel.force(false);
        } catch (IOException e) {
            cutBack();
            throw e;
        }
        size = at;
    }

    private void cutBack() {
        try {
            channel.truncate(size);
        } catch (IOException e) {
            damaged = true;
            LOG.error("{}: cannot cut a failed write back off: {}", path, e.toString());
        }
    }

    /** Replaces the whole file with {@code lines}, atomically: a crash leaves the old file or the new one. */
    void rewrite(List<byte[]> lines) throws IOException {
        Path fresh = path.resolveSibling(path.getFileName() + ".compact");
        long written = 0;
        try (FileChannel out = FileChannel.open(fresh, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (byte[] line : lines) {
                ByteBuffer buffer = ByteBuffer.wrap(line);
                while (buffer.hasRemaining()) {
                    written += out.write(buffer);
                }
            }
            out.force(true);
        }
        close();
        Files.move(fresh, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        size = written;
    }

    void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("{}: close: {}", path, e.toString());
            }
            channel = null;
        }
    }
}
