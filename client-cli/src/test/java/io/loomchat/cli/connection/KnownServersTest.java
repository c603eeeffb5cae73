package io.loomchat.cli.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The known-servers file: what it reads, what it refuses, and how it is written. */
class KnownServersTest {

    static final Fingerprint A = Fingerprint.parse("3e0190cffd3249d2023e476f1f0bb1fc061297a3ceaef4fc268f34b6244d9027");
    static final Fingerprint B = Fingerprint.parse("SHA256:" + "AB:".repeat(31) + "CD");

    @TempDir
    Path dir;

    @Test
    void aMissingFileKnowsNobodyAndIsMadeOnTheFirstChange() throws Exception {
        Path file = dir.resolve("config/loomchat/known_servers");
        KnownServers known = KnownServers.read(file);
        assertTrue(known.find("loomchat").isEmpty());
        known.rememberTls("loomchat", A, true);
        known.rememberPlain("lab printer room");
        KnownServers again = KnownServers.read(file);
        assertEquals(A, again.find("LoomChat").orElseThrow().fingerprint(), "names match without regard to case, as mDNS's");
        assertFalse(again.find("lab printer room").orElseThrow().tls(), "a name with spaces is the rest of the line");
        List<String> lines = Files.readAllLines(file);
        assertTrue(lines.contains("tls " + A + " loomchat"), lines.toString());
        assertTrue(lines.contains("plain lab printer room"), lines.toString());
        assertTrue(lines.getFirst().startsWith("#"), "a header says what the file is: " + lines);
        assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(file));
    }

    @Test
    void aChangeReplacesTheEntryInPlaceAndKeepsCommentsAndOtherClientsEntries() throws Exception {
        Path file = Files.writeString(dir.resolve("known_servers"), "# mine\n\nplain lab\ntls " + A + " loomchat\n");
        KnownServers known = KnownServers.read(file);
        Files.writeString(file, "tls " + B + " team\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        known.rememberTls("lab", B, true); // an upgrade: the name first used without TLS now has a certificate
        assertEquals(List.of("# mine", "", "tls " + B + " lab", "tls " + A + " loomchat", "tls " + B + " team"),
                Files.readAllLines(file), "another client's line written meanwhile is kept");
        assertEquals(4, known.find("loomchat").orElseThrow().line());
        assertTrue(known.forget("LOOMCHAT"));
        assertFalse(known.forget("loomchat"));
        assertEquals(List.of("# mine", "", "tls " + B + " lab", "tls " + B + " team"), Files.readAllLines(file));
        try (var left = Files.list(dir)) {
            assertEquals(List.of(file), left.toList(), "no temporary file left beside it");
        }
    }

    @Test
    void theSameCertificateUnderAnotherNameIsFound() throws Exception {
        Path file = Files.writeString(dir.resolve("known_servers"), "tls " + A + " loomchat\nplain lab\ntls-unchecked " + B + " decoy\n");
        KnownServers known = KnownServers.read(file);
        assertEquals("loomchat", known.withFingerprint(A).orElseThrow().name());
        assertTrue(known.withFingerprint(B).isEmpty(), "an unchecked certificate vouches for no other name");
        assertFalse(known.find("decoy").orElseThrow().checked());
        assertTrue(known.find("loomchat").orElseThrow().checked());
    }

    @Test
    void aLineItCannotReadIsRefusedWithItsNumberNotSkipped() throws Exception {
        assertRefused("plain lab\nssh-rsa AAAAB3Nza loomchat\n", "line 2: cannot read 'ssh-rsa AAAAB3Nza loomchat' "
                + "(expected 'tls FINGERPRINT NAME', 'tls-unchecked FINGERPRINT NAME' or 'plain NAME'); fix or delete the line");
        assertRefused("tls 3E:01:90 loomchat\n", "line 1: '3E:01:90' is not a SHA-256 fingerprint");
        assertRefused("tls " + A + "\n", "line 1: cannot read");
        assertRefused("plain\n", "line 1: cannot read");
        assertRefused("tls " + A + " loomchat\nplain Loomchat\n", "line 2: 'Loomchat' is there twice (also line 1); delete one");
    }

    @Test
    void aFileThatBecameUnreadableIsNotOverwritten() throws Exception {
        Path file = Files.writeString(dir.resolve("known_servers"), "plain lab\n");
        KnownServers known = KnownServers.read(file);
        Files.writeString(file, "garbage\n");
        assertThrows(IllegalArgumentException.class, () -> known.rememberTls("loomchat", A, true));
        assertEquals("garbage\n", Files.readString(file), "left for the person to fix");
    }

    @Test
    void fingerprintsAreShownAsTheServerPrintsThem() {
        assertEquals("3E:01:90:CF:FD:32:49:D2:02:3E:47:6F:1F:0B:B1:FC:06:12:97:A3:CE:AE:F4:FC:26:8F:34:B6:24:4D:90:27", A.toString());
        assertEquals(A, Fingerprint.parse(A.toString().toLowerCase()));
        assertEquals(A, Fingerprint.parse(A.toString().replace(":", " ")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Fingerprint.parse("AB:CD"));
        assertTrue(e.getMessage().contains("expected 32 bytes in hex"), e.getMessage());
    }

    private void assertRefused(String content, String expected) throws Exception {
        Path file = Files.writeString(dir.resolve("known_servers"), content);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KnownServers.read(file));
        assertTrue(e.getMessage().startsWith(file + " " + expected.substring(0, expected.indexOf(':') + 1)), e.getMessage());
        assertTrue(e.getMessage().contains(expected.substring(expected.indexOf(':') + 2)), e.getMessage());
    }
}
