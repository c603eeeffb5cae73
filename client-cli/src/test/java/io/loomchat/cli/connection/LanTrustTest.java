package io.loomchat.cli.connection;

import static io.loomchat.cli.connection.KnownServersTest.A;
import static io.loomchat.cli.connection.KnownServersTest.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.cli.connection.LanBrowser.Found;
import io.loomchat.cli.connection.LanBrowser.Password;
import io.loomchat.cli.connection.LanTrust.Ask;
import io.loomchat.cli.connection.LanTrust.Handshake;
import io.loomchat.cli.connection.LanTrust.Pinned;
import io.loomchat.cli.connection.LanTrust.Plain;
import io.loomchat.cli.connection.LanTrust.Refuse;
import io.loomchat.cli.connection.LanTrust.Verdict;
import io.loomchat.cli.connection.LanTrust.Wishes;
import io.loomchat.cli.connection.TlsConnect.Offer;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust decision for servers found on the LAN, case by case: what an announcement may not do (lower
 * security, get a password), what a first contact does, and what each way of verifying allows.
 */
class LanTrustTest {

    private static final Wishes SCRIPT = new Wishes(null, false, false, Set.of(), false);
    private static final Wishes SCRIPT_WITH_PASSWORD = new Wishes(null, false, true, Set.of(), false);
    private static final Wishes PERSON_WITH_PASSWORD = new Wishes(null, false, true, Set.of(), true);

    @TempDir
    Path dir;

    private KnownServers known(String content) throws Exception {
        return KnownServers.read(Files.writeString(dir.resolve("known_servers"), content));
    }

    private static Found server(String name, int host, boolean tls, Password password) throws Exception {
        return new Found(name, InetAddress.getByName("10.77.0." + host), 12345, tls, password, -1, null);
    }

    @Test
    void aPinnedNameThatNowOffersNoTlsIsRefusedWithTheWarningAndTheRenamedServerPointedOut() throws Exception {
        KnownServers known = known("plain lab\ntls " + A + " loomchat\n");
        Found rogue = server("loomchat", 3, false, Password.NEEDED);
        Found renamed = server("loomchat (2)", 1, true, Password.NEEDED);
        Found other = server("team", 4, true, Password.NEEDED);
        Verdict verdict = new LanTrust(SCRIPT_WITH_PASSWORD, known).beforeConnecting(rogue, List.of(rogue, renamed, other));
        List<String> say = assertInstanceOf(Refuse.class, verdict).say();
        String all = String.join("\n", say);
        assertTrue(say.getFirst().startsWith("WARNING: 'loomchat' is not the server this client used under that name: "
                + "another machine may have taken the name"), all);
        assertTrue(all.contains("  expected: TLS, certificate SHA-256 " + A + " (" + known.file() + ", line 2)"), all);
        assertTrue(all.contains("  offered:  no TLS, at 10.77.0.3:12345"), all);
        assertTrue(all.contains(renamed.describe()), "the server renamed when its name was taken: " + all);
        assertFalse(all.contains("team"), all);
        assertTrue(all.contains("No password and no line was sent to 10.77.0.3. If the change is legitimate (TLS turned off, a new certificate), "
                + "forget the old entry with --forget-server 'loomchat' (or delete line 2 of " + known.file() + ")"), all);
    }

    @Test
    void aPinnedNameIsCheckedAgainstItsCertificateOnly() throws Exception {
        LanTrust trust = new LanTrust(SCRIPT_WITH_PASSWORD, known("tls " + A + " LoomChat\n"));
        Found real = server("loomchat", 1, true, Password.NEEDED);
        assertInstanceOf(Handshake.class, trust.beforeConnecting(real, List.of(real)));
        Pinned same = assertInstanceOf(Pinned.class, trust.afterHandshake(real, new Offer(A, false), List.of(real)));
        assertTrue(same.sendPassword(), "a remembered certificate that matched is verified TLS");
        assertFalse(same.remember());
        assertEquals(A, same.fingerprint());
        List<String> say = assertInstanceOf(Refuse.class, trust.afterHandshake(real, new Offer(B, true), List.of(real))).say();
        assertTrue(say.contains("  offered:  TLS, certificate SHA-256 " + B + ", at 10.77.0.1:12345"),
                "another key is refused even when a CA vouches for it: " + say);
    }

