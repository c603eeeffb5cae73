package io.loomchat.cli.connection;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Layers TLS over a connected socket, three ways: verified (the certificate against the system's trust store
 * or {@code --trust}, and the host name), pinned (only the certificate with a given fingerprint, whatever it
 * names: a LAN server's self-signed certificate, checked the way ssh checks a host key), and looked at (any
 * certificate, to learn its fingerprint before deciding; nothing is sent over such a connection). Every
 * handshake has a time-out: a peer that accepts TCP and never answers must not hold the client forever.
 */
public final class TlsConnect {

    /** How long a TLS handshake may take before the client gives up on it. */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * A handshake that failed for a reason no retry changes (an untrusted certificate, one for another
     * name, another certificate than the pinned one, a server that does not speak TLS), said as the person
     * can act on it.
     */
    public static final class Mistake extends SSLException {
        Mistake(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The handshake did not finish in time. A time-out like a connect's: the next node of a cluster, or a
     * later reconnect attempt, may do better.
     */
    public static final class HandshakeTimedOut extends SocketTimeoutException {
        HandshakeTimedOut(String message) {
            super(message);
        }
    }

    /** What a server showed in a handshake that was only looked at: see {@link #look}. */
    public record Offer(Fingerprint fingerprint, boolean validated) {
    }

    /** A certificate that is not the pinned one. */
    private static final class NotPinned extends CertificateException {
        final Fingerprint offered;

        NotPinned(Fingerprint offered) {
            super("the certificate is not the pinned one");
            this.offered = offered;
        }
    }

    private TlsConnect() {
    }

    /** TLS with the certificate verified against the system's trust store (or {@code trust}) and {@code host}. */
    public static Socket wrap(Socket plain, String host, int port, Path trust) throws IOException, GeneralSecurityException {
        SSLContext context = trust == null ? SSLContext.getDefault() : context(trustManager(trust));
        return handshake(context, plain, host, port, true, trust, null);
    }

    /** TLS accepting only the certificate whose SHA-256 fingerprint is {@code pin}; its names are not looked at. */
    public static Socket pinned(Socket plain, String host, int port, Fingerprint pin) throws IOException, GeneralSecurityException {
        return handshake(context(new Pinned(pin)), plain, host, port, false, null, pin);
    }

    /**
     * A handshake that accepts any certificate and reports it: its fingerprint, and whether the system's trust
     * store (or {@code trust}) vouches for it and its name fits {@code host}. Closes the connection after: it is
     * for deciding whether to connect, never for talking.
     */
    public static Offer look(Socket plain, String host, int port, Path trust) throws IOException, GeneralSecurityException {
        Looking looking = new Looking(trust == null ? systemTrust() : trustManager(trust));
        try (Socket socket = handshake(context(looking), plain, host, port, true, trust, null)) {
            return new Offer(looking.offered, looking.validated);
        }
    }

    private static Socket handshake(SSLContext context, Socket plain, String host, int port, boolean checkHost, Path trust,
            Fingerprint pin) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters params = socket.getSSLParameters();
        if (checkHost) {
            params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host we dialled
        }
        params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        socket.setSSLParameters(params);
        int before = plain.getSoTimeout();
        socket.setSoTimeout((int) HANDSHAKE_TIMEOUT.toMillis());
        try {
            socket.startHandshake(); // fail here, with a clear message, rather than on the first line
        } catch (IOException e) {
            if (timedOut(e)) {
                throw new HandshakeTimedOut("the TLS handshake with " + new ServerList.Server(host, port) + " did not finish within "
                        + HANDSHAKE_TIMEOUT.toSeconds() + " s: is it a Loomchat server speaking TLS?");
            }
            String why = e instanceof SSLException ssl ? explain(ssl, host, trust, pin) : null;
            throw why == null ? e : new Mistake(why, e);
        }
        socket.setSoTimeout(before); // the chat then waits for lines as long as it likes
        return socket;
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** What a person should do about a failed handshake, or null if it is nothing they can fix (the network). */
    static String explain(SSLException e, String host, Path trust, Fingerprint pin) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (t instanceof NotPinned not) {
                return "the certificate of " + host + " is not the expected one: it has SHA-256 fingerprint " + not.offered
                        + ", not " + pin + " (another machine may be answering at this address; no password and no line was sent)";
            }
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
                return "the server's certificate is not trusted" + (trust == null
                        ? ": add --trust CERT.pem (the file the server's --make-certificate made) or use a certificate from a CA"
                        : " by " + trust + ": is it the file the server's --make-certificate made?");
            }
            if (t instanceof CertificateException && (message.contains("No subject alternative") || message.contains("No name matching"))) {
                return "the server's certificate is not for " + host + ": connect by a name it has (" + message + ")";
            }
            if (t instanceof SSLException && message.contains("Unsupported or unrecognized SSL message")) {
                return "this server does not speak TLS: drop --tls";
            }
        }
        return null;
    }

    private static SSLContext context(TrustManager trust) throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trust}, null);
        return context;
    }

    private static X509ExtendedTrustManager systemTrust() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        return extended(factory);
    }

    /** Trusts the certificates in a PEM file (the server's own, from --make-certificate, or a private CA's). */
    private static X509ExtendedTrustManager trustManager(Path pem) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("trusted-" + i++, cert);
            }
            if (i == 0) {
                throw new GeneralSecurityException("no certificate in " + pem);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return extended(factory);
    }

    private static X509ExtendedTrustManager extended(TrustManagerFactory factory) throws GeneralSecurityException {
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager extended) {
                return extended;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager in this JDK");
    }

    /** Accepts the one certificate with the pinned fingerprint; its issuer and names do not matter. */
    private static final class Pinned extends ServerOnly {
        private final Fingerprint pin;

        Pinned(Fingerprint pin) {
            this.pin = pin;
        }

        @Override
        void check(X509Certificate[] chain, String authType, Socket socket, SSLEngine engine) throws CertificateException {
            Fingerprint offered = Fingerprint.of(chain[0]);
            if (!offered.equals(pin)) {
                throw new NotPinned(offered);
            }
        }
    }

    /** Accepts any certificate, noting its fingerprint and whether the delegate would have accepted it. */
    private static final class Looking extends ServerOnly {
        private final X509ExtendedTrustManager delegate;
        volatile Fingerprint offered;
        volatile boolean validated;

        Looking(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        void check(X509Certificate[] chain, String authType, Socket socket, SSLEngine engine) {
            offered = Fingerprint.of(chain[0]);
            try {
                delegate.checkServerTrusted(chain, authType, socket); // the chain, and the host name the socket asks for
                validated = true;
            } catch (CertificateException e) {
                validated = false;
            }
        }
    }

    /** A trust manager for the client side only: a server's certificate goes to {@link #check}. */
    private abstract static class ServerOnly extends X509ExtendedTrustManager {

        abstract void check(X509Certificate[] chain, String authType, Socket socket, SSLEngine engine) throws CertificateException;

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain, authType, socket, null);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain, authType, null, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, authType, null, null);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a client does not check clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a client does not check clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client does not check clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
