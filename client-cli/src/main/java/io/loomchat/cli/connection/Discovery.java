package io.loomchat.cli.connection;

import io.loomchat.cli.connection.LanBrowser.Found;
import io.loomchat.cli.connection.LanTrust.Ask;
import io.loomchat.cli.connection.LanTrust.Handshake;
import io.loomchat.cli.connection.LanTrust.Pinned;
import io.loomchat.cli.connection.LanTrust.Plain;
import io.loomchat.cli.connection.LanTrust.Refuse;
import io.loomchat.cli.connection.LanTrust.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Finds the server when no address was given: this machine's if one answers there, else one announced on
 * the LAN (the one named by {@code --server}, the only one, or the one the person picks), and decides with
 * {@link LanTrust} how to connect to it and whether the server password may go, remembering what it learns in
 * {@link KnownServers}. Everything it says goes to the person as {@code loomchat: ...} lines.
 */
public final class Discovery {

    /** How long the LAN is listened to for servers' answers. */
    public static final Duration BROWSE = Duration.ofMillis(2_500);

    /**
     * Where to connect and how: {@code pin} is the one certificate to accept (null: no TLS for a server found on
     * the LAN; the options decide for this machine's), {@code sendPassword} whether the server password may go.
     */
    public record Destination(String hostPort, Fingerprint pin, boolean sendPassword) {
    }

    /** The person at the terminal, when there is one: asked which server, and whether to trust a certificate. */
    public interface Person {

        boolean present();

        /** Their answer to {@code prompt}, or null when there is none (end of input). */
        String ask(String prompt);
    }

    private final PrintStream err;
    private final Person person;
    private final LanTrust.Wishes wishes;
    private final Path knownFile;
    private final Path trust; // --trust: a certificate it vouches for is verified

    public Discovery(PrintStream err, Person person, LanTrust.Wishes wishes, Path knownFile, Path trust) {
        this.err = err;
        this.person = person;
        this.wishes = wishes;
        this.knownFile = knownFile;
        this.trust = trust;
    }

    /** Prints the servers announced on the LAN; 0 if there is one or more, 1 if none. */
    public static int list(PrintStream out, PrintStream err) {
        List<Found> found = LanBrowser.browse(BROWSE);
        if (found.isEmpty()) {
            err.println("loomchat: no Loomchat server announced itself on this LAN (mDNS, _loomchat._tcp)");
            return 1;
        }
        found.forEach(f -> out.println(f.describe()));
        return 0;
    }

    /**
     * The server to use: this machine's at {@code port} if something answers there (unless {@code serverName}
     * is given), else the one announced on the LAN under {@code serverName}, or the only one, or the one the
     * person picks. Null after saying why there is none, or why it is not used.
     */
    public Destination find(String serverName, int port) {
        if (serverName == null && answersHere(port)) {
            return new Destination("localhost", null, true);
        }
        KnownServers known;
        try {
            known = KnownServers.read(knownFile);
        } catch (IOException | IllegalArgumentException e) {
            say(e instanceof IOException ? "cannot read " + knownFile + ": " + e.getMessage() : e.getMessage());
            return null;
        }
        List<Found> heard = LanBrowser.browse(BROWSE);
        List<Found> named = serverName == null ? heard : heard.stream().filter(f -> f.name().equalsIgnoreCase(serverName)).toList();
        if (named.isEmpty()) {
            say(serverName != null ? "no server named '" + serverName + "' announced itself on this LAN"
                    : "no server on localhost:" + port + ", and none announced itself on this LAN; give its address with --host");
            return null;
        }
        if (serverName != null && named.size() > 1) {
            sameName(named, known);
            return null;
        }
        Found pick = named.size() == 1 ? named.getFirst() : choose(named);
        return pick == null ? null : use(pick, heard, new LanTrust(wishes, known), known);
    }