    @Test
    void aFirstContactOverTlsShowsTheFingerprintAndRemembersItButSendsNoPasswordUnchecked() throws Exception {
        Found server = server("secure", 1, true, Password.NEEDED);
        Pinned first = assertInstanceOf(Pinned.class, new LanTrust(SCRIPT, known("")).afterHandshake(server, new Offer(A, false), List.of()));
        assertTrue(first.remember());
        assertFalse(first.sendPassword());
        assertEquals(List.of("first contact with 'secure' at 10.77.0.1:12345; its certificate's SHA-256 fingerprint is", "  " + A),
                first.say().subList(0, 2));
        assertTrue(first.say().contains("'secure' needs a password (--password-file)"), first.say().toString());

        List<String> stop = assertInstanceOf(Refuse.class, new LanTrust(SCRIPT_WITH_PASSWORD, known(""))
                .afterHandshake(server, new Offer(A, false), List.of())).say();
        assertEquals("  " + A, stop.get(1), "the fingerprint is shown, to be compared");
        assertTrue(stop.getLast().startsWith("the server password is not sent over TLS nobody checked:") && stop.getLast().contains(
                "add --fingerprint FINGERPRINT, or run the client at a terminal and answer yes"), stop.getLast());

        LanTrust asking = new LanTrust(PERSON_WITH_PASSWORD, known(""));
        Ask ask = assertInstanceOf(Ask.class, asking.afterHandshake(server, new Offer(A, false), List.of()));
        assertEquals(A, ask.fingerprint());
        assertTrue(ask.question().contains("Type yes"), ask.question());
        Pinned yes = assertInstanceOf(Pinned.class, asking.afterYes(server, A));
        assertTrue(yes.sendPassword() && yes.remember());
    }

    @Test
    void aFingerprintGivenForThisConnectionOrACertificateVouchedForIsVerified() throws Exception {
        Found server = server("secure", 1, true, Password.NEEDED);
        Wishes given = new Wishes(A, false, true, Set.of(), false);
        assertTrue(assertInstanceOf(Pinned.class, new LanTrust(given, known("")).afterHandshake(server, new Offer(A, false), List.of()))
                .sendPassword());
        List<String> wrong = assertInstanceOf(Refuse.class, new LanTrust(given, known(""))
                .afterHandshake(server, new Offer(B, true), List.of())).say();
        assertEquals(List.of("the certificate of 'secure' at 10.77.0.1:12345 is not the one given with --fingerprint: it has "
                + B + "; no password and no line was sent"), wrong);
        Pinned replaced = assertInstanceOf(Pinned.class, new LanTrust(given, known("tls " + B + " secure\n"))
                .afterHandshake(server, new Offer(A, false), List.of()));
        assertTrue(replaced.remember() && replaced.sendPassword(), "the person vouched for the new certificate: " + replaced);

        assertTrue(assertInstanceOf(Pinned.class, new LanTrust(SCRIPT_WITH_PASSWORD, known(""))
                .afterHandshake(server, new Offer(A, true), List.of())).sendPassword(), "--trust or the system's trust store");
        Pinned sameKey = assertInstanceOf(Pinned.class, new LanTrust(SCRIPT_WITH_PASSWORD, known("tls " + A + " loomchat\n"))
                .afterHandshake(server("loomchat (2)", 1, true, Password.NEEDED), new Offer(A, false), List.of()));
        assertTrue(sameKey.sendPassword() && sameKey.remember(), "the certificate remembered for another name");
    }

    @Test
    void noPasswordGoesInClearTextUnlessThePersonNamedTheServer() throws Exception {
        Found lab = server("lab", 5, false, Password.NEEDED);
        List<String> say = assertInstanceOf(Refuse.class, new LanTrust(SCRIPT_WITH_PASSWORD, known("")).beforeConnecting(lab, List.of(lab)))
                .say();
        assertEquals(List.of("'lab' offers no TLS: the server password would cross the LAN in clear text, to whichever machine "
                + "announced that name; not sent. To send it anyway, add --password-in-clear 'lab'"), say);
        Plain consented = assertInstanceOf(Plain.class, new LanTrust(new Wishes(null, false, true, Set.of("LAB"), false), known(""))
                .beforeConnecting(lab, List.of(lab)));
        assertTrue(consented.sendPassword() && consented.remember());
        Found unsaid = server("published", 5, false, Password.UNSAID);
        assertInstanceOf(Refuse.class, new LanTrust(SCRIPT_WITH_PASSWORD, known("")).beforeConnecting(unsaid, List.of(unsaid)),
                "an announcement that says nothing of a password does not get one either");
    }

