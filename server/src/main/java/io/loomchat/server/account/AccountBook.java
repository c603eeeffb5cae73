package io.loomchat.server.account;

import io.loomchat.protocol.Names;
import io.loomchat.server.account.AccountRecord.Op;
import io.loomchat.server.guard.PasswordHash;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
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

    private final RecordFile file; // guarded by writes
    private final Clock clock;
    private final ConcurrentHashMap<String, Account> byKey = new ConcurrentHashMap<>();
    private final ReentrantLock writes = new ReentrantLock(); // one change at a time, the check and the write together

    private AccountBook(Path path, Clock clock) {
        this.file = new RecordFile(path);
        this.clock = clock;
    }

    /** The accounts kept in {@code dir}, read back (and a torn last line cut off). */
    public static AccountBook open(Path dir, Clock clock) throws IOException {
        AccountBook book = new AccountBook(dir.resolve(FILE_NAME), clock);
        book.recover();
        return book;
    }

    private void recover() throws IOException {
        List<String> lines = file.recover();
        for (int i = 0; i < lines.size(); i++) {
            try {
                apply(AccountRecord.parse(lines.get(i)));
            } catch (CheckedLine.Unreadable | IllegalStateException e) {
                throw corrupt(file.path(), i + 1, e.getMessage());
            }
        }
        LOG.info("accounts {}: {} accounts", file.path(), byKey.size());
    }

    /** A file that breaks its own rules, with the line's number and what to do about it. */
    static CorruptAccountsException corrupt(Path path, int line, String why) {
        return new CorruptAccountsException(path + " line " + line + ": " + why + ". The file was changed by hand or "
                + "damaged: restore it from a backup (or move it away to start without it)");
    }

    /** A record, read back or just written, applied to the accounts in memory; IllegalStateException if it breaks the rules. */
    private void apply(AccountRecord r) {
        String key = Names.skeleton(r.account());
        Account existing = byKey.get(key);
        switch (r.op()) {
            case REGISTER -> {
                if (existing != null || Names.nickProblem(r.account(), MAX_NAME_CHARS) != null) {
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
            file.append(named.line());
            apply(named);
            return true;
        } finally {
            writes.unlock();
        }
    }

    public void close() {
        writes.lock();
        try {
            file.close();
        } finally {
            writes.unlock();
        }
    }
}
