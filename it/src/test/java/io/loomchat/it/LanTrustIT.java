package io.loomchat.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trust on the LAN against a rogue: a responder built on python-zeroconf (an mDNS library Loomchat does not
 * use) that announces a Loomchat service, takes names without probing, and records every byte its TCP
 * listener receives, so that each test can tell whether a password (or anything) reached it. The real
 * server and client jars run in network namespaces on one bridge; no packet leaves them.
 */
class LanTrustIT {

    private static final Path ROOT = Paths.get(System.getProperty("loomchat.root", "..")).toAbsolutePath().normalize();
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private static final String SERVER_JAR = ROOT.resolve("server/target/loomchat-server.jar").toString();
    private static final String CLI_JAR = ROOT.resolve("client-cli/target/loomchat-cli.jar").toString();
    private static final String PYTHON = "/usr/bin/python3"; // Debian's, with python3-zeroconf; not a pyenv one on PATH
    private static final Duration RUN_LIMIT = Duration.ofSeconds(40);
    private static final String PASSWORD = "s3cret-lan-password";
    private static final Pattern FINGERPRINT = Pattern.compile("SHA-256 fingerprint: ([0-9A-F:]{95})");

    private NetnsLan lan;

    @TempDir
    Path dir;

    @BeforeAll
    static void canMakeALanWithARogue() throws Exception {
        String problem = NetnsLan.unavailable();
        if (problem == null) {
            Process p = new ProcessBuilder(PYTHON, "-c", "import zeroconf").redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                problem = "no python3-zeroconf for " + PYTHON + " (apt-get install python3-zeroconf)";
            }
        }
        NetnsLan.skipUnlessRequired(problem);
    }

    @AfterEach
    void removeLan() throws Exception {
        if (lan != null) {
            lan.close(); // stops every process started in it, and waits for them, before @TempDir goes
        }
    }

    @Test
    void aRogueThatTakesAPinnedNameWithoutTlsIsRefusedWithAWarningAndGetsNothing() throws Exception {
        lan = new NetnsLan(3);
        Path certs = dir.resolve("certs");
        String fingerprint = makeCertificate(1, certs);
        Path password = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        server(1, "loomchat", "--tls-keystore", certs.resolve("server.p12").toString(),
                "--tls-keystore-password-file", certs.resolve("server.p12.password").toString(), "--password-file", password.toString());
        awaitListed(2, "loomchat", NetnsLan.address(1));
        // Used once, its certificate checked (--trust: the file --make-certificate made): remembered.
        NetnsLan.Result first = cli(2, "--server", "loomchat", "--password-file", password.toString(),
                "--trust", certs.resolve("cert.pem").toString(), "--say", "hello");
        assertEquals(0, first.status(), first.output());
        assertTrue(first.output().contains("welcome to loomchat"), first.output());

        Path record = rogue(3, "loomchat", 12345, "proto=1,tls=0,password=1", "--no-probe");
        // The real server is renamed on the LAN; asking for 'loomchat' now finds the rogue.
        awaitListed(2, "loomchat", NetnsLan.address(3));
        awaitListed(2, "loomchat (2)", NetnsLan.address(1));
        NetnsLan.Result refused = cli(2, "--server", "loomchat", "--password-file", password.toString(), "--say", "hello");
        assertEquals("", Files.readString(record), "the rogue received this: " + refused.output());
        assertEquals("", Files.readString(events(record)), "the rogue was not even connected to");
        assertEquals(1, refused.status(), refused.output());
        String out = refused.output();
        assertTrue(out.contains("loomchat: WARNING: 'loomchat' is not the server this client used under that name: "
                + "another machine may have taken the name"), out);
        assertTrue(out.contains("loomchat:   expected: TLS, certificate SHA-256 " + fingerprint), out);
        assertTrue(out.contains("loomchat:   offered:  no TLS, at " + NetnsLan.address(3) + ":12345"), out);
        assertTrue(out.lines().anyMatch(l -> l.contains("loomchat (2)") && l.contains(NetnsLan.address(1) + ":12345")),
                "the renamed real server is pointed out: " + out);
        assertTrue(out.contains("--forget-server 'loomchat'"), out);
        assertTrue(Files.readString(knownServers()).contains("tls " + fingerprint + " loomchat\n"), Files.readString(knownServers()));
    }

    @Test
    void aRogueThatOffersTlsWithAnotherCertificateIsRefused() throws Exception {
        lan = new NetnsLan(3);
        String remembered = makeCertificate(1, dir.resolve("real")); // the certificate of the server used before
        Files.createDirectories(knownServers().getParent());
        Files.writeString(knownServers(), "tls " + remembered + " loomchat\n");
        Path roguesCertificate = dir.resolve("rogue");
        String rogues = makeCertificate(3, roguesCertificate);
        Path record = rogue(3, "loomchat", 12345, "proto=1,tls=1,password=1", "--tls",
                roguesCertificate.resolve("cert.pem").toString(), privateKeyPem(roguesCertificate).toString());
        awaitListed(2, "loomchat", NetnsLan.address(3));
        Path password = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        NetnsLan.Result refused = cli(2, "--server", "loomchat", "--password-file", password.toString(), "--say", "hello");
        assertEquals(1, refused.status(), refused.output());
        assertTrue(refused.output().contains("loomchat:   expected: TLS, certificate SHA-256 " + remembered), refused.output());
        assertTrue(refused.output().contains("loomchat:   offered:  TLS, certificate SHA-256 " + rogues + ", at "
                + NetnsLan.address(3) + ":12345"), refused.output());
        assertEquals("", Files.readString(record), "nothing came through TLS: " + Files.readString(events(record)));
        assertEquals("tls " + remembered + " loomchat\n", Files.readString(knownServers()), "the pin stays");
    }

    @Test
    void aLoneRogueGetsNoPasswordWhenItSaysItNeedsNoneOrWhenItOffersNoTls() throws Exception {
        lan = new NetnsLan(3);
        Path password = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        Path record = rogue(3, "anything", 12345, "proto=1,tls=0,password=0");
        awaitListed(2, "anything", NetnsLan.address(3));
        // No --host, no --server: nothing on this machine, so the one server heard on the LAN.
        NetnsLan.Result alone = cli(2, "--password-file", password.toString(), "--nick", "carol", "--say", "hello");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(record).contains("\"type\":\"hello\""));
        assertFalse(Files.readString(record).contains(PASSWORD), "the password reached the rogue: " + Files.readString(record));
        assertFalse(Files.readString(record).contains("\"password\""), Files.readString(record));
        assertTrue(Files.readString(record).contains("\"nick\":\"carol\""), Files.readString(record));
        assertTrue(alone.output().contains("loomchat: 'anything' says it needs no password: yours is not sent"), alone.output());

        Path other = rogue(1, "lab", 12345, "proto=1,tls=0,password=1");
        awaitListed(2, "lab", NetnsLan.address(1));
        NetnsLan.Result clear = cli(2, "--server", "lab", "--password-file", password.toString(), "--say", "hello");
        assertEquals(1, clear.status(), clear.output());
        assertTrue(clear.output().contains("loomchat: 'lab' offers no TLS: the server password would cross the LAN in clear text, "
                + "to whichever machine announced that name; not sent. To send it anyway, add --password-in-clear 'lab'"), clear.output());
        assertEquals("", Files.readString(other), "nothing was sent to it");
        assertEquals("", Files.readString(events(other)), "it was not even connected to");
    }

    @Test
    void aRogueThatNeverAnswersTheTlsHandshakeIsGivenUpOnWithinTheTimeOut() throws Exception {
        lan = new NetnsLan(3);
        Path password = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        Path record = rogue(3, "silent", 12346, "proto=1,tls=1,password=1", "--silent");
        awaitListed(2, "silent", NetnsLan.address(3));
        long start = System.nanoTime();
        NetnsLan.Result found = cli(2, "--server", "silent", "--password-file", password.toString(), "--say", "hello");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(1, found.status(), found.output());
        assertTrue(found.output().contains("the TLS handshake with " + NetnsLan.address(3) + ":12346 did not finish within 10 s"),
                found.output());
        assertTrue(took.compareTo(Duration.ofSeconds(30)) < 0, "gave up after " + took);
        // Given by address with --tls: the same time-out.
        NetnsLan.Result direct = cli(2, "--host", NetnsLan.address(3), "--port", "12346", "--tls", "--password-file",
                password.toString(), "--say", "hello");
        assertEquals(1, direct.status(), direct.output());
        assertTrue(direct.output().contains("did not finish within 10 s"), direct.output());
        assertTrue(Files.readString(events(record)).contains("accepted"), "the rogue took the connections");
        assertFalse(Files.readString(record, StandardCharsets.ISO_8859_1).contains(PASSWORD));
    }

    @Test
    void theServerSaysSoWhenARogueTakesItsName() throws Exception {
        lan = new NetnsLan(3);
        Path log = server(1, "loomchat");
        awaitListed(2, "loomchat", NetnsLan.address(1));
        rogue(3, "loomchat", 12345, "proto=1,tls=0,password=0", "--no-probe");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).lines().anyMatch(l -> l.contains("[WARN]")
                && l.contains("the name 'loomchat' was taken on the LAN by another responder, at " + NetnsLan.address(3))
                && l.contains("this server is now heard there as 'loomchat (2)' at " + NetnsLan.address(1) + ":12345")));
    }

    @Test
    void discoveryDoesNotWaitOnADnsServerThatNeverAnswers() throws Exception {
        lan = new NetnsLan(2);
        lan.unansweredDns(1); // a LAN with a default route and no working DNS: the offline LAN discovery is for
        lan.unansweredDns(2);
        server(1, "offline");
        awaitListed(2, "offline", NetnsLan.address(1));
        NetnsLan.Result chat = cli(2, "--nick", "dave", "--say", "hello without DNS");
        assertEquals(0, chat.status(), chat.output());
        assertTrue(chat.output().contains("found 'offline' at " + NetnsLan.address(1) + ":12345 on the LAN"), chat.output());
    }

    // ---- the machines ------------------------------------------------------------------------------------

    /** Starts a server in machine {@code i}; waits until it says it announces itself. Its log. */
    private Path server(int i, String name, String... more) throws Exception {
        Path log = dir.resolve("server-" + name + ".log");
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", SERVER_JAR, "--name", name, "--web-port", "off"));
        command.addAll(List.of(more));
        Process p = lan.start(i, log, List.of(), command.toArray(String[]::new));
        await().atMost(Duration.ofSeconds(30)).until(() -> !p.isAlive() || Files.readString(log).contains("announcing on the LAN as"));
        assertTrue(p.isAlive(), Files.readString(log));
        return log;
    }

    /** Starts the rogue in machine {@code i}; waits until it has announced {@code name}. The file of what it received. */
    private Path rogue(int i, String name, int port, String txt, String... more) throws Exception {
        Path record = dir.resolve("rogue-" + i + "-" + port + ".bytes");
        Path log = dir.resolve("rogue-" + i + "-" + port + ".log");
        Path script = Paths.get(LanTrustIT.class.getResource("/rogue_responder.py").toURI());
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), "--address", NetnsLan.address(i),
                "--port", String.valueOf(port), "--name", name, "--txt", txt, "--record", record.toString()));
        command.addAll(List.of(more));
        Process p = lan.start(i, log, List.of(), command.toArray(String[]::new));
        await().atMost(Duration.ofSeconds(30)).until(() -> !p.isAlive() || Files.readString(log).contains("announced " + name));
        assertTrue(p.isAlive(), Files.readString(log));
        return record;
    }

    private static Path events(Path record) {
        return record.resolveSibling(record.getFileName() + ".events");
    }

    /** Waits until machine {@code i} hears {@code name} at {@code address}: heard once probing is over, not at once. */
    private void awaitListed(int i, String name, String address) {
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            NetnsLan.Result list = cli(i, "--list-servers");
            assertTrue(list.output().lines().anyMatch(l -> l.startsWith(name + " ") && l.contains(" " + address + ":")), list.output());
        });
    }

    /**
     * The client in machine {@code i}, with a settings directory of its own (never the person's), so its
     * known-servers file is {@link #knownServers}: the default place, under $XDG_CONFIG_HOME.
     */
    private NetnsLan.Result cli(int i, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", CLI_JAR));
        command.addAll(List.of(args));
        return lan.runIn(i, RUN_LIMIT, List.of("XDG_CONFIG_HOME=" + dir.resolve("config")), command.toArray(String[]::new));
    }

    private Path knownServers() {
        return dir.resolve("config/loomchat/known_servers");
    }

    /** A self-signed certificate made in machine {@code i} (for its addresses), as an operator makes one; its fingerprint. */
    private String makeCertificate(int i, Path certs) throws Exception {
        NetnsLan.Result made = lan.runIn(i, RUN_LIMIT, List.of(), JAVA, "-jar", SERVER_JAR, "--make-certificate", certs.toString());
        assertEquals(0, made.status(), made.output());
        Matcher m = FINGERPRINT.matcher(made.output());
        assertTrue(m.find(), made.output());
        return m.group(1);
    }

    /** The key of a certificate {@link #makeCertificate} made, as PEM (PKCS#8), for the rogue's TLS. */
    private static Path privateKeyPem(Path certs) throws Exception {
        char[] secret = Files.readString(certs.resolve("server.p12.password")).strip().toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certs.resolve("server.p12"))) {
            store.load(in, secret);
        }
        PrivateKey key = (PrivateKey) store.getKey("loomchat", secret);
        return Files.writeString(certs.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
    }
}
