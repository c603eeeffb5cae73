package io.loomchat.cli.connection;

import io.loomchat.cli.connection.KnownServers.Known;
import io.loomchat.cli.connection.LanBrowser.Found;
import io.loomchat.cli.connection.LanBrowser.Password;
import io.loomchat.cli.connection.TlsConnect.Offer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How far to trust a server found on the LAN, when all the client has of it is an announcement anyone on the
 * LAN could have sent (a name, an address, TXT flags): trust on first use, as ssh does it. The rules:
 *
 * <ul>
 * <li>An announcement never lowers security. A name remembered with a certificate (see {@link KnownServers})
 *     is refused when it now offers no TLS, or another certificate: another machine may have taken the name.
 * <li>A certificate is checked against the fingerprint remembered for the name, or given with
 *     {@code --fingerprint}, not against a CA and the host name: a LAN server's certificate is self-signed, and
 *     a pin is stronger. A first certificate is shown, then remembered (after a "yes" at a terminal).
 * <li>The server password goes only over TLS that was verified (a remembered or given fingerprint that
 *     matched, a certificate {@code --trust} or the system vouches for, the certificate remembered as checked
 *     for another name, or a "yes" typed after seeing the fingerprint), or in clear text to a server the person named with
 *     {@code --password-in-clear}. Never to a server that says it needs none.
 * <li>A name first used without TLS is remembered as plain: no downgrade to fear yet. When it later offers
 *     TLS, that is an upgrade, and its certificate is remembered from then on.
 * </ul>
 *
 * Pure: it decides from what it is given; {@link Discovery} does the network, the terminal and the file.
 */
public final class LanTrust {

    /**
     * What the person asked for on the command line: a fingerprint for this connection, TLS ({@code --tls} or
     * {@code --trust}), a server password to send, the servers whose password may go in clear text, and
     * whether they are at a terminal where a question can be asked.
     */
    public record Wishes(Fingerprint fingerprint, boolean tls, boolean hasPassword, Set<String> passwordInClear, boolean canAsk) {

        public Wishes {
            passwordInClear = passwordInClear.stream().map(n -> n.strip().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        }

        boolean clearTextFor(String name) {
            return passwordInClear.contains(name.strip().toLowerCase(Locale.ROOT));
        }
    }

    /** What to do with a server. {@code say} are lines for the person, shown whichever way it goes. */
    public sealed interface Verdict {
        List<String> say();
    }

    /** Connect without TLS; {@code remember}: note the name as first used without TLS. */
    public record Plain(boolean sendPassword, boolean remember, List<String> say) implements Verdict {
    }

    /** Look at its certificate first (a handshake that sends nothing), then ask {@link #afterHandshake}. */
    public record Handshake(List<String> say) implements Verdict {
    }

    /**
     * Connect with TLS accepting this certificate only; {@code remember}: pin the name to it, as {@code checked}
     * (somebody vouched for it) or not (taken on a first use nobody checked).
     */
    public record Pinned(Fingerprint fingerprint, boolean sendPassword, boolean remember, boolean checked, List<String> say)
            implements Verdict {
    }

    /** Show the fingerprint and ask the person; a "yes" goes to {@link #afterYes}. */
    public record Ask(Fingerprint fingerprint, String question, List<String> say) implements Verdict {
    }

    /** Do not connect (or, after a handshake, send nothing): for the reasons said. */
    public record Refuse(List<String> say) implements Verdict {
    }

    private final Wishes wishes;
    private final KnownServers known;

    public LanTrust(Wishes wishes, KnownServers known) {
        this.wishes = wishes;
        this.known = known;
    }

    /** Before any connection, from the announcement alone; {@code heard} is everything heard on the LAN. */
    public Verdict beforeConnecting(Found server, List<Found> heard) {
        Optional<Known> before = known.find(server.name());
        if (before.isPresent() && before.get().tls() && !server.tls()) {
            return new Refuse(TrustWarning.changed(server, before.get(), "no TLS", known.file(), heard));
        }
        if (server.tls() || wishes.tls() || wishes.fingerprint() != null) {
            return new Handshake(List.of());
        }
        List<String> say = new ArrayList<>();
        boolean send = false;
        if (wishes.hasPassword() && server.password() != Password.NOT_NEEDED) {
            if (!wishes.clearTextFor(server.name())) {
                return new Refuse(List.of("'" + server.name() + "' offers no TLS: the server password would cross the LAN in clear "
                        + "text, to whichever machine announced that name; not sent. To send it anyway, add --password-in-clear '"
                        + server.name() + "'"));
            }
            say.add("sending the server password to '" + server.name() + "' in clear text (--password-in-clear)");
            send = true;
        }
        say.addAll(passwordNotes(server));
        return new Plain(send, before.isEmpty(), say);
    }

