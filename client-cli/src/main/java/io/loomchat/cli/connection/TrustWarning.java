package io.loomchat.cli.connection;

import io.loomchat.cli.connection.KnownServers.Known;
import io.loomchat.cli.connection.LanBrowser.Found;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The warning for a name that no longer looks like the server remembered under it, written as ssh writes
 * "REMOTE HOST IDENTIFICATION HAS CHANGED": what was expected, what is offered, what that may mean, and how
 * to accept the change if it is legitimate. Renamed servers are pointed out: when another machine announces a
 * name, mDNS renames the server that had it ({@code loomchat (2)}), so the one the person knows is often there.
 */
final class TrustWarning {

    private TrustWarning() {
    }

    /** {@code offered} says what the server under that name offers now ("no TLS", "TLS, certificate ..."). */
    static List<String> changed(Found server, Known known, String offered, Path file, List<Found> heard) {
        List<String> lines = new ArrayList<>();
        lines.add("WARNING: '" + server.name() + "' is not the server this client used under that name: "
                + "another machine may have taken the name");
        lines.add("  expected: " + known.how() + " (" + file + ", line " + known.line() + ")");
        lines.add("  offered:  " + offered + ", at " + server.hostPort());
        List<Found> similar = similar(server, heard);
        if (!similar.isEmpty()) {
            lines.add("  also heard on this LAN under a similar name (the server you know may have been renamed "
                    + "when another machine announced its name):");
            similar.forEach(f -> lines.add("    " + f.describe()));
        }
        lines.add("No password and no line was sent to " + server.address().getHostAddress() + ". If the change is legitimate (TLS turned off, "
                + "a new certificate), forget the old entry with --forget-server '" + server.name() + "' (or delete line "
                + known.line() + " of " + file + "), then connect again.");
        return lines;
    }

    /** Other servers whose name is this one's with an mDNS renaming suffix, or this one's without it. */
    static List<Found> similar(Found server, List<Found> heard) {
        String base = base(server.name());
        return heard.stream()
                .filter(f -> !(f.name().equals(server.name()) && f.hostPort().equals(server.hostPort())))
                .filter(f -> base(f.name()).equals(base))
                .toList();
    }

    /**
     * A name without the suffix a responder adds when it renames its service on a conflict: JmDNS's
     * {@code " (2)"}, Avahi's {@code " #2"}, python-zeroconf's {@code "-2"}; compared without regard to case.
     */
    static String base(String name) {
        return name.strip().replaceFirst("(\\s*\\(\\d+\\)|\\s+#\\d+|-\\d+)$", "").toLowerCase(Locale.ROOT);
    }
}
