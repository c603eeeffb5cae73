package io.loomchat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.server.ChatServer;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.TestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real IRC clients, Debian's irssi and weechat, in a real terminal (tmux), with only the commands the
 * README gives: they connect, see the room's recent history and topic, and exchange lines and a /me with a
 * protocol client in the same room.
 */
class IrcClientsTerminalTest {

    private ChatServer server;
    private TmuxTerminal terminal;
    private TestClient bob;

    @TempDir
    Path home;

    @BeforeAll
    static void clients() {
        boolean present = TmuxTerminal.available() && Files.isExecutable(Paths.get("/usr/bin/irssi"))
                && Files.isExecutable(Paths.get("/usr/bin/weechat"));
        if (!present) {
            if (Boolean.parseBoolean(System.getenv("LOOMCHAT_REQUIRE_IRC_CLIENTS"))) {
                throw new AssertionError("LOOMCHAT_REQUIRE_IRC_CLIENTS is set but tmux, irssi or weechat is missing");
            }
            Assumptions.abort("tmux, irssi and weechat are needed (apt-get install tmux irssi weechat-curses)");
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (terminal != null) {
            terminal.close();
        }
        if (bob != null) {
            bob.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** A server whose lobby has a topic and three lines said before the IRC user comes. */
    private void startWithHistory() throws Exception {
        server = ChatServer.start(ServerConfig.defaults().toBuilder().host("127.0.0.1").port(0).floodLinesPerSecond(0).build());
        bob = TestClient.register(server.port(), "bob");
        bob.send("{\"type\":\"topic\",\"text\":\"builds freeze on friday\"}");
        for (int i = 1; i <= 3; i++) {
            bob.say("earlier " + i);
        }
        bob.awaitMatching("the last ack", n -> "earlier 3".equals(n.path("text").asText()));
    }

    private void awaitScreen(String what, String text) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertTrue(String.join("\n", terminal.screen()).contains(text), what + ": " + String.join("\n", terminal.screen())));
    }

    private void enter(String line) throws Exception {
        terminal.type(line);
        terminal.pressEnter();
    }

    /** The rest of the conversation, the same for both clients, once the client is in #lobby. */
    private void converse(String nick) throws Exception {
        awaitScreen("the history replayed on joining", "earlier 3");
        awaitScreen("the topic", "builds freeze on friday");
        bob.say("hello " + nick);
        awaitScreen("bob's line", "hello " + nick);
        enter("hi bob, " + nick + " here");
        JsonNode line = bob.awaitMatching(nick + "'s line", n -> "message".equals(n.path("type").asText()) && nick.equals(n.path("from").asText()));
        assertEquals("hi bob, " + nick + " here", line.get("text").asText());
        enter("/me waves");
        JsonNode action = bob.awaitMatching(nick + "'s action", n -> "waves".equals(n.path("text").asText()));
        assertTrue(action.path("action").asBoolean());
        bob.send("{\"type\":\"say\",\"text\":\"nods\",\"action\":true}");
        awaitScreen("bob's action", "bob nods");
    }

    @Test
    void irssiChatsWithTheCommandsInTheReadme() throws Exception {
        startWithHistory();
        // irssi takes lines typed within paste_detect_time as a paste, and may ask before sending one: a busy
        // machine lets tmux deliver two typed lines in one read. The test's own configuration turns it off.
        Files.writeString(home.resolve("config"), "settings = { \"fe-text\" = { paste_detect_time = \"0\"; }; };\n");
        terminal = new TmuxTerminal(120, 30, List.of("irssi", "--home=" + home, "-n", "ircalice"));
        awaitScreen("irssi started", "Irssi");
        enter("/network add loomchat");
        enter("/server add -network loomchat 127.0.0.1 " + server.port());
        enter("/connect loomchat");
        awaitScreen("the welcome", "Welcome to loomchat, ircalice");
        enter("/window goto #lobby");
        awaitScreen("the lobby's window", "has joined #lobby");
        converse("ircalice");
        enter("/quit done");
        bob.awaitMatching("the quit", n -> "left".equals(n.path("type").asText()) && "ircalice".equals(n.path("nick").asText()));
    }

    @Test
    void weechatChatsWithTheCommandsInTheReadme() throws Exception {
        startWithHistory();
        // weechat asks "Paste N lines?" when several typed lines arrive in one read, which tmux does on a busy
        // machine: the test's weechat never asks (paste_max_lines -1), set before anything is typed.
        terminal = new TmuxTerminal(120, 30, List.of("weechat", "--dir", home.toString(),
                "--run-command", "/set weechat.look.paste_max_lines -1"));
        awaitScreen("weechat started", "WeeChat");
        enter("/server add loomchat 127.0.0.1/" + server.port() + " -notls");
        enter("/set irc.server.loomchat.nicks ircwee");
        enter("/connect loomchat");
        awaitScreen("the channel", "#lobby");
        enter("/buffer #lobby");
        converse("ircwee");
        enter("/quit");
        bob.awaitMatching("the quit", n -> "left".equals(n.path("type").asText()) && "ircwee".equals(n.path("nick").asText()));
    }

    /** A server keeping accounts, where {@code account} is registered (and has left: it waits, offline). */
    private void startWithAccount(String account, String password) throws Exception {
        server = ChatServer.start(ServerConfig.defaults().toBuilder().host("127.0.0.1").port(0).floodLinesPerSecond(0)
                .dataDir(Files.createDirectories(home.resolve("data")))
                .accountHashIterations(ServerConfig.MIN_ACCOUNT_HASH_ITERATIONS).build());
        try (TestClient owner = TestClient.register(server.port(), account)) {
            owner.send("{\"type\":\"register\",\"password\":\"" + password + "\"}");
            owner.await("account");
        }
        bob = TestClient.register(server.port(), "bob");
    }

    @Test
    void irssiLogsInWithSaslAsTheUserGuideSays() throws Exception {
        startWithAccount("irssisasl", "correct-horse-battery");
        Files.writeString(home.resolve("config"), "settings = { \"fe-text\" = { paste_detect_time = \"0\"; }; };\n");
        terminal = new TmuxTerminal(120, 30, List.of("irssi", "--home=" + home, "-n", "irssisasl"));
        awaitScreen("irssi started", "Irssi");
        enter("/network add -sasl_mechanism PLAIN -sasl_username irssisasl -sasl_password correct-horse-battery loomchat");
        enter("/server add -network loomchat 127.0.0.1 " + server.port());
        enter("/connect loomchat");
        awaitScreen("the SASL login", "You are now logged in as irssisasl");
        enter("/msg bob from the account"); // the nick is reserved: only a login could take it
        JsonNode line = bob.awaitMatching("the account's line", n -> "private".equals(n.path("type").asText()));
        assertEquals("irssisasl", line.get("from").asText());
        enter("/quit");
    }

    @Test
    void weechatLogsInWithSaslAsTheUserGuideSays() throws Exception {
        startWithAccount("weesasl", "correct-horse-battery");
        terminal = new TmuxTerminal(120, 30, List.of("weechat", "--dir", home.toString(),
                "--run-command", "/set weechat.look.paste_max_lines -1"));
        awaitScreen("weechat started", "WeeChat");
        enter("/server add loomchat 127.0.0.1/" + server.port() + " -notls");
        enter("/set irc.server.loomchat.nicks weesasl");
        enter("/set irc.server.loomchat.sasl_mechanism plain");
        enter("/set irc.server.loomchat.sasl_username weesasl");
        enter("/set irc.server.loomchat.sasl_password correct-horse-battery");
        enter("/connect loomchat");
        awaitScreen("the channel", "#lobby");
        enter("/buffer 1");
        awaitScreen("the SASL login, in the server's buffer", "SASL authentication successful");
        enter("/msg bob from the account"); // the nick is reserved: only a login could take it
        JsonNode line = bob.awaitMatching("the account's line", n -> "private".equals(n.path("type").asText()));
        assertEquals("weesasl", line.get("from").asText());
        enter("/quit");
    }
}
