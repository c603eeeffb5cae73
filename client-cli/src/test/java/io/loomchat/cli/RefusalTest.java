package io.loomchat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.loomchat.server.ChatServer;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.TestCertificates;
import io.loomchat.server.TestClient;
import io.loomchat.server.connection.TlsSetup;
import io.loomchat.server.guard.Operators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that refuses this client for good (a ban, a wrong server password): the client ends after one
 * connection with exit status 5 and the server's reason said once, instead of reconnecting again and again.
 * The connections are counted by a relay in front of the server. And a TLS port spoken to without --tls.
 */
class RefusalTest {

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

    private CuttableProxy relay() throws Exception {
        CuttableProxy proxy = new CuttableProxy(server.port());
        opened.add(proxy);
        return proxy;
    }

    private CliProcess cli(CuttableProxy proxy, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", String.valueOf(proxy.port())));
        all.addAll(List.of(args));
        CliProcess p = CliProcess.start(all.toArray(String[]::new));
        opened.add(p);
        return p;
    }

    private static long count(String text, String part) {
        return text.lines().filter(l -> l.contains(part)).count();
    }

    @Test
    void aWrongServerPasswordEndsTheClientAfterOneConnection() throws Exception {
        server = ChatServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0).toBuilder().password("s3cret").build());
        CuttableProxy proxy = relay();
        Path password = Files.writeString(dir.resolve("password"), "guess\n");
        CliProcess client = cli(proxy, "--nick", "eve", "--password-file", password.toString(), "--say", "hello");
        assertEquals(ChatCommand.EXIT_REFUSED, client.awaitExit(), client.stderr());
        assertEquals(1, count(client.stderr(), "loomchat: refused by the server: "), client.stderr());
        assertEquals(1, proxy.accepted(), "one connection, no retry");
    }

    @Test
    void aPlainClientAtATlsPortIsToldToAddTls() throws Exception {
        TestCertificates certs = TestCertificates.create(dir, "dns:localhost,ip:127.0.0.1");
        server = ChatServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0), java.time.Clock.systemUTC(),
                TlsSetup.fromPem(certs.certPem(), certs.keyPem()));
        CuttableProxy proxy = relay();
        CliProcess client = cli(proxy, "--nick", "plain", "--say", "hello");
        assertEquals(1, client.awaitExit(), client.stderr());
        assertEquals("loomchat: this server speaks TLS: add --tls", client.stderr().strip());
        assertEquals(1, proxy.accepted());
    }

    @Test
    void aBanWhileConnectedEndsTheClientWithoutReconnecting() throws Exception {
        Path operators = Files.writeString(dir.resolve("operators"), Operators.line("root", "correct horse") + "\n");
        server = ChatServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0).toBuilder().operatorsFile(operators).build());
        TestClient op = TestClient.register(server.port(), "op");
        opened.add(op);
        op.send("{\"type\":\"oper\",\"name\":\"root\",\"password\":\"correct horse\",\"ref\":\"o\"}");
        op.awaitMatching("the operator login", n -> "o".equals(n.path("ref").asText()));
        CuttableProxy proxy = relay();
        CliProcess troll = cli(proxy, "--nick", "troll", "--say", "spam", "--await-messages", "5", "--timeout", "60");
        op.awaitMatching("troll's line", n -> "troll".equals(n.path("from").asText()));

        op.send("{\"type\":\"ban\",\"nick\":\"troll\",\"reason\":\"enough\",\"ref\":\"b\"}");
        assertEquals(ChatCommand.EXIT_REFUSED, troll.awaitExit(), troll.stderr());
        assertEquals(1, count(troll.stderr(), "loomchat: refused by the server: "), troll.stderr());
        assertEquals(1, proxy.accepted(), "one connection, no reconnect to be refused again");
    }

    @Test
    void tooManyWrongOperLoginsEndAPipedClientWithStatus5AndNoReconnect() throws Exception {
        Path operators = Files.writeString(dir.resolve("operators"), Operators.line("root", "right") + "\n");
        server = ChatServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0).toBuilder().operatorsFile(operators).build());
        CuttableProxy proxy = relay();
        CliProcess carol = cli(proxy, "--nick", "carol");
        for (String password : List.of("a", "b", "c", "right")) {
            carol.type("/oper root " + password);
        }
        carol.closeStdin();
        assertEquals(ChatCommand.EXIT_REFUSED, carol.awaitExit(), carol.stderr());
        assertEquals(1, count(carol.stderr() + String.join("\n", carol.allOutput()), "too many failed operator logins"),
                carol.stderr() + carol.allOutput());
        assertEquals(0, count(carol.stderr(), "did not acknowledge"), carol.stderr());
        assertEquals(1, proxy.accepted(), "no reconnect with three fresh tries");
    }

    @Test
    void aSelfSignedCertificateWithoutTrustIsExplainedOnceWithoutRetries() throws Exception {
        TestCertificates certs = TestCertificates.create(dir, "dns:localhost,ip:127.0.0.1");
        server = ChatServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0), java.time.Clock.systemUTC(),
                TlsSetup.fromPem(certs.certPem(), certs.keyPem()));
        CuttableProxy proxy = relay();
        CliProcess client = cli(proxy, "--tls", "--nick", "x", "--say", "hello");
        assertEquals(1, client.awaitExit(), client.stderr());
        assertEquals("loomchat: the server's certificate is not trusted: add --trust CERT.pem (the file the server's "
                + "--make-certificate made) or use a certificate from a CA", client.stderr().strip());
        assertEquals(1, proxy.accepted());
    }

    @Test
    void aTlsClientAtAPlainServerIsToldToDropTls() throws Exception {
        server = ChatServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0));
        CuttableProxy proxy = relay();
        CliProcess client = cli(proxy, "--tls", "--nick", "x", "--say", "hello");
        assertEquals(1, client.awaitExit(), client.stderr());
        assertEquals("loomchat: this server does not speak TLS: drop --tls", client.stderr().strip());
        assertEquals(1, proxy.accepted());
    }
}
