package io.loomchat.server.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS context a node connects to NATS with: the NATS servers' certificates are checked against a
 * private CA (or the system's trust) and against the host name or address in the NATS URL.
 *
 * <p>Why the wrapper: the NATS Java client makes its TLS socket for the URL's host but does not ask the JDK
 * to check the certificate's names, so any certificate the CA ever signed would do. Checking the name is
 * what every TLS client is expected to do; the JDK does it during the handshake once the socket names the
 * HTTPS identification rule (RFC 2818: DNS names and IP addresses in subjectAltName).
 */
final class NatsTls {

    private NatsTls() {
    }

    static SSLContext context(Path caFile) throws IOException {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(caFile == null ? null : trustStore(caFile)); // null: the JDK's own trust store
            TrustManager[] managers = factory.getTrustManagers();
            for (int i = 0; i < managers.length; i++) {
                if (managers[i] instanceof X509ExtendedTrustManager x509) {
                    managers[i] = new NameChecking(x509);
                }
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, managers, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS to NATS cannot be set up: " + e.getMessage(), e);
        }
    }

    private static KeyStore trustStore(Path caFile) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(caFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (CertificateException e) {
            throw new IOException("--nats-ca " + caFile + ": not PEM certificates (" + e.getMessage() + ")", e);
        }
        if (certificates.isEmpty()) {
            throw new IOException("--nats-ca " + caFile + ": no certificate in it");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int n = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("ca-" + n++, certificate);
        }
        return store;
    }

    /** Turns on the JDK's host name check for the socket being verified, then lets the JDK verify. */
    private static final class NameChecking extends X509ExtendedTrustManager {

        private final X509ExtendedTrustManager delegate;

        NameChecking(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            if (socket instanceof SSLSocket tls) {
                withNameCheck(tls.getSSLParameters(), tls::setSSLParameters);
            }
            delegate.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            withNameCheck(engine.getSSLParameters(), engine::setSSLParameters);
            delegate.checkServerTrusted(chain, authType, engine);
        }

        /** Turns the HTTPS name check on, unless the connection has its own already. */
        private static void withNameCheck(SSLParameters parameters, Consumer<SSLParameters> apply) {
            if (parameters.getEndpointIdentificationAlgorithm() == null) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                apply.accept(parameters);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a NATS server's certificate is only checked together with its host name");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            delegate.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
