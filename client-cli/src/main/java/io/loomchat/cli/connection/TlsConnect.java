package io.loomchat.cli.connection;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** Layers TLS over a connected socket, with the server's certificate and host name verified. */
public final class TlsConnect {

    /**
     * A handshake that failed for a reason no retry changes (an untrusted certificate, one for another
     * name, a server that does not speak TLS), said as the person can act on it.
     */
    public static final class Mistake extends SSLException {
        Mistake(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private TlsConnect() {
    }

    public static Socket wrap(Socket plain, String host, int port, Path trust) throws IOException, GeneralSecurityException {
        SSLContext context = trust == null ? SSLContext.getDefault() : trusting(trust);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters params = socket.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host we dialled
        params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        socket.setSSLParameters(params);
        try {
            socket.startHandshake(); // fail here, with a clear message, rather than on the first line
        } catch (SSLException e) {
            String why = explain(e, host, trust);
            throw why == null ? e : new Mistake(why, e);
        }
        return socket;
    }

    /** What a person should do about a failed handshake, or null if it is nothing they can fix (the network). */
    static String explain(SSLException e, String host, Path trust) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
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

    private static SSLContext trusting(Path pem) throws IOException, GeneralSecurityException {
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
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
