package io.loomchat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.server.ChatServer;
import io.loomchat.server.config.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An IRC client nobody here wrote (Debian's python3-irc library) and the Loomchat terminal client hold a
 * scripted conversation through the server's IRC front door; each side's transcript is checked.
 */
class IrcLibraryTest {

    private static final Path PYTHON = Paths.get("/usr/bin/python3");

    /** The IRC side: joins #lobby, answers carol, and leaves when told to; prints what it heard. */
    private static final String BOT = String.join("\n",
            "import sys, time, irc.client",
            "port = int(sys.argv[1])",
            "reactor = irc.client.Reactor() if hasattr(irc.client, 'Reactor') else irc.client.IRC()  # Debian 12 has 8.5",
            "conn = reactor.server().connect('127.0.0.1', port, 'pybot')",
            "done = []",
            "def welcome(c, e):",
            "    print('welcome', e.target, flush=True)",
            "    c.join('#lobby')",
            "def pubmsg(c, e):",
            "    text = e.arguments[0]",
            "    print('pubmsg', e.source.nick, e.target, text, flush=True)",
            "    if text == 'hello irc':",
            "        c.privmsg('#lobby', 'hello carol, héllo wörld')",
            "        c.action('#lobby', 'waves')",
            "        c.privmsg('carol', 'psst')",
            "    if text == 'bye pybot':",
            "        c.quit('done here')",
            "        done.append(1)",
            "def action(c, e):",
            "    print('action', e.source.nick, e.target, e.arguments[0], flush=True)",
            "def join(c, e):",
            "    print('join', e.source.nick, e.target, flush=True)",
            "conn.add_global_handler('welcome', welcome)",
            "conn.add_global_handler('pubmsg', pubmsg)",
            "conn.add_global_handler('action', action)",
            "conn.add_global_handler('join', join)",
            "end = time.time() + 40",
            "while not done and time.time() < end:",
            "    reactor.process_once(0.2)",
            "print('finished' if done else 'timed out', flush=True)",
            "sys.exit(0 if done else 1)");

    @BeforeAll
    static void python3Irc() throws Exception {
        Process probe = new ProcessBuilder(PYTHON.toString(), "-c", "import irc.client").redirectErrorStream(true).start();
        boolean present = probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
        if (!present) {
            if (Boolean.parseBoolean(System.getenv().getOrDefault("LOOMCHAT_REQUIRE_PYTHON_IRC", "false"))) {
                throw new AssertionError("LOOMCHAT_REQUIRE_PYTHON_IRC is set but python3-irc is missing (apt-get install python3-irc)");
            }
            Assumptions.abort("no python3-irc (apt-get install python3-irc)");
        }
    }

    @Test
    void anIrcLibraryAndTheTerminalClientHoldAConversation(@TempDir Path dir) throws Exception {
        try (ChatServer server = ChatServer.start(ServerConfig.defaults().toBuilder().host("127.0.0.1").port(0)
                .floodLinesPerSecond(0).build())) {
            String port = String.valueOf(server.port());
            try (CliProcess carol = CliProcess.start("--host", "127.0.0.1", "--port", port, "--nick", "carol")) {
                carol.awaitOutput("carol's join", l -> l.contains("you joined lobby"));
                Path botLog = dir.resolve("bot.log");
                Process bot = new ProcessBuilder(PYTHON.toString(), "-c", BOT, port).redirectErrorStream(true)
                        .redirectOutput(botLog.toFile()).start();
                try {
                    carol.awaitOutput("pybot's join", l -> l.contains("pybot joined lobby"));
                    carol.type("hello irc");
                    carol.awaitOutput("pybot's answer", l -> l.contains("<pybot> hello carol, héllo wörld"));
                    carol.awaitOutput("pybot's action", l -> l.contains("* pybot waves"));
                    carol.awaitOutput("pybot's private line", l -> l.contains("pybot") && l.contains("psst"));
                    carol.type("bye pybot");
                    carol.awaitOutput("pybot's quit", l -> l.contains("pybot left lobby") && l.contains("done here"));
                    assertTrue(bot.waitFor(30, TimeUnit.SECONDS), Files.readString(botLog));
                    assertEquals(0, bot.exitValue(), Files.readString(botLog));
                } finally {
                    bot.destroyForcibly();
                }
                List<String> heard = Files.readAllLines(botLog);
                assertTrue(heard.contains("welcome pybot"), heard.toString());
                assertTrue(heard.contains("join pybot #lobby"), heard.toString());
                assertTrue(heard.contains("pubmsg carol #lobby hello irc"), heard.toString());
                assertTrue(heard.contains("pubmsg carol #lobby bye pybot"), heard.toString());
                assertTrue(heard.contains("finished"), heard.toString());
            }
        }
    }
}
