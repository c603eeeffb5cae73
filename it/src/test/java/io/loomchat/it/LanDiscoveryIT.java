package io.loomchat.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LAN discovery between "machines" that are network namespaces on one bridge: the real server and client
 * jars, Avahi's daemon and tools. Traffic stays inside the namespaces this test makes.
 */
class LanDiscoveryIT {

    private static final Path ROOT = Paths.get(System.getProperty("loomchat.root", "..")).toAbsolutePath().normalize();
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private static final String SERVER_JAR = ROOT.resolve("server/target/loomchat-server.jar").toString();
    private static final String CLI_JAR = ROOT.resolve("client-cli/target/loomchat-cli.jar").toString();
    private static final Duration RUN_LIMIT = Duration.ofSeconds(30);

    private NetnsLan lan;

    @TempDir
    Path dir;

    @BeforeAll
    static void canMakeALan() {
        String problem = NetnsLan.unavailable();
        if (problem == null && !Files.isExecutable(Paths.get("/usr/sbin/avahi-daemon"))) {
            problem = "no avahi-daemon (apt-get install avahi-daemon avahi-utils)";
        }
        NetnsLan.skipUnlessRequired(problem);
    }

    @AfterEach
    void removeLan() throws Exception {
        if (lan != null) {
            lan.close();
        }
    }

    /** Starts a server with no address options in machine {@code i}; waits until it has announced itself. */
    private Process server(int i, String name, String... more) throws Exception {
        Path log = dir.resolve(name + ".log");
        List<String> command = new java.util.ArrayList<>(List.of(JAVA, "-jar", SERVER_JAR, "--name", name));
        command.addAll(List.of(more));
        Process p = lan.start(i, log, List.of(), command.toArray(String[]::new));
        boolean announced = !List.of(more).contains("off");
        await().atMost(Duration.ofSeconds(30)).until(() -> !p.isAlive() || Files.readString(log).contains(
                announced ? "announcing on the LAN as '" + name + "'" : "listening on"));
        assertTrue(p.isAlive(), Files.readString(log));
        return p;
    }