    /** After looking at the certificate {@code offer} the server at the announced address showed. */
    public Verdict afterHandshake(Found server, Offer offer, List<Found> heard) {
        Fingerprint offered = offer.fingerprint();
        Optional<Known> before = known.find(server.name());
        Fingerprint given = wishes.fingerprint();
        if (given != null) {
            if (!given.equals(offered)) {
                return new Refuse(List.of("the certificate of '" + server.name() + "' at " + server.hostPort()
                        + " is not the one given with --fingerprint: it has " + offered + "; no password and no line was sent"));
            }
            List<String> say = new ArrayList<>();
            if (before.isPresent() && before.get().tls() && !before.get().fingerprint().equals(offered)) {
                say.add("'" + server.name() + "' has a new certificate, the one given with --fingerprint: remembered instead of "
                        + before.get().fingerprint());
            }
            return pinned(server, offered, true, true, before, say);
        }
        if (before.isPresent() && before.get().tls()) {
            if (before.get().fingerprint().equals(offered)) {
                // Trust on first use: the name's own certificate, as remembered (checked or not), as ssh does.
                return pinned(server, offered, true, before.get().checked(), before, new ArrayList<>());
            }
            return new Refuse(TrustWarning.changed(server, before.get(), "TLS, certificate SHA-256 " + offered, known.file(), heard));
        }
        List<String> say = new ArrayList<>(firstContact(server, offered, before));
        if (offer.validated()) {
            say.add("a certificate --trust (or the system's trust store) vouches for, for " + server.address().getHostAddress()
                    + ": remembered in " + known.file());
            return pinned(server, offered, true, true, before, say);
        }
        Optional<Known> elsewhere = known.withFingerprint(offered);
        if (elsewhere.isPresent()) {
            say.add("it is the certificate remembered for '" + elsewhere.get().name() + "': the same server under another name; "
                    + "remembered for '" + server.name() + "' too");
            return pinned(server, offered, true, true, before, say);
        }
        if (wishes.canAsk()) {
            say.add("compare it with the one the server's operator gives you (the server logs it at start)");
            return new Ask(offered, "Is it the same? Type yes to trust it and remember it for '" + server.name() + "': ", say);
        }
        if (wishes.hasPassword() && server.password() != Password.NOT_NEEDED) {
            say.add("the server password is not sent over TLS nobody checked: compare the fingerprint with the server's operator "
                    + "(the server logs it at start), then add --fingerprint FINGERPRINT, or run the client at a terminal and answer yes");
            return new Refuse(say);
        }
        say.add("compare it with the server's operator (the server logs it at start). Remembered in " + known.file()
                + ": from now on only this certificate is accepted as '" + server.name() + "'");
        return pinned(server, offered, false, false, before, say);
    }

    /** The person typed yes after seeing {@code fingerprint}. */
    public Verdict afterYes(Found server, Fingerprint fingerprint) {
        List<String> say = new ArrayList<>();
        say.add("remembered in " + known.file() + ": from now on only this certificate is accepted as '" + server.name() + "'");
        return pinned(server, fingerprint, true, true, known.find(server.name()), say);
    }

    /**
     * {@code verified}: the password may go over it; {@code checked}: somebody vouched for the certificate
     * (remembered so, it may vouch for the same server under another name).
     */
    private Verdict pinned(Found server, Fingerprint fingerprint, boolean verified, boolean checked, Optional<Known> before,
                           List<String> say) {
        boolean send = verified && wishes.hasPassword() && server.password() != Password.NOT_NEEDED;
        say.addAll(passwordNotes(server));
        boolean remember = before.isEmpty() || !fingerprint.equals(before.get().fingerprint())
                || (checked && !before.get().checked());
        return new Pinned(fingerprint, send, remember, checked, say);
    }

    private List<String> passwordNotes(Found server) {
        if (wishes.hasPassword() && server.password() == Password.NOT_NEEDED) {
            return List.of("'" + server.name() + "' says it needs no password: yours is not sent");
        }
        if (!wishes.hasPassword() && server.password() == Password.NEEDED) {
            return List.of("'" + server.name() + "' needs a password (--password-file)");
        }
        return List.of();
    }

    private static List<String> firstContact(Found server, Fingerprint offered, Optional<Known> before) {
        String first = before.isPresent()
                ? "'" + server.name() + "' offers TLS now (it had none when this client first used it); its certificate's SHA-256 fingerprint is"
                : "first contact with '" + server.name() + "' at " + server.hostPort() + "; its certificate's SHA-256 fingerprint is";
        return List.of(first, "  " + offered);
    }
}
