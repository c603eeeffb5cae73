package io.loomchat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.server.ChatServer;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.TestClient;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings file: what it holds, its mistakes, where it is looked for, and a client that runs from it alone. */
class ClientConfigTest {

    @TempDir
    Path dir;

    private static ClientConfig parse(String text) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return ClientConfig.parse(p, "client.properties");
    }

    @Test
    void everySettingIsReadAndEachIsOptional() throws Exception {
        assertEquals(new ClientConfig("chat.example.org", 6697, "alice", List.of("lobby", "release"), true, Path.of("/tmp/cert.pem"),
                        Path.of("/tmp/pw")),
                parse("host = chat.example.org\nport=6697\nnick=alice\nrooms= lobby, release ,\ntls=true\ntrust=/tmp/cert.pem\n"
                        + "password-file=/tmp/pw\n"));
        assertEquals(ClientConfig.NONE, parse("# nothing set\nhost=\n"));
    }

    @Test
    void mistakesNameTheFileAndTheSetting() {
        assertEquals("client.properties: port=twelve is not a port (1-65535)",
                assertThrows(IllegalArgumentException.class, () -> parse("port=twelve")).getMessage());
        assertEquals("client.properties: tls=yes must be true or false",
                assertThrows(IllegalArgumentException.class, () -> parse("tls=yes")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> parse("room=lobby")).getMessage()
                .startsWith("client.properties: unknown setting 'room'"));
    }

    @Test
    void theFileIsUnderXdgConfigHomeElseDotConfig() {
        assertEquals(Path.of("/x/loomchat/client.properties"), ClientConfig.defaultPath(Map.of("XDG_CONFIG_HOME", "/x"), "/home/a"));
        assertEquals(Path.of("/home/a/.config/loomchat/client.properties"), ClientConfig.defaultPath(Map.of(), "/home/a"));
    }

    @Test
    void aClientStartedWithTheFileAloneConnectsAsItSaysAndOptionsWin() throws Exception {
        try (ChatServer server = ChatServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0));
             TestClient watcher = TestClient.register(server.port(), "watcher")) {
            watcher.send("{\"type\":\"join\",\"room\":\"release\",\"ref\":\"j\"}");
            watcher.awaitMatching("watcher in release", n -> "j".equals(n.path("ref").asText()));
            Path file = Files.writeString(dir.resolve("client.properties"),
                    "host=127.0.0.1\nport=" + server.port() + "\nnick=fromfile\nrooms=lobby,release\n");
            try (CliProcess cli = CliProcess.start("--config", file.toString(), "--nick", "fromoption", "--say", "first room again")) {
                assertEquals(0, cli.awaitExit(), cli.stderr());
            }
            assertEquals("lobby", watcher.awaitMatching("the client joining", n -> "joined".equals(n.path("type").asText()))
                    .path("room").asText(), "the file's first room with the hello");
            assertEquals("fromoption", watcher.awaitMatching("the client joining release",
                    n -> "joined".equals(n.path("type").asText()) && "release".equals(n.path("room").asText()))
                    .path("nick").asText(), "the file's second room is joined; the nick on the command line wins");
            assertEquals("lobby", watcher.awaitMatching("its line", n -> "message".equals(n.path("type").asText()))
                    .path("room").asText(), "then the first room is current again");
        }
    }

    @Test
    void aPasswordFileInTheSettingsLetsTheClientAloneIntoAPasswordServer() throws Exception {
        try (ChatServer server = ChatServer.start(ServerConfig.defaults().withAddress("127.0.0.1", 0).toBuilder()
                .password("s3cret").build())) {
            Path password = Files.writeString(dir.resolve("password"), "s3cret\n");
            Path file = Files.writeString(dir.resolve("client.properties"),
                    "host=127.0.0.1\nport=" + server.port() + "\nnick=carol\npassword-file=" + password + "\n");
            try (CliProcess cli = CliProcess.start("--config", file.toString(), "--say", "let in")) {
                assertEquals(0, cli.awaitExit(), cli.stderr());
                assertTrue(cli.allOutput().stream().anyMatch(l -> l.endsWith("<carol> let in")), cli.allOutput().toString());
            }
        }
    }

    @Test
    void aMissingSettingsFileIsSaidSo() throws Exception {
        Path missing = dir.resolve("x.properties");
        try (CliProcess cli = CliProcess.start("--config", missing.toString())) {
            assertEquals(1, cli.awaitExit());
            assertEquals("loomchat: no such file: " + missing, cli.stderr().strip());
        }
    }
}
