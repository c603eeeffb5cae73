package io.loomchat.server;

import io.loomchat.server.connection.TlsSetup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    private static SSLSocket tlsClient(int port, Path trustedPem, String host) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(trustedPem)) {
            trust.setCertificateEntry("test", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(new Socket("127.0.0.1", port), host, port, true);
        SSLParameters params = socket.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(params);
        socket.startHandshake();
        return socket;
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
}