    private Destination use(Found server, List<Found> heard, LanTrust lanTrust, KnownServers known) {
        say("found '" + server.name() + "' at " + server.hostPort() + " on the LAN" + (server.tls() ? " (TLS)" : ""));
        Verdict verdict = lanTrust.beforeConnecting(server, heard);
        if (verdict instanceof Handshake) {
            TlsConnect.Offer offer;
            try {
                offer = TlsConnect.look(Dialer.tcp(server.address(), server.port()), server.address().getHostAddress(),
                        server.port(), trust);
            } catch (TlsConnect.HandshakeTimedOut e) {
                say("'" + server.name() + "': " + e.getMessage() + " No password and no line was sent.");
                return null;
            } catch (IOException | GeneralSecurityException e) {
                say("cannot connect to '" + server.name() + "' at " + server.hostPort() + " with TLS: " + e.getMessage());
                return null;
            }
            verdict = lanTrust.afterHandshake(server, offer, heard);
            if (verdict instanceof Ask ask) {
                say(ask.say());
                String answer = person.ask(ask.question());
                if (answer == null || !answer.strip().equalsIgnoreCase("yes")) {
                    say("not trusted: no password and no line was sent to '" + server.name() + "'");
                    return null;
                }
                verdict = lanTrust.afterYes(server, ask.fingerprint());
            }
        }
        say(verdict.say());
        return switch (verdict) {
            case Refuse refuse -> null;
            case Plain plain -> {
                if (plain.remember()) {
                    remember(server, () -> known.rememberPlain(server.name()));
                }
                yield new Destination(server.hostPort(), null, plain.sendPassword());
            }
            case Pinned pinned -> {
                if (pinned.remember()) {
                    remember(server, () -> known.rememberTls(server.name(), pinned.fingerprint(), pinned.checked()));
                }
                yield new Destination(server.hostPort(), pinned.fingerprint(), pinned.sendPassword());
            }
            case Handshake h -> throw new IllegalStateException("decided after the handshake");
            case Ask a -> throw new IllegalStateException("asked already");
        };
    }

    /**
     * Several servers answer to the name asked for, from different addresses: one of them may be a machine
     * that took the name. Which one is meant is not for an announcement to say: the person picks by address.
     */
    private void sameName(List<Found> named, KnownServers known) {
        say("several servers answer to the name '" + named.getFirst().name() + "' on this LAN: another machine may have taken it");
        named.forEach(f -> say("    " + f.describe()));
        Optional<KnownServers.Known> remembered = known.find(named.getFirst().name());
        say("nothing was sent; connect to one by its address with --host ADDRESS:PORT"
                + (remembered.isPresent() && remembered.get().tls()
                        ? " --fingerprint " + remembered.get().fingerprint() + " (the certificate remembered for it)" : ""));
    }

    /** Several servers: a person at a terminal picks one by number; anyone else is told how to. */
    private Found choose(List<Found> found) {
        if (!person.present()) {
            say("several servers on this LAN; choose one with --server NAME (or --host):");
            found.forEach(f -> say("    " + f.describe()));
            return null;
        }
        for (int i = 0; i < found.size(); i++) {
            err.println(String.format("%3d  %s", i + 1, found.get(i).describe()));
        }
        String answer = person.ask("Which server (1-" + found.size() + ")? ");
        try {
            int n = Integer.parseInt(answer == null ? "" : answer.strip());
            if (n >= 1 && n <= found.size()) {
                return found.get(n - 1);
            }
        } catch (NumberFormatException e) {
            // said below
        }
        say("no server chosen");
        return null;
    }

    /** A change to the file that failed is said, and the connection goes on: it is no less safe for it. */
    private void remember(Found server, FileChange change) {
        try {
            change.run();
        } catch (IOException | IllegalArgumentException e) {
            say("could not remember '" + server.name() + "' in " + knownFile + ": " + e.getMessage());
        }
    }

    private interface FileChange {
        void run() throws IOException;
    }

    /** Whether something accepts connections on this machine's loopback at {@code port} right away (no name looked up). */
    private static boolean answersHere(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void say(List<String> lines) {
        lines.forEach(this::say);
    }

    private void say(String line) {
        err.println("loomchat: " + line);
    }
}
