package io.loomchat.server;

import io.loomchat.server.connection.TlsSetup;
import io.loomchat.server.guard.Moderation;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code --make-certificate DIR}: a first TLS setup without a CA. Makes a self-signed EC certificate for
 * this machine's names and addresses (read from its interfaces, nothing is looked up on the network) in a
 * PKCS#12 keystore with a random password in a file beside it, and the certificate alone as PEM for the
 * clients' {@code --trust}. The JDK's keytool does the X.509 work: the JDK has no public API for it.
 */
final class SelfSignedCertificate {

    static final String KEYSTORE = "server.p12";
    static final String PASSWORD = "server.p12.password";
    static final String CERTIFICATE = "cert.pem";
    private static final int DAYS = 825; // the longest validity Apple's TLS clients accept

    private SelfSignedCertificate() {
    }

    /** Makes the files in {@code dir} (refusing to overwrite a keystore) and returns what to tell the user. */
    static List<String> make(Path dir) throws IOException, GeneralSecurityException, InterruptedException {
        Files.createDirectories(dir);
        Path keystore = dir.resolve(KEYSTORE);
        if (Files.exists(keystore)) {
            throw new IOException(keystore + " exists already; remove it or choose another directory");
        }
        Set<String> names = names();
        Set<String> addresses = addresses();
        List<String> san = new ArrayList<>();
        names.forEach(n -> san.add("dns:" + n));
        addresses.forEach(a -> san.add("ip:" + a));
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Path passwordFile = dir.resolve(PASSWORD);
        Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
        restrict(passwordFile);
        keytool("-genkeypair", "-alias", "loomchat", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", String.valueOf(DAYS), "-dname", "CN=" + names.iterator().next(),
                "-ext", "SAN=" + String.join(",", san), "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", password);
        restrict(keystore);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password.toCharArray());
        }
        Certificate certificate = store.getCertificate("loomchat");
        byte[] der = certificate.getEncoded();
        Path pem = dir.resolve(CERTIFICATE);
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
        String fingerprint = TlsSetup.fingerprint(certificate);
        return List.of(
                "Made a self-signed certificate, valid " + DAYS + " days, for: " + String.join(", ", names)
                        + ", " + String.join(", ", addresses),
                "  SHA-256 fingerprint: " + fingerprint,
                "Start the server with:",
                "  ./loomchat server --tls-keystore " + keystore + " --tls-keystore-password-file " + passwordFile,
                "Give the clients " + pem + " (the certificate only, no secret) and let them run:",
                "  ./loomchat chat --tls --trust " + pem + " --host " + names.iterator().next() + " --nick NAME",
                "  (--host may be any of the names and addresses above; check the fingerprint with the person who gave you the file)");
    }

    /**
     * localhost first, then this machine's host name; "localhost" alone where it has none. The name is read
     * from the kernel or /etc/hostname, never resolved: making a certificate sends nothing on the network.
     */
    private static Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        names.add("localhost");
        names.add(hostName());
        return names;
    }

    /** This machine's host name, read (never resolved); "localhost" where it has none. */
    static String hostName() {
        for (String source : new String[] {"/proc/sys/kernel/hostname", "/etc/hostname"}) {
            try {
                String host = Files.readString(Path.of(source), StandardCharsets.US_ASCII).strip();
                if (host.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?")) {
                    return host;
                }
            } catch (IOException | RuntimeException e) {
                // not on Linux, or no name configured
            }
        }
        return "localhost";
    }

    /** Every address of every interface that is up: loopback and the LAN addresses clients may dial. */
    private static Set<String> addresses() throws SocketException {
        Set<String> addresses = new LinkedHashSet<>(List.of("127.0.0.1", "::1"));
        for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
            if (!nic.isUp()) {
                continue;
            }
            for (InetAddress address : nic.inetAddresses().toList()) {
                if (address instanceof Inet6Address v6 && v6.isLinkLocalAddress()) {
                    continue; // needs a scope id to dial; not worth naming
                }
                addresses.add(Moderation.text(address)); // ::1, not 0:0:0:0:0:0:0:1
            }
        }
        return addresses;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new IOException("the JDK's keytool is not at " + keytool + "; run this where a full JDK is installed");
        }
        List<String> command = new ArrayList<>();
        command.add(keytool.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("keytool failed: " + output);
        }
    }

    /** Owner only: the password file and the key are secrets. Ignored where the file system has no POSIX modes. */
    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }
}
