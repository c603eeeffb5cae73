package io.loomchat.server;

import io.loomchat.server.connection.TlsSetup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest extends ServerTestSupport {

    @TempDir
    Path dir;

    /** A TLS context that trusts only the certificate in {@code trustedPem}. */
    static SSLContext trusting(Path trustedPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(trustedPem)) {
            trust.setCertificateEntry("test", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static SSLSocket tlsClient(int port, Path trustedPem, String host) throws Exception {
        SSLContext context = trusting(trustedPem);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(new Socket("127.0.0.1", port), host, port, true);
        SSLParameters params = socket.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(params);
        socket.startHandshake();
        return socket;
    }

    @Test
    void aSilentClientOverTlsIsGreetedAfterItsHandshakeAndAnIrcClientIsNot() throws Exception {
        TestCertificates certs = TestCertificates.create(dir, "dns:localhost");
        server = ChatServer.start(testConfig(), Clock.systemUTC(), TlsSetup.fromPem(certs.certPem(), certs.keyPem()));
        try (TestClient silent = track(TestClient.over(tlsClient(server.port(), certs.certPem(), "localhost")))) {
            org.awaitility.Awaitility.await("the greeting over TLS").atMost(java.time.Duration.ofSeconds(5))
                    .pollInterval(java.time.Duration.ofMillis(20)).until(() -> silent.greeting() != null);
        }
        SSLSocket irc = tlsClient(server.port(), certs.certPem(), "localhost");
        track(irc);
        irc.getOutputStream().write("NICK secure\r\nUSER secure 0 * :Secure\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        irc.getOutputStream().flush();
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(irc.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8));
        String first = in.readLine();
        assertTrue(first.startsWith(":") && first.contains(" 001 secure "), "IRC over TLS starts with IRC: " + first);
    }

    @Test
    void clientsChatOverTlsWithAPemCertificateAndKey() throws Exception {
        TestCertificates certs = TestCertificates.create(dir, "dns:localhost,ip:127.0.0.1");
        server = ChatServer.start(testConfig(), Clock.systemUTC(), TlsSetup.fromPem(certs.certPem(), certs.keyPem()));
        TestClient alice = track(TestClient.register(tlsClient(server.port(), certs.certPem(), "localhost"), "alice"));
        TestClient bob = track(TestClient.register(tlsClient(server.port(), certs.certPem(), "localhost"), "bob"));
        alice.await("joined");
        bob.say("over tls");
        assertEquals("over tls", alice.await("message").get("text").asText());
    }

    @Test
    void aPkcs12KeystoreWithAPasswordFileWorksToo() throws Exception {
        TestCertificates certs = TestCertificates.create(dir, "dns:localhost");
        server = ChatServer.start(testConfig(), Clock.systemUTC(), TlsSetup.fromKeystore(certs.keystore(), certs.passwordFile()));
        TestClient alice = track(TestClient.register(tlsClient(server.port(), certs.certPem(), "localhost"), "alice"));
        alice.send("{\"type\":\"ping\",\"ref\":\"p\"}");
        assertEquals("p", alice.expect("pong").get("ref").asText());
    }

    @Test
    void aCertificateForAnotherNameIsRejectedByTheClient() throws Exception {
        TestCertificates certs = TestCertificates.create(dir, "dns:chat.example");
        server = ChatServer.start(testConfig(), Clock.systemUTC(), TlsSetup.fromPem(certs.certPem(), certs.keyPem()));
        assertThrows(SSLHandshakeException.class, () -> tlsClient(server.port(), certs.certPem(), "localhost").close());
    }

    @Test
    void aPlainTextClientGetsNoChatFromATlsPortAndHarmsNobody() throws Exception {
        TestCertificates certs = TestCertificates.create(dir, "dns:localhost");
        server = ChatServer.start(testConfig(), Clock.systemUTC(), TlsSetup.fromPem(certs.certPem(), certs.keyPem()));
        try (Socket plain = new Socket("127.0.0.1", server.port())) {
            plain.getOutputStream().write("{\"type\":\"hello\",\"nick\":\"x\"}\n".getBytes(StandardCharsets.UTF_8));
            plain.setSoTimeout(10_000);
            byte[] reply = plain.getInputStream().readAllBytes(); // the server gives up on the handshake and closes
            assertEquals(false, new String(reply, StandardCharsets.ISO_8859_1).contains("welcome"));
        } catch (IOException resetIsFineToo) {
            // a TLS alert or reset
        }
        TestClient alice = track(TestClient.register(tlsClient(server.port(), certs.certPem(), "localhost"), "alice"));
        alice.send("{\"type\":\"ping\",\"ref\":\"ok\"}");
        assertEquals("ok", alice.expect("pong").get("ref").asText());
    }

    @Test
    void aMadeCertificateServesTlsToClientsThatTrustItsPemByNameAndByAddress() throws Exception {
        Path certs = dir.resolve("certs");
        java.util.List<String> told = SelfSignedCertificate.make(certs);
        String advice = String.join("\n", told);
        assertTrue(advice.contains("--tls-keystore " + certs.resolve("server.p12")), advice);
        assertTrue(advice.contains("./loomchat chat --tls --trust " + certs.resolve("cert.pem")), advice);
        assertTrue(advice.matches("(?s).*SHA-256 fingerprint: ([0-9A-F]{2}:){31}[0-9A-F]{2}.*"), advice);
        server = ChatServer.start(testConfig(), Clock.systemUTC(), TlsSetup.fromKeystore(certs.resolve("server.p12"), certs.resolve("server.p12.password")));
        for (String host : new String[] {"localhost", "127.0.0.1"}) {
            try (TestClient client = TestClient.register(tlsClient(server.port(), certs.resolve("cert.pem"), host), "via-" + host.charAt(0))) {
                client.say("hello over tls");
                client.awaitMatching("its own line", n -> "hello over tls".equals(n.path("text").asText()));
            }
        }
        assertThrows(IOException.class, () -> SelfSignedCertificate.make(certs), "an existing keystore is never overwritten");
    }

    @Test
    void aWrongKeystorePasswordOrAnOldKeyStopsTheStartWithOneLine() throws Exception {
        TestCertificates certs = TestCertificates.create(dir, "dns:localhost");
        Path wrong = Files.writeString(dir.resolve("wrong"), "not-it\n");
        assertOneLineTlsRefusal("password is wrong", "--tls-keystore", certs.keystore().toString(),
                "--tls-keystore-password-file", wrong.toString());
        Path rsa = Files.writeString(dir.resolve("old.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertOneLineTlsRefusal("openssl pkcs8", "--tls-cert", certs.certPem().toString(), "--tls-key", rsa.toString());
        assertOneLineTlsRefusal("no such file", "--tls-cert", dir.resolve("missing.pem").toString(), "--tls-key", rsa.toString());
    }

    private void assertOneLineTlsRefusal(String expected, String... args) throws Exception {
        Process process = ChildServer.start(dir, 0, java.util.List.of(), args);
        assertTrue(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(2, process.exitValue());
        String output;
        try (java.util.stream.Stream<Path> logs = Files.list(dir)) {
            Path log = logs.filter(p -> p.getFileName().toString().equals("server-" + process.pid() + ".log")).findFirst().orElseThrow();
            output = Files.readString(log).strip();
        }
        assertEquals(1, output.lines().count(), "one line, no stack trace: " + output);
        assertTrue(output.startsWith("loomchat-server: cannot start: TLS: ") && output.contains(expected), output);
    }
}
