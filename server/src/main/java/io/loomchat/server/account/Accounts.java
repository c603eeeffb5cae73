package io.loomchat.server.account;

import io.loomchat.protocol.Names;
import io.loomchat.server.account.AccountBook.Account;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.guard.PasswordHash;
import io.loomchat.server.guard.SlowChecks;
import io.loomchat.server.guard.TokenBuckets;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;

/**
 * What the chat asks of accounts: who holds a registered name, whether a login is right, registering,
 * changing a password, dropping. Slow password work runs one at a time ({@link SlowChecks}) and failures
 * are throttled before any is done, three ways:
 * <ul>
 *   <li>per account and address: 5 failures, then one every 12 s: a guesser at one address gets about
 *       300 guesses an hour, and the owner elsewhere is not held up by it;</li>
 *   <li>per account: 20 failures, then one every 3 s: many addresses guessing together get no further, and
 *       the owner waits seconds, not hours, once they stop;</li>
 *   <li>per address: 10 failures, then one every 6 s, whatever the account (guessing across accounts).</li>
 * </ul>
 * Registrations are bounded per address: 3, then one every 20 minutes. Per-address limits spare loopback
 * unless the server limits loopback (as connection limits do).
 */
public final class Accounts {

    public static final int MIN_PASSWORD_CHARS = 8;
    public static final int MAX_PASSWORD_CHARS = 256;

    /** A login's outcome: the account, or null with the seconds to wait when throttled (0: just wrong). */
    public record Verdict(Account account, long retryAfterSeconds) {
        static final Verdict WRONG = new Verdict(null, 0);
    }

    public enum Registered { CREATED, EXISTS, THROTTLED }

    private final AccountBook book; // null when accounts are off
    private final AlwaysOn alwaysOn;
    private final String offReason;
    private final int iterations;
    private final boolean limitLoopback;
    private final SlowChecks slow;
    private final PasswordHash decoy;
    private final TokenBuckets<String> perAccountAndAddress;
    private final TokenBuckets<String> perAccount;
    private final TokenBuckets<InetAddress> perAddress;
    private final TokenBuckets<InetAddress> registrations;

    private Accounts(AccountBook book, AlwaysOn alwaysOn, String offReason, ServerConfig config, Clock clock,
                     SlowChecks slow) {
        this.book = book;
        this.alwaysOn = alwaysOn;
        this.offReason = offReason;
        this.iterations = config.accountHashIterations();
        this.limitLoopback = config.limitLoopback();
        this.slow = slow;
        this.decoy = PasswordHash.decoy(iterations);
        this.perAccountAndAddress = new TokenBuckets<>(clock, 1 / 12.0, 5);
        this.perAccount = new TokenBuckets<>(clock, 1 / 3.0, 20);
        this.perAddress = new TokenBuckets<>(clock, 1 / 6.0, 10);
        this.registrations = new TokenBuckets<>(clock, 1 / 1200.0, 3);
    }

    /** Accounts kept in {@code book}. */
    public static Accounts kept(AccountBook book, AlwaysOn alwaysOn, ServerConfig config, Clock clock, SlowChecks slow) {
        return new Accounts(book, alwaysOn, null, config, clock, slow);
    }

    /** No accounts on this server; every request about them is refused with {@code reason}. */
    public static Accounts off(String reason, ServerConfig config, Clock clock, SlowChecks slow) {
        return new Accounts(null, AlwaysOn.none(), reason, config, clock, slow);
    }

    /** What the accounts keep while away: rooms, read markers, waiting private messages. */
    public AlwaysOn alwaysOn() {
        return alwaysOn;
    }

    /** Why this server keeps no accounts; null when it does. */
    public String offReason() {
        return offReason;
    }

    /** The account whose name {@code nick} is or looks like; null if none (or no accounts here). */
    public Account holderOf(String nick) {
        return book == null ? null : book.find(nick);
    }

