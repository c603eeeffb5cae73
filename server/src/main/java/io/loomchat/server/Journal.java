package io.loomchat.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's data directory ({@code --data-dir}): one {@link RoomFile} per room that has ever had a
 * message, and the epoch file that names this history. With {@link ServerConfig.Fsync#INTERVAL} a thread
 * forces every written journal to the disk once a second.
 */
final class Journal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    static final Duration SYNC_INTERVAL = Duration.ofSeconds(1);

    private final Path dir;
    private final ServerConfig.Fsync fsync;
    private final String epoch;
    private final Set<RoomFile> open = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread syncer;

    private Journal(Path dir, ServerConfig.Fsync fsync, String epoch) {
        this.dir = dir;
        this.fsync = fsync;
        this.epoch = epoch;
        this.syncer = fsync == ServerConfig.Fsync.INTERVAL
                ? Thread.ofVirtual().name("loomchat-journal-sync").start(this::syncLoop) : null;
    }

    /** Opens the directory, creating it and its epoch on first use. */
    static Journal open(Path dir, ServerConfig.Fsync fsync) throws IOException {
        Files.createDirectories(dir);
        Path epochFile = dir.resolve("epoch");
        if (!Files.exists(epochFile)) {
            Path fresh = dir.resolve("epoch.new");
            Files.writeString(fresh, UUID.randomUUID() + "\n", StandardCharsets.US_ASCII);
            Files.move(fresh, epochFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        String epoch = Files.readString(epochFile, StandardCharsets.US_ASCII).strip();
        long rooms;
        try (var files = Files.list(dir)) {
            rooms = files.filter(f -> f.getFileName().toString().startsWith("room-")).count();
        }
        LOG.info("journal in {}: {} room(s), fsync {}", dir, rooms, fsync.name().toLowerCase());
        return new Journal(dir, fsync, epoch);
    }

    /** Names this history: ids from one epoch mean nothing in another. */
    String epoch() {
        return epoch;
    }

    boolean forceEveryAppend() {
        return fsync == ServerConfig.Fsync.ALWAYS;
    }

    /** Opens and recovers a room's journal; the room closes it when it empties. */
    RoomFile openRoom(String room, int keep, java.util.function.Consumer<RoomFile.Recovered> sink) throws IOException {
        RoomFile file = RoomFile.open(RoomFile.pathOf(dir, room), keep, recovered -> {
            if (recovered.tornBytes() > 0 || recovered.skipped() > 0) {
                LOG.warn("journal of room {} recovered: {} message(s), last id {}, {} unreadable line(s) skipped, "
                        + "{} torn byte(s) dropped", room, recovered.messages(), recovered.lastId(),
                        recovered.skipped(), recovered.tornBytes());
            }
            sink.accept(recovered);
        });
        open.add(file);
        return file;
    }

    void closeRoom(RoomFile file) {
        open.remove(file);
        file.close();
    }

    private void syncLoop() {
        try {
            while (!stop.await(SYNC_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
                for (RoomFile file : open) {
                    file.force();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop.countDown();
        if (syncer != null) {
            try {
                syncer.join(SYNC_INTERVAL.multipliedBy(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (RoomFile file : open) {
            closeRoom(file);
        }
    }
}
