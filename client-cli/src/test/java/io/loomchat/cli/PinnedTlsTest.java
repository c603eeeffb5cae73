package io.loomchat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.server.ChatServer;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.TestCertificates;
import io.loomchat.server.connection.TlsSetup;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS held to one certificate with --fingerprint (whatever names it holds), and the handshake's time-out:
 * the real client against the real server, and against a port that accepts and never answers.
 */
class PinnedTlsTest {

    @TempDir
    Path dir;

    private ChatServer server;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private CliProcess cli(int port, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", String.valueOf(port)));
        all.addAll(List.of(args));
        CliProcess p = CliProcess.start(all.toArray(String[]::new));
        opened.add(p);
        return p;
    }

    @Test
    void aPinnedCertificateIsAcceptedWhateverItNamesAndAnotherIsRefused() throws Exception {
        // A certificate for localhost only, dialled at 127.0.0.1: the name check would refuse it, the pin does not.
        TestCertificates certs = TestCertificates.create(dir, "dns:localhost");
        server = ChatServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0), Clock.systemUTC(),
                TlsSetup.fromPem(certs.certPem(), certs.keyPem()));
        String fingerprint = fingerprint(certs.certPem());
        CliProcess pinned = cli(server.port(), "--nick", "pinned", "--fingerprint", fingerprint.toLowerCase().replace(":", ""),
                "--say", "held to one certificate");
        assertEquals(0, pinned.awaitExit(), pinned.stderr());
        assertTrue(pinned.allOutput().stream().anyMatch(l -> l.endsWith("<pinned> held to one certificate")), pinned.allOutput().toString());

        String other = fingerprint.substring(0, fingerprint.length() - 2) + (fingerprint.endsWith("00") ? "01" : "00");
        CliProcess refused = cli(server.port(), "--nick", "refused", "--fingerprint", other, "--say", "hello");
        assertEquals(1, refused.awaitExit(), refused.stderr());
        assertEquals("loomchat: the certificate of 127.0.0.1 is not the expected one: it has SHA-256 fingerprint " + fingerprint
                + ", not " + other + " (another machine may be answering at this address; no password and no line was sent)",
                refused.stderr().strip());

        CliProcess garbled = cli(server.port(), "--fingerprint", "AB:CD", "--say", "hello");
        assertEquals(1, garbled.awaitExit(), garbled.stderr());
        assertTrue(garbled.stderr().startsWith("loomchat: --fingerprint: 'AB:CD' is not a SHA-256 fingerprint"), garbled.stderr());
    }

    @Test
    void aTlsPortThatNeverAnswersTheHandshakeIsGivenUpOnWithinTheTimeOut() throws Exception {
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        opened.add(silent);
        List<Socket> accepted = new ArrayList<>();
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Socket s = silent.accept(); // takes the connection, reads the client's hello, never answers
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                    Thread.ofVirtual().start(() -> {
                        try (InputStream in = s.getInputStream()) {
                            in.transferTo(java.io.OutputStream.nullOutputStream());
                        } catch (java.io.IOException e) {
                            // closed by the client
                        }
                    });
                }
            } catch (java.io.IOException e) {
                // closed by the test
            }
        });
        long start = System.nanoTime();
        CliProcess client = cli(silent.getLocalPort(), "--tls", "--nick", "x", "--reconnect-attempts", "0", "--say", "hello");
        assertEquals(1, client.awaitExit(), client.stderr());
        assertEquals("loomchat: cannot connect to 127.0.0.1:" + silent.getLocalPort() + ": the TLS handshake with 127.0.0.1:"
                + silent.getLocalPort() + " did not finish within 10 s: is it a Loomchat server speaking TLS?", client.stderr().strip());
        assertTrue(System.nanoTime() - start >= 10_000_000_000L, "not before the time-out");
        synchronized (accepted) {
            assertEquals(1, accepted.size(), "one connection");
        }
    }

    private static String fingerprint(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
            return TlsSetup.fingerprint(certificate);
        }
    }
}
