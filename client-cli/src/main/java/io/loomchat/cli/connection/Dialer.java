package io.loomchat.cli.connection;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;

/**
 * How each connection to the server is made, the first and every reconnect alike: TCP with a time-out, then
 * TLS as decided once at the start (none, verified against a trust store and the host name, or pinned to
 * one certificate), so that a reconnect can never end up less protected than the first connection.
 */
public final class Dialer implements ServerList.Dial {

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** The TLS handshake failed: not a network problem, and worth saying so. */
    public static final class TlsFailure extends IOException {
        TlsFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final boolean tls;
    private final Path trust; // with tls and no pin: trust these instead of the system's trust store
    private final Fingerprint pin; // null: not pinned

    private Dialer(boolean tls, Path trust, Fingerprint pin) {
        this.tls = tls;
        this.trust = trust;
        this.pin = pin;
    }

    /** Plain TCP: everything in clear text. */
    public static Dialer plain() {
        return new Dialer(false, null, null);
    }

    /** TLS, the certificate checked against the system's trust store (or {@code trust}) and the host name. */
    public static Dialer verified(Path trust) {
        return new Dialer(true, trust, null);
    }

    /** TLS, accepting only the certificate with this fingerprint. */
    public static Dialer pinned(Fingerprint pin) {
        return new Dialer(true, null, pin);
    }

    @Override
    public Socket dial(ServerList.Server server, InetAddress address) throws IOException {
        Socket plain = tcp(address, server.port());
        if (!tls) {
            return plain;
        }
        try {
            return pin != null ? TlsConnect.pinned(plain, server.host(), server.port(), pin)
                    : TlsConnect.wrap(plain, server.host(), server.port(), trust);
        } catch (IOException | GeneralSecurityException e) {
            plain.close();
            if (e instanceof TlsConnect.Mistake || e instanceof TlsConnect.HandshakeTimedOut) {
                throw (IOException) e; // already says what to do (a Mistake: and no reconnect attempt can do better)
            }
            throw new TlsFailure("TLS with " + server + " failed: " + e.getMessage(), e);
        }
    }

    /** A TCP connection to {@code address}, given up after {@link #CONNECT_TIMEOUT}. */
    public static Socket tcp(InetAddress address, int port) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(address, port), (int) CONNECT_TIMEOUT.toMillis());
            plain.setTcpNoDelay(true);
        } catch (IOException e) {
            plain.close();
            throw e;
        }
        return plain;
    }
}
