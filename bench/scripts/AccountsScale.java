import io.loomchat.server.account.AccountBook;
import io.loomchat.server.guard.PasswordHash;
import java.nio.file.*;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.*;

/** Memory per account at 100,000 accounts, start time of the accounts file, and one login's PBKDF2 time. */
public class AccountsScale {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Path dir = Files.createTempDirectory(Path.of("/dev/shm"), "accounts");
        SecureRandom random = new SecureRandom();
        AccountBook book = AccountBook.open(dir, Clock.systemUTC());
        for (int i = 0; i < n; i++) {
            byte[] salt = new byte[16], hash = new byte[32];
            random.nextBytes(salt); random.nextBytes(hash);
            book.register("user" + i, new PasswordHash(600_000, salt, hash));
        }
        book.close();
        long fileBytes = Files.size(dir.resolve(AccountBook.FILE_NAME));
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) { System.gc(); Thread.sleep(200); }
        long before = rt.totalMemory() - rt.freeMemory();
        long t0 = System.nanoTime();
        AccountBook reopened = AccountBook.open(dir, Clock.systemUTC());
        long openMs = (System.nanoTime() - t0) / 1_000_000;
        for (int i = 0; i < 3; i++) { System.gc(); Thread.sleep(200); }
        long after = rt.totalMemory() - rt.freeMemory();
        System.out.printf("accounts=%d file=%.1f MB open=%d ms heap=+%.1f MB (%d bytes/account) size=%d%n", n,
                fileBytes / 1e6, openMs, (after - before) / 1e6, (after - before) / n, reopened.size());
        PasswordHash real = PasswordHash.of("correct horse", 600_000);
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            long s = System.nanoTime();
            real.matches(i % 2 == 0 ? "correct horse" : "wrong");
            ms.add((System.nanoTime() - s) / 1_000_000);
        }
        Collections.sort(ms);
        System.out.println("pbkdf2-sha256 600000 check: median " + ms.get(3) + " ms, min " + ms.get(0) + " max " + ms.get(6));
        try (var files = Files.walk(dir)) { files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete()); }
    }
}
