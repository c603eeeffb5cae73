package io.loomchat.server.account;

import io.loomchat.protocol.Names;
import io.loomchat.server.account.AccountRecord.Op;
import io.loomchat.server.guard.PasswordHash;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every account of this server, and the file under the data directory that keeps them
 * ({@value #FILE_NAME}): one {@link AccountRecord} per change, appended and forced to the disk before the
 * change counts, so that nothing acknowledged is lost to a crash. Accounts are found by the
 * {@link Names#skeleton} of their name, as nicks are: {@code alice} and {@code aIice} are one account.
 *
 * <p>A write that fails (a full disk) is cut off again before the failure is reported and changes nothing
 * in memory; a torn last line is cut off at opening; any other line that breaks the rules stops the server
 * from starting, with the line's number.
 */
public final class AccountBook {

    private static final Logger LOG = LoggerFactory.getLogger(AccountBook.class);
    public static final String FILE_NAME = "accounts.jsonl";
    /** The longest account name the file may hold: nicks are shorter (max-nick-chars). */
    private static final int MAX_NAME_CHARS = 64;

    /** An account: its name as registered, its password, and when it was made. */
    public record Account(String name, PasswordHash password, Instant created) {
    }

    /** An accounts file that breaks its own rules: the server refuses to start on it. */
    public static final class CorruptAccountsException extends IOException {
        CorruptAccountsException(String message) {
            super(message);
        }
    }

    private final Path path;
    private final Clock clock;
    private final ConcurrentHashMap<String, Account> byKey = new ConcurrentHashMap<>();
    private final ReentrantLock writes = new ReentrantLock(); // one change at a time, the check and the write together
    private FileChannel channel; // guarded by writes
    private long size; // guarded by writes: the end of the last complete record
    private boolean damaged; // guarded by writes: a failed write could not be cut off yet

    private AccountBook(Path path, Clock clock) {
        this.path = path;
        this.clock = clock;
    }

    /** The accounts kept in {@code dir}, read back (and a torn last line cut off). */
    public static AccountBook open(Path dir, Clock clock) throws IOException {
        AccountBook book = new AccountBook(dir.resolve(FILE_NAME), clock);
        book.recover();
        return book;
    }

    private void recover() throws IOException {
        byte[] all = Files.exists(path) ? Files.readAllBytes(path) : new byte[0];
        int start = 0;
        int number = 0;
        while (start < all.length) {
            int end = indexOf(all, (byte) '\n', start);
            if (end < 0) {
                LOG.warn("accounts {}: cutting off {} bytes of a torn last write", path, all.length - start);
                break;
            }
            number++;
            String line = new String(all, start, end - start, StandardCharsets.UTF_8);
            try {
                apply(AccountRecord.parse(line));
            } catch (AccountRecord.Unreadable e) {
                throw corrupt(number, e.getMessage());
            } catch (IllegalStateException e) {
                throw corrupt(number, e.getMessage());
            }
            start = end + 1;
        }
        size = start;
        if (all.length > size) { // a torn last line: cut off
            channel = FileChannel.open(path, StandardOpenOption.WRITE);
            channel.truncate(size);
            channel.force(true);
        }
        LOG.info("accounts {}: {} accounts", path, byKey.size());
    }

    private CorruptAccountsException corrupt(int line, String why) {
        return new CorruptAccountsException(path + " line " + line + ": " + why + ". The file was changed by hand or "
                + "damaged: restore it from a backup (or move it away to start with no accounts)");
    }

    /** A record, read back or just written, applied to the accounts in memory; IllegalStateException if it breaks the rules. */
    private void apply(AccountRecord r) {
        String key = Names.skeleton(r.account());
        Account existing = byKey.get(key);
        switch (r.op()) {
            case REGISTER -> {
                if (existing != null || r.account().isEmpty() || r.account().length() > MAX_NAME_CHARS) {
                    throw new IllegalStateException("registers " + r.account() + ", which exists or is no name");
                }
                byKey.put(key, new Account(r.account(), r.password(), r.ts()));
            }
            case PASSWORD -> {
                if (existing == null) {
                    throw new IllegalStateException("changes the password of " + r.account() + ", which does not exist");
                }
                byKey.put(key, new Account(existing.name(), r.password(), existing.created()));
            }
            case DROP -> {
                if (existing == null) {
                    throw new IllegalStateException("drops " + r.account() + ", which does not exist");
                }
                byKey.remove(key);
            }
        }
    }

    /** The account named {@code name} or one that looks like it; null if there is none. */
    public Account find(String name) {
        return byKey.get(Names.skeleton(name));
    }

    public int size() {
        return byKey.size();
    }

    /** Adds {@code name}; false if it, or a look-alike, exists. On the disk before it returns true. */
    public boolean register(String name, PasswordHash password) throws IOException {
        return write(new AccountRecord(Op.REGISTER, name, password, clock.instant()), false);
    }

    /** Replaces the password of {@code name}; false if there is no such account. */
    public boolean changePassword(String name, PasswordHash password) throws IOException {
        return write(new AccountRecord(Op.PASSWORD, name, password, clock.instant()), true);
    }

    /** Deletes {@code name}; false if there is no such account. */
    public boolean drop(String name) throws IOException {
        return write(new AccountRecord(Op.DROP, name, null, clock.instant()), true);
    }

    /** The check, the write and the change in memory, under one lock: two registrations of a name cannot both win. */
    private boolean write(AccountRecord r, boolean mustExist) throws IOException {
        writes.lock();
        try {
            Account existing = find(r.account());
            if ((existing != null) != mustExist) {
                return false;
            }
            AccountRecord named = existing == null ? r : new AccountRecord(r.op(), existing.name(), r.password(), r.ts());
            if (damaged) {
                channel.truncate(size); // the disk may have room again: repair before writing on
                damaged = false;
            }
            if (channel == null) { // the first account: the file exists from now on, not before
                channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            }
            ByteBuffer line = ByteBuffer.wrap(named.line());
            long at = size;
            try {
                while (line.hasRemaining()) {
                    at += channel.write(line, at);
                }
                channel.force(false);
            } catch (IOException e) {
                cutBack();
                throw e;
            }
            size = at;
            apply(named);
            return true;
        } finally {
            writes.unlock();
        }
    }

    /** After a failed write: the file ends at the last complete record again, so the next one is readable. */
    private void cutBack() {
        try {
            channel.truncate(size);
        } catch (IOException e) {
            damaged = true;
            LOG.error("accounts {}: cannot cut a failed write back off: {}", path, e.toString());
        }
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    public void close() {
        writes.lock();
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            LOG.warn("accounts {}: close: {}", path, e.toString());
        } finally {
            writes.unlock();
        }
    }
}