    @Test
    void aServerThatSaysItNeedsNoPasswordGetsNone() throws Exception {
        Found rogue = server("anything", 3, false, Password.NOT_NEEDED);
        Plain plain = assertInstanceOf(Plain.class, new LanTrust(SCRIPT_WITH_PASSWORD, known("")).beforeConnecting(rogue, List.of(rogue)));
        assertFalse(plain.sendPassword());
        assertEquals(List.of("'anything' says it needs no password: yours is not sent"), plain.say());
        Found tls = server("secure", 1, true, Password.NOT_NEEDED);
        Pinned pinned = assertInstanceOf(Pinned.class, new LanTrust(SCRIPT_WITH_PASSWORD, known("tls " + A + " secure\n"))
                .afterHandshake(tls, new Offer(A, false), List.of()));
        assertFalse(pinned.sendPassword(), "not even over verified TLS");
    }

    @Test
    void aCertificateTakenUncheckedUnderOneNameDoesNotVouchForAnother() throws Exception {
        // A rogue announces a name that needs no password: a script connects, sends none, and remembers the
        // rogue's certificate, unchecked. The rogue then announces the name the person's password is for.
        Found decoy = server("nopw", 3, true, Password.NOT_NEEDED);
        Pinned first = assertInstanceOf(Pinned.class, new LanTrust(SCRIPT_WITH_PASSWORD, known(""))
                .afterHandshake(decoy, new Offer(A, false), List.of()));
        assertFalse(first.sendPassword());
        assertFalse(first.checked(), "nobody checked it");
        KnownServers remembered = known("tls-unchecked " + A + " nopw\n");
        Found laundered = server("secure", 3, true, Password.NEEDED);
        Verdict verdict = new LanTrust(SCRIPT_WITH_PASSWORD, remembered).afterHandshake(laundered, new Offer(A, false), List.of());
        assertInstanceOf(Refuse.class, verdict, "the password would go to a certificate nobody checked: " + verdict.say());
        // Checked (a yes, --fingerprint, a CA), it does: the same server under another name.
        Pinned checked = assertInstanceOf(Pinned.class, new LanTrust(SCRIPT_WITH_PASSWORD, known("tls " + A + " nopw\n"))
                .afterHandshake(laundered, new Offer(A, false), List.of()));
        assertTrue(checked.sendPassword());
        // --fingerprint given for a name remembered unchecked with that certificate: now remembered as checked.
        Pinned given = assertInstanceOf(Pinned.class, new LanTrust(new Wishes(A, false, true, Set.of(), false), remembered)
                .afterHandshake(decoy, new Offer(A, false), List.of()));
        assertTrue(given.remember() && given.checked());
    }

    @Test
    void aNameFirstUsedWithoutTlsIsRememberedAsPlainAndMayLaterUpgrade() throws Exception {
        Found lab = server("lab", 5, false, Password.NOT_NEEDED);
        assertTrue(assertInstanceOf(Plain.class, new LanTrust(SCRIPT, known("")).beforeConnecting(lab, List.of())).remember());
        KnownServers plain = known("plain lab\n");
        assertFalse(assertInstanceOf(Plain.class, new LanTrust(SCRIPT, plain).beforeConnecting(lab, List.of())).remember());
        Found upgraded = server("lab", 5, true, Password.NOT_NEEDED);
        assertInstanceOf(Handshake.class, new LanTrust(SCRIPT, plain).beforeConnecting(upgraded, List.of()));
        Pinned pinned = assertInstanceOf(Pinned.class, new LanTrust(SCRIPT, plain).afterHandshake(upgraded, new Offer(A, false), List.of()));
        assertTrue(pinned.remember());
        assertTrue(pinned.say().getFirst().startsWith("'lab' offers TLS now (it had none when this client first used it)"),
                pinned.say().toString());
    }

    @Test
    void tlsAskedForOnTheCommandLineIsTriedWhateverTheAnnouncementSays() throws Exception {
        Found lab = server("lab", 5, false, Password.NEEDED);
        assertInstanceOf(Handshake.class, new LanTrust(new Wishes(null, true, true, Set.of(), false), known(""))
                .beforeConnecting(lab, List.of()));
        assertInstanceOf(Handshake.class, new LanTrust(new Wishes(A, false, true, Set.of(), false), known(""))
                .beforeConnecting(lab, List.of()));
    }

    @Test
    void similarNamesAreThoseAResponderRenamesTo() throws Exception {
        assertEquals("loomchat", TrustWarning.base("LoomChat (2)"));
        assertEquals("loomchat", TrustWarning.base("loomchat #3"));
        assertEquals("loomchat", TrustWarning.base("loomchat-2"));
        assertEquals("loomchat (beta)", TrustWarning.base("loomchat (beta)"));
    }
}
