package io.loomchat.server.history;

import io.loomchat.server.config.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's data directory ({@code --data-dir}): one {@link RoomJournal} per room that has ever had a
 * message, and the epoch file that names this history.
 *
 * <p>It keeps the open journal files within a budget of descriptors: a maintenance thread closes those
 * not written for {@link #IDLE_CLOSE}, and opening one more than {@code maxOpen} closes the least recently
 * written. With {@link ServerConfig.Fsync#INTERVAL} the same thread forces written journals once a second.
 */
public final class JournalDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JournalDirectory.class);
    static final Duration SYNC_INTERVAL = Duration.ofSeconds(1);
    /** A journal not written for this long gives its descriptor back. */
    static final Duration IDLE_CLOSE = Duration.ofSeconds(5);

    private final Path dir;
    private final ServerConfig.Fsync fsync;
    private final String epoch;
    private final int maxOpen;
    private final Set<RoomJournal> open = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread maintenance;
    private final LongSupplier ticker; // when journals were last written, and whether they have been idle since

    private JournalDirectory(Path dir, ServerConfig.Fsync fsync, String epoch, int maxOpen, LongSupplier ticker) {
        this.ticker = ticker;
        this.dir = dir;
        this.fsync = fsync;
        this.epoch = epoch;
        this.maxOpen = maxOpen;
        this.maintenance = Thread.ofPlatform().daemon().name("loomchat-journal").start(this::maintain);
    }

    /**
     * Opens the directory, creating it and its epoch on first use, and checks every room's journal (cutting
     * torn tails, removing empty files).
     *
     * @throws JournalFile.CorruptJournalException if a journal breaks its rules: the server must not serve it
     */
    public static JournalDirectory open(Path dir, ServerConfig.Fsync fsync, int maxOpen, int keep) throws IOException {
        return open(dir, fsync, maxOpen, keep, System::nanoTime);
    }

    /** As above, reading idle times from {@code ticker} (tests run the idle close on virtual time). */
    public static JournalDirectory open(Path dir, ServerConfig.Fsync fsync, int maxOpen, int keep, LongSupplier ticker)
            throws IOException {
        Files.createDirectories(dir);
        Path epochFile = dir.resolve("epoch");
        if (!Files.exists(epochFile)) {
            Path fresh = dir.resolve("epoch.new");
            Files.writeString(fresh, UUID.randomUUID() + "\n", StandardCharsets.US_ASCII);
            Files.move(fresh, epochFile, StandardCopyOption.ATOMIC_MOVE);
        }
        String epoch = Files.readString(epochFile, StandardCharsets.US_ASCII).strip();
        List<Path> journals = new ArrayList<>();
        try (var files = Files.list(dir)) {
            files.filter(f -> JournalFile.roomOf(f) != null).forEach(journals::add);
        }
        int rooms = 0;
        for (Path file : journals) {
            if (Files.size(file) == 0) {
                Files.delete(file); // left by an older server for a room where nobody spoke
                continue;
            }
            JournalFile.recover(file, JournalFile.roomOf(file), keep);
            rooms++;
        }
        LOG.info("journal in {}: {} room(s) checked, fsync {}, at most {} open at once", dir, rooms,
                fsync.name().toLowerCase(), maxOpen);
        return new JournalDirectory(dir, fsync, epoch, maxOpen, ticker);
    }

    /** Names this history: ids from one epoch mean nothing in another. */
    public String epoch() {
        return epoch;
    }

    public boolean forceEveryAppend() {
        return fsync == ServerConfig.Fsync.ALWAYS;
    }

    /** Recovers a room's journal; the room closes it when it empties. */
    public RoomJournal openRoom(String room, int keep, Consumer<JournalFile.Recovered> sink) throws IOException {
        return RoomJournal.open(JournalFile.pathOf(dir, room), room, keep, this, recovered -> {
            if (recovered.tornBytes() > 0 || recovered.skipped() > 0) {
                LOG.warn("journal of room {} recovered: {} message(s), last id {}, {} unreadable line(s) skipped, "
                        + "{} torn byte(s) dropped", room, recovered.messages(), recovered.lastId(),
                        recovered.skipped(), recovered.tornBytes());
            }
            sink.accept(recovered);
        });
    }

    /** A journal's channel was opened: past the budget, the least recently written other one is closed. */
    void opened(RoomJournal file) {
        open.add(file);
        while (open.size() > maxOpen) {
            RoomJournal oldest = null;
            for (RoomJournal candidate : open) {
                if (candidate != file && (oldest == null || candidate.lastWriteNanos() < oldest.lastWriteNanos())) {
                    oldest = candidate;
                }
            }
            // Busy (being written under its own lock): leave it; the budget is kept again at the next opening.
            if (oldest == null || !oldest.tryCloseChannel()) {
                return;
            }
        }
    }

    long nowNanos() {
        return ticker.getAsLong();
    }

    /** A journal's channel was closed. */
    void closed(RoomJournal file) {
        open.remove(file);
    }

    private void maintain() {
        try {
            while (!stop.await(SYNC_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
                long now = ticker.getAsLong();
                for (RoomJournal file : open) {
                    try {
                        if (now - file.lastWriteNanos() > IDLE_CLOSE.toNanos()) {
                            file.tryCloseChannel();
                        } else if (fsync == ServerConfig.Fsync.INTERVAL) {
                            file.force();
                        }
                    } catch (RuntimeException e) {
                        LOG.error("journal maintenance of {} failed", file, e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop.countDown();
        try {
            maintenance.join(SYNC_INTERVAL.multipliedBy(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (RoomJournal file : open) {
            file.close();
        }
    }
}