    /**
     * Waits until machine {@code i} hears the server {@code name}: a server is heard once its mDNS probing
     * is over, a few seconds after it starts (RFC 6762 section 8), not at once.
     */
    private void awaitListed(int i, String name) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            NetnsLan.Result list = cli(i, "--list-servers");
            assertTrue(list.output().lines().anyMatch(l -> l.startsWith(name + " ")), list.output());
        });
    }

    /** The client in machine {@code i}, with a settings directory of its own: never the person's, nor their known servers. */
    private NetnsLan.Result cli(int i, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(JAVA, "-jar", CLI_JAR));
        command.addAll(List.of(args));
        return lan.runIn(i, RUN_LIMIT, List.of("XDG_CONFIG_HOME=" + dir.resolve("config")), command.toArray(String[]::new));
    }

    @Test
    void aClientOnAnotherMachineFindsTheServerWithoutAnAddressAndChats() throws Exception {
        lan = new NetnsLan(2);
        server(1, "alpha");
        Path aliceLog = dir.resolve("alice.log");
        Process alice = lan.start(1, aliceLog, List.of(), JAVA, "-jar", CLI_JAR, "--host", "127.0.0.1", "--nick", "alice",
                "--await-messages", "1");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(aliceLog).contains("you joined"));
        awaitListed(2, "alpha");
        NetnsLan.Result bob = cli(2, "--nick", "bob", "--say", "hello over the LAN", "--await-members", "2");
        assertEquals(0, bob.status(), bob.output());
        assertTrue(bob.output().contains("found 'alpha' at " + NetnsLan.address(1) + ":12345 on the LAN"), bob.output());
        assertTrue(alice.waitFor(20, TimeUnit.SECONDS), Files.readString(aliceLog));
        assertTrue(Files.readString(aliceLog).contains("<bob> hello over the LAN"), Files.readString(aliceLog));
    }

    @Test
    void twoServersAreListedAndOneThatStopsIsGoneAtOnce() throws Exception {
        lan = new NetnsLan(3);
        server(1, "alpha");
        Process beta = server(3, "beta", "--port", "12399");
        awaitListed(2, "alpha");
        awaitListed(2, "beta");
        NetnsLan.Result list = cli(2, "--list-servers");
        assertEquals(0, list.status(), list.output());
        assertTrue(list.output().contains("alpha") && list.output().contains(NetnsLan.address(1) + ":12345"), list.output());
        assertTrue(list.output().contains("beta") && list.output().contains(NetnsLan.address(3) + ":12399"), list.output());
        assertTrue(list.output().contains("web http://" + NetnsLan.address(1) + ":8080/"), list.output());
        // Two servers and no terminal to ask at: the client says how to choose, and does not guess.
        NetnsLan.Result undecided = cli(2, "--nick", "bob", "--say", "hi");
        assertEquals(1, undecided.status(), undecided.output());
        assertTrue(undecided.output().contains("choose one with --server NAME"), undecided.output());
        NetnsLan.Result chosen = cli(2, "--nick", "bob", "--server", "beta", "--say", "hi beta");
        assertEquals(0, chosen.status(), chosen.output());
        assertTrue(chosen.output().contains("welcome to beta"), chosen.output());
        // A server that stops says goodbye: it is off the list at once, not after its records' TTL.
        beta.destroy();
        assertTrue(beta.waitFor(20, TimeUnit.SECONDS));
        NetnsLan.Result after = cli(2, "--list-servers");
        assertTrue(after.output().contains("alpha"), after.output());
        assertFalse(after.output().contains("beta"), after.output());
    }

    @Test
    void withAnnounceOffTheServerSendsNothingOnTheMulticastGroup() throws Exception {
        lan = new NetnsLan(2);
        // The listener proves itself first: it hears a server that does announce.
        Process on = server(1, "loud");
        awaitListed(2, "loud");
        assertTrue(mdnsSourcesHeard(2).contains(NetnsLan.address(1)), "the listener heard the announcing server");
        on.destroy();
        assertTrue(on.waitFor(20, TimeUnit.SECONDS));
        server(1, "quiet", "--announce", "off");
        String heard = mdnsSourcesHeard(2);
        assertFalse(heard.contains(NetnsLan.address(1)), "packets from the quiet server: " + heard);
    }

    @Test
    void aServerWhoseAddressComesLaterIsAnnouncedOnIt() throws Exception {
        lan = new NetnsLan(2);
        lan.address(1, false); // started before its network is there (a laptop before Wi-Fi)
        Path log = dir.resolve("mobile.log");
        lan.start(1, log, List.of(), JAVA, "-jar", SERVER_JAR, "--name", "mobile");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("listening on"));
        lan.address(1, true);
        awaitListed(2, "mobile");
        assertTrue(Files.readString(log).contains("announcing on the LAN as 'mobile' (_loomchat._tcp.local.) at "
                + NetnsLan.address(1)), Files.readString(log));
    }

    @Test
    void aServerAnnouncedWithTlsIsConnectedToWithTlsAndItsCertificateRememberedOnFirstContact() throws Exception {
        lan = new NetnsLan(2);
        Path certs = dir.resolve("certs");
        NetnsLan.Result made = lan.runIn(1, RUN_LIMIT, List.of(), JAVA, "-jar", SERVER_JAR, "--make-certificate", certs.toString());
        assertEquals(0, made.status(), made.output());
        assertTrue(made.output().contains(NetnsLan.address(1)), "the certificate names the machine's address: " + made.output());
        String fingerprint = made.output().lines().filter(l -> l.contains("SHA-256 fingerprint: ")).findFirst().orElseThrow()
                .replaceFirst(".*SHA-256 fingerprint: ", "").strip();
        Path log = dir.resolve("secure.log");
        server(1, "secure", "--tls-keystore", certs.resolve("server.p12").toString(),
                "--tls-keystore-password-file", certs.resolve("server.p12.password").toString());
        assertTrue(Files.readString(log).contains("TLS certificate SHA-256 fingerprint: " + fingerprint), Files.readString(log));
        awaitListed(2, "secure");
        assertTrue(cli(2, "--list-servers").output().lines().anyMatch(l -> l.startsWith("secure ") && l.contains("tls")));
        // Found on the LAN, the client speaks TLS. Its first contact shows the certificate's fingerprint (the
        // one the server printed) and remembers it under the server's name, as ssh does a host key.
        NetnsLan.Result first = cli(2, "--nick", "bob", "--say", "hi");
        assertEquals(0, first.status(), first.output());
        assertTrue(first.output().contains("found 'secure' at " + NetnsLan.address(1) + ":12345 on the LAN (TLS)"), first.output());
        assertTrue(first.output().contains("first contact with 'secure' at " + NetnsLan.address(1) + ":12345; its certificate's "
                + "SHA-256 fingerprint is\nloomchat:   " + fingerprint), first.output());
        assertTrue(first.output().contains("welcome to secure"), first.output());
        Path known = dir.resolve("config/loomchat/known_servers");
        // Nobody checked it (a script, no password, no --fingerprint): it holds the name, and vouches for no other.
        assertTrue(Files.readString(known).contains("tls-unchecked " + fingerprint + " secure"), Files.readString(known));
        // From then on the certificate is checked against that fingerprint, and the client says nothing more.
        NetnsLan.Result again = cli(2, "--nick", "bob", "--server", "secure", "--say", "hi");
        assertEquals(0, again.status(), again.output());
        assertFalse(again.output().contains("first contact"), again.output());
        assertTrue(again.output().contains("welcome to secure"), again.output());
    }

    /** Listens on 224.0.0.251:5353 in machine {@code i} for 4 s, querying once; the sources heard, one per line. */
    private String mdnsSourcesHeard(int i) throws Exception {
        String script = String.join("\n",
                "import socket, struct, time",
                "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)",
                "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
                "s.bind(('', 5353))",
                "s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, struct.pack('4s4s', socket.inet_aton('224.0.0.251'), socket.inet_aton('" + NetnsLan.address(i) + "')))",
                "s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('" + NetnsLan.address(i) + "'))",
                // a PTR question for _loomchat._tcp.local: an announcing server answers it
                "q = struct.pack('>HHHHHH', 0, 0, 1, 0, 0, 0) + b''.join(bytes([len(p)]) + p.encode() for p in ['_loomchat', '_tcp', 'local']) + b'\\x00' + struct.pack('>HH', 12, 1)",
                "s.sendto(q, ('224.0.0.251', 5353))",
                "s.settimeout(0.5)",
                "end = time.time() + 4",
                "seen = set()",
                "while time.time() < end:",
                "    try:",
                "        data, (src, port) = s.recvfrom(9000)",
                "        seen.add(src)",
                "    except socket.timeout:",
                "        pass",
                "print('\\n'.join(sorted(seen)))");
        NetnsLan.Result r = lan.runIn(i, Duration.ofSeconds(20), List.of(), "python3", "-c", script);
        assertEquals(0, r.status(), r.output());
        return r.output();
    }

    @Test
    void avahiSeesTheServerAndTheClientFindsAServicePublishedWithAvahi() throws Exception {
        lan = new NetnsLan(3);
        // Avahi in machine 3, with a D-Bus system bus of its own (the host's, if any, is left alone).
        Path bus = dir.resolve("bus");
        lan.start(3, dir.resolve("dbus.log"), List.of(), "dbus-daemon", "--config-file=/usr/share/dbus-1/system.conf",
                "--address=unix:path=" + bus, "--nofork", "--nopidfile");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(bus));
        Path conf = dir.resolve("avahi.conf");
        Files.writeString(conf, "[server]\nuse-ipv4=yes\nuse-ipv6=no\nallow-interfaces=eth0\n[publish]\npublish-hinfo=no\n"
                + "publish-workstation=no\n");
        List<String> env = List.of("DBUS_SYSTEM_BUS_ADDRESS=unix:path=" + bus);
        Path avahiLog = dir.resolve("avahi.log");
        lan.start(3, avahiLog, env, "avahi-daemon", "-f", conf.toString(), "--no-drop-root", "--no-chroot", "--no-rlimits");
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(avahiLog).contains("Server startup complete"));

        server(1, "alpha");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            NetnsLan.Result browse = lan.runIn(3, Duration.ofSeconds(5), env, "avahi-browse", "-rp", "_loomchat._tcp");
            String resolved = browse.output().lines().filter(l -> l.startsWith("=") && l.contains(";alpha;")).findFirst().orElse("");
            assertTrue(resolved.contains(";" + NetnsLan.address(1) + ";12345;"), browse.output());
            assertTrue(resolved.contains("\"proto=1\"") && resolved.contains("\"tls=0\"") && resolved.contains("\"password=0\"")
                    && resolved.contains("\"web=8080\""), resolved);
        });

        lan.start(3, dir.resolve("publish.log"), env, "avahi-publish-service", "gamma", "_loomchat._tcp", "12400",
                "proto=1", "tls=1", "password=1");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            NetnsLan.Result list = cli(2, "--list-servers");
            String gamma = list.output().lines().filter(l -> l.startsWith("gamma")).findFirst().orElse("");
            assertTrue(gamma.contains(NetnsLan.address(3) + ":12400") && gamma.contains("tls") && gamma.contains("password"),
                    list.output());
        });
    }
}