    public int size() {
        return book == null ? 0 : book.size();
    }

    /** What is wrong with {@code password} as a new one; null if nothing. */
    public static String passwordProblem(String password) {
        int chars = password.codePointCount(0, password.length()); // characters, not UTF-16 units
        if (chars < MIN_PASSWORD_CHARS || password.isBlank()) {
            return "a password has at least " + MIN_PASSWORD_CHARS + " characters, not all spaces";
        }
        if (chars > MAX_PASSWORD_CHARS) {
            return "a password has at most " + MAX_PASSWORD_CHARS + " characters";
        }
        return null;
    }

    /**
     * Whether {@code password} is {@code name}'s, throttled as the class says. The same work whether or not
     * it exists. Every attempt takes its tokens before its check (so that attempts made at once, on many
     * connections, count as they come, not once they failed); a right one gives them back.
     */
    public Verdict login(String name, String password, InetAddress from) {
        Account account = holderOf(name);
        String key = account == null ? "?" + Names.skeleton(name) : account.name(); // unknown names are throttled too
        String pair = key + "/" + from.getHostAddress();
        boolean perAddressToo = limits(from);
        long wait = Math.max(perAccount.secondsUntilToken(key), perAccountAndAddress.secondsUntilToken(pair));
        wait = perAddressToo ? Math.max(wait, perAddress.secondsUntilToken(from)) : wait;
        if (wait > 0 || !perAccountAndAddress.allow(pair)) {
            return new Verdict(null, Math.max(wait, 1));
        }
        if (!perAccount.allow(key)) {
            perAccountAndAddress.refund(pair);
            return new Verdict(null, Math.max(1, perAccount.secondsUntilToken(key)));
        }
        if (perAddressToo && !perAddress.allow(from)) {
            perAccountAndAddress.refund(pair);
            perAccount.refund(key);
            return new Verdict(null, Math.max(1, perAddress.secondsUntilToken(from)));
        }
        PasswordHash hash = account == null ? decoy : account.password();
        boolean right = password.length() <= 2 * MAX_PASSWORD_CHARS && slow.oneAtATime(() -> hash.matches(password));
        if (right && account != null) {
            perAccountAndAddress.refund(pair);
            perAccount.refund(key);
            if (perAddressToo) {
                perAddress.refund(from);
            }
            return new Verdict(account, 0);
        }
        return Verdict.WRONG;
    }

    private boolean limits(InetAddress from) {
        return limitLoopback || !from.isLoopbackAddress();
    }

    /** Registers {@code name} with {@code password} (already checked with {@link #passwordProblem}); on disk when CREATED. */
    public Registered register(String name, String password, InetAddress from) throws IOException {
        if (book.find(name) != null) {
            return Registered.EXISTS;
        }
        if (limits(from) && !registrations.allow(from)) {
            return Registered.THROTTLED;
        }
        PasswordHash hash = slow.oneAtATime(() -> PasswordHash.of(password, iterations));
        return book.register(name, hash) ? Registered.CREATED : Registered.EXISTS;
    }

    /** Seconds until {@code from} may register again. */
    public long registrationWait(InetAddress from) {
        return registrations.secondsUntilToken(from);
    }

    /** Gives {@code account} {@code newPassword} if {@code password} is its current one (a login, throttled alike). */
    public Verdict changePassword(String account, String password, String newPassword, InetAddress from) throws IOException {
        Verdict verdict = login(account, password, from);
        if (verdict.account() != null) {
            PasswordHash hash = slow.oneAtATime(() -> PasswordHash.of(newPassword, iterations));
            if (!book.changePassword(account, hash)) {
                return Verdict.WRONG; // dropped meanwhile
            }
        }
        return verdict;
    }

    /** Deletes {@code name}; false if there is no such account. */
    public boolean drop(String name) throws IOException {
        return book.drop(name);
    }

    public void close() {
        if (book != null) {
            book.close();
        }
        alwaysOn.close();
    }
}
