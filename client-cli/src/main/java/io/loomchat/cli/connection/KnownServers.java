package io.loomchat.cli.connection;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The servers this client has used through LAN discovery, by name, and how: ssh's known_hosts for Loomchat.
 * A name heard on the LAN proves nothing (anyone there may announce any name), so what a server showed the
 * first time is kept here and held against every later server of that name.
 *
 * <pre>
 * tls 3F:A2:...:9A loomchat      only a certificate with this SHA-256 fingerprint is 'loomchat'
 * plain lab                      'lab' was used without TLS; a certificate it offers later is remembered then
 * </pre>
 *
 * <p>The name is the rest of the line (names may hold spaces: {@code loomchat (2)}) and is matched without
 * regard to case, as mDNS matches names. Lines starting with {@code #} and blank lines are kept as they are.
 * Any other line is refused with its line number rather than skipped: a pin that silently stopped counting
 * would let the next server of that name through. Every change re-reads the file and replaces it whole
 * (a new file, then a rename), so a crash or a second client never leaves half a line.
 */
public final class KnownServers {

    /**
     * One remembered server; {@code fingerprint} is null for one used without TLS. {@code checked}: somebody
     * vouched for the certificate (a person who answered yes or gave --fingerprint, a CA through --trust or the
     * system), rather than it being taken on a first contact nobody checked. {@code line} counts from 1.
     */
    public record Known(String name, Fingerprint fingerprint, boolean checked, int line) {

        public boolean tls() {
            return fingerprint != null;
        }

        /** How it was remembered, in words: "TLS, certificate SHA-256 ..." or "no TLS". */
        public String how() {
            return tls() ? "TLS, certificate SHA-256 " + fingerprint + (checked ? "" : " (taken on first use, unchecked)") : "no TLS";
        }
    }

    private static final List<String> HEADER = List.of(
            "# Loomchat: LAN servers this client used by name (docs/USER-GUIDE.md, \"On a LAN\"). One per line:",
            "#   tls FINGERPRINT NAME   only a certificate with this SHA-256 fingerprint is accepted as NAME",
            "#   tls-unchecked FINGERPRINT NAME   the same, for a certificate taken on a first use nobody checked",
            "#   plain NAME             NAME was used without TLS; a certificate it offers later is remembered then",
            "# Remove a line (or run the client with --forget-server NAME) when a server's change is legitimate.");

    private final Path file;
    private List<String> lines;
    private Map<String, Known> byName;

    private KnownServers(Path file, List<String> lines) {
        this.file = file;
        use(lines);
    }

    /** Reads {@code file}; none there is an empty list. A line it cannot read is an IllegalArgumentException naming it. */
    public static KnownServers read(Path file) throws IOException {
        return new KnownServers(file, linesOf(file));
    }

    public Path file() {
        return file;
    }

    /** The entry for {@code name}, matched without regard to case. */
    public Optional<Known> find(String name) {
        return Optional.ofNullable(byName.get(key(name)));
    }

    /**
     * A checked entry pinned to {@code fingerprint}, under whatever name: the same server under another name.
     * Only a checked one: a certificate taken unchecked under one name must not vouch for another (a rogue
     * could be remembered under a name that needs no password, then announce the name that does).
     */
    public Optional<Known> withFingerprint(Fingerprint fingerprint) {
        return byName.values().stream().filter(k -> k.checked() && fingerprint.equals(k.fingerprint())).findFirst();
    }

    /**
     * Remembers that {@code name} is the server with this certificate ({@code checked}: somebody vouched for
     * it), replacing what was known of it.
     */
    public void rememberTls(String name, Fingerprint fingerprint, boolean checked) throws IOException {
        put(name, (checked ? "tls " : "tls-unchecked ") + fingerprint + " " + name.strip());
    }

    /** Remembers that {@code name} was used without TLS, replacing what was known of it. */
    public void rememberPlain(String name) throws IOException {
        put(name, "plain " + name.strip());
    }

    /** Forgets {@code name}; false if it was not known. */
    public boolean forget(String name) throws IOException {
        boolean[] found = {false};
        change(lines -> {
            List<String> kept = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                Known known = parse(lines.get(i), i + 1);
                if (known != null && key(known.name()).equals(key(name))) {
                    found[0] = true;
                } else {
                    kept.add(lines.get(i));
                }
            }
            return kept;
        });
        return found[0];
    }

    private void put(String name, String entry) throws IOException {
        if (name.isBlank() || name.contains("\n") || name.contains("\r")) {
            throw new IllegalArgumentException("cannot remember a server named '" + name + "'");
        }
        change(lines -> {
            List<String> next = new ArrayList<>(lines.isEmpty() ? HEADER : lines);
            for (int i = 0; i < next.size(); i++) {
                Known known = parse(next.get(i), i + 1);
                if (known != null && key(known.name()).equals(key(name))) {
                    next.set(i, entry);
                    return next;
                }
            }
            next.add(entry);
            return next;
        });
    }

    /** Re-reads the file (another client may have written it meanwhile), changes it, and replaces it whole. */
    private void change(UnaryOperator<List<String>> edit) throws IOException {
        List<String> next = edit.apply(linesOf(file));
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temporary = Files.createTempFile(dir, ".known_servers-", ".tmp"); // owner-only, beside the file
        try {
            Files.write(temporary, (String.join("\n", next) + "\n").getBytes(StandardCharsets.UTF_8));
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true); // on disk before the rename makes it the file
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
        use(next);
    }

    private void use(List<String> lines) {
        Map<String, Known> parsed = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Known known = parse(lines.get(i), i + 1);
            if (known != null && parsed.putIfAbsent(key(known.name()), known) != null) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": '" + known.name()
                        + "' is there twice (also line " + parsed.get(key(known.name())).line() + "); delete one");
            }
        }
        this.lines = List.copyOf(lines);
        this.byName = parsed;
    }

    private static List<String> linesOf(Path file) throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /** One line: null for a comment or a blank line; IllegalArgumentException for one it cannot read. */
    private Known parse(String line, int number) {
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
            return null;
        }
        String[] words = text.split("\\s+", 3);
        try {
            if (words[0].equals("plain") && words.length >= 2) {
                return new Known(text.substring("plain".length()).strip(), null, false, number);
            }
            if ((words[0].equals("tls") || words[0].equals("tls-unchecked")) && words.length == 3) {
                return new Known(words[2].strip(), Fingerprint.parse(words[1]), words[0].equals("tls"), number);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where(number) + ": " + e.getMessage() + "; fix or delete the line");
        }
        throw new IllegalArgumentException(where(number) + ": cannot read '" + text
                + "' (expected 'tls FINGERPRINT NAME', 'tls-unchecked FINGERPRINT NAME' or 'plain NAME'); fix or delete the line");
    }

    private String where(int number) {
        return file + " line " + number;
    }

    private static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }
}
