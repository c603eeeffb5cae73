package io.loomchat.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.sun.net.httpserver.HttpServer;
import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Input;
import io.loomchat.protocol.NickColors;
import io.loomchat.server.ChatServer;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.TestClient;
import io.loomchat.server.config.WebConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web client in a real browser (Debian's chromium, driven by Playwright) against a real server, with
 * terminal-protocol clients in the same rooms.
 */
class BrowserIT {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static Playwright playwright;
    private static Browser browser;

    private final List<AutoCloseable> opened = new ArrayList<>();
    private ChatServer server;

    @BeforeAll
    static void browser() {
        boolean required = Boolean.parseBoolean(System.getenv().getOrDefault("LOOMCHAT_REQUIRE_BROWSER", "false"));
        if (!Files.isExecutable(CHROMIUM)) {
            if (required) {
                throw new AssertionError("LOOMCHAT_REQUIRE_BROWSER is set but " + CHROMIUM + " is missing (apt-get install chromium)");
            }
            Assumptions.abort("no " + CHROMIUM + ": the browser tests need Debian's chromium");
        }
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-background-networking", "--disable-component-update")));
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static ServerConfig.Builder config(int port, int webPort) {
        return ServerConfig.defaults().toBuilder().host("127.0.0.1").port(port).floodLinesPerSecond(0)
                .web(new WebConfig("127.0.0.1", webPort, true, List.of()));
    }

    private String url() {
        return "http://127.0.0.1:" + server.webPort() + "/";
    }

    private ChatPage page(int width, int height) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(width, height));
        opened.add(context);
        return new ChatPage(context.newPage());
    }

    private ChatPage page() {
        return page(1280, 800);
    }

    private TestClient tcp(String nick) throws IOException {
        TestClient client = TestClient.register(server.port(), nick);
        opened.add(client);
        return client;
    }

    @Test
    void twoBrowsersAndATerminalClientSeeTheSameLinesWithTheSameIds() throws Exception {
        server = ChatServer.start(config(0, 0).build());
        ChatPage alice = page().login(url(), "alice");
        ChatPage bob = page().login(url(), "bob");
        TestClient carol = tcp("carol");
        alice.waitFor("() => [...document.querySelectorAll('#member-list li')].map(l => l.textContent).join(',') === 'alice,bob,carol'");
        alice.type("hello from alice");
        bob.awaitLine("lobby", "hello from alice");
        bob.type("hello from bob");
        carol.say("hello from carol");
        for (ChatPage p : List.of(alice, bob)) {
            p.awaitLine("lobby", "hello from bob");
            p.awaitLine("lobby", "hello from carol");
        }
        List<String> seenByCarol = new ArrayList<>();
        while (seenByCarol.size() < 3) {
            JsonNode m = carol.await("message");
            seenByCarol.add(m.get("id").asText() + " " + m.get("text").asText());
        }
        assertEquals(seenByCarol, alice.lines("lobby"));
        assertEquals(seenByCarol, bob.lines("lobby"));

        // Unread counts move when a line arrives in a room the page is not looking at.
        alice.type("/join dev");
        alice.waitFor("() => document.getElementById('title').textContent === '#dev'");
        alice.type("/join lobby"); // already in it: switches to it
        alice.waitFor("() => document.getElementById('title').textContent === '#lobby'");
        carol.send("{\"type\":\"join\",\"room\":\"dev\"}");
        carol.say("news in dev", "dev");
        alice.waitFor("() => document.querySelector('li[data-view=\"room:dev\"] .badge')?.textContent === '1'");
        carol.say("alice: look", "dev");
        alice.waitFor("() => document.querySelector('li[data-view=\"room:dev\"] .badge')?.textContent === '2'");
        assertEquals("2!", alice.badge("room:dev"), "a mention marks the badge");
        alice.page.click("li[data-view=\"room:dev\"]");
        alice.waitFor("() => !document.querySelector('li[data-view=\"room:dev\"] .badge')");

        // A private message opens its conversation, with its badge, and shows there.
        carol.send("{\"type\":\"msg\",\"to\":\"alice\",\"text\":\"psst\"}");
        alice.waitFor("() => document.querySelector('li[data-view=\"pm:carol\"] .badge')?.textContent === '1'");
        alice.page.click("li[data-view=\"pm:carol\"]");
        alice.waitFor("() => [...document.querySelectorAll('.lines[data-view=\"pm:carol\"] .text')].some(t => t.textContent === 'psst')");
        alice.type("hi carol");
        JsonNode reply = carol.awaitMatching("alice's answer", n -> "private".equals(n.path("type").asText())
                && "alice".equals(n.path("from").asText()));
        assertEquals("hi carol", reply.get("text").asText());
        assertEquals("alice", reply.get("from").asText());

        // The nick colors are the terminal client's.
        String color = (String) alice.page.evaluate("() => getComputedStyle(document.querySelector('.lines[data-view=\"pm:carol\"] .nick')).color");
        assertEquals(xtermRgb(NickColors.of("carol", NickColors.COLORS_256)), color);
    }

    @Test
    void markupInNicksTopicsAndMessagesIsShownAsTextAndNeverRuns() throws Exception {
        server = ChatServer.start(config(0, 0).build());
        ChatPage page = page().login(url(), "alice");
        TestClient mallory = tcp("mallory");
        String img = "<img src=x onerror=alert(1)>";
        String script = "</script><script>alert(2)</script>";
        mallory.send("{\"type\":\"topic\",\"text\":" + json(img) + "}");
        mallory.say(img);
        mallory.say(script);
        page.awaitLine("lobby", script);
        page.awaitLine("lobby", img);
        page.waitFor("t => document.getElementById('topic').textContent === t", img);
        assertEquals(0, ((Number) page.page.evaluate("() => document.querySelectorAll('#chat img, #chat script').length")).intValue());
        // A nick of markup is refused by the server; the refusal is shown as text too.
        ChatPage other = page();
        other.page.navigate(url());
        other.page.evaluate("() => document.getElementById('login-nick').removeAttribute('pattern')");
        other.page.fill("#login-nick", img);
        other.page.click("#login-form button[type=submit]");
        other.waitFor("() => document.getElementById('login-problem').textContent.length > 0");
        assertEquals(0, ((Number) other.page.evaluate("() => document.querySelectorAll('img:not([src=\"icon.svg\"])').length")).intValue());
        assertEquals(List.of(), page.dialogs);
        assertEquals(List.of(), other.dialogs);
    }

    @Test
    void aServerRestartedWithItsDataDirIsRejoinedAndThePageShowsExactlyWhatItMissed(@TempDir Path data) throws Exception {
        int port = freePort();
        int webPort = freePort();
        ServerConfig config = config(port, webPort).dataDir(data).build();
        server = ChatServer.start(config);
        ChatPage page = page();
        // The page's WebSockets pass through a gate: closed, it turns them away, as a network that is down would.
        AtomicBoolean gateOpen = new AtomicBoolean(true);
        page.page.routeWebSocket("**/ws", ws -> {
            if (gateOpen.get()) {
                ws.connectToServer();
            } else {
                ws.close();
            }
        });
        page.login(url(), "alice");
        TestClient bob = tcp("bob");
        bob.say("before 1");
        bob.say("before 2");
        page.awaitLine("lobby", "before 2");

        gateOpen.set(false);
        server.close();
        page.waitFor("() => document.getElementById('status').textContent.startsWith('reconnecting')");
        server = ChatServer.start(config);
        bob = tcp("bob");
        for (int i = 1; i <= 3; i++) {
            bob.say("missed " + i);
        }
        gateOpen.set(true);
        page.waitFor("() => document.getElementById('status').textContent === 'online'");
        page.awaitLine("lobby", "missed 3");
        bob.say("after");
        page.awaitLine("lobby", "after");
        List<String> texts = page.lines("lobby").stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList();
        assertEquals(List.of("before 1", "before 2", "missed 1", "missed 2", "missed 3", "after"), texts);
        List<Long> ids = page.lines("lobby").stream().map(l -> Long.parseLong(l.substring(0, l.indexOf(' ')))).toList();
        for (int i = 1; i < ids.size(); i++) {
            assertEquals(ids.get(i - 1) + 1, ids.get(i), "ids in order, none twice: " + ids);
        }
    }

    @Test
    void aPageFromAnotherSiteCannotOpenAWebSocket() throws Exception {
        server = ChatServer.start(config(0, 0).build());
        HttpServer evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        evil.createContext("/", exchange -> {
            byte[] body = "<!doctype html><title>elsewhere</title>".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        evil.start();
        opened.add(() -> evil.stop(0));
        ChatPage page = page();
        page.page.navigate("http://127.0.0.1:" + evil.getAddress().getPort() + "/");
        Object outcome = page.page.evaluate("url => new Promise(done => { const ws = new WebSocket(url);"
                + " ws.onopen = () => done('open'); ws.onclose = e => done('closed ' + e.code); })",
                "ws://127.0.0.1:" + server.webPort() + "/ws");
        assertEquals("closed 1006", outcome, "the upgrade was refused before any message");
        assertEquals(0, server.connectionCount());
    }

    /**
     * One account in a browser and on a terminal connection at once: a line from either shows on the other,
     * reading in the browser moves the marker on the terminal connection, and with every device gone the
     * account stays; back in the browser, the lines since the marker and the private message that waited.
     */
    @Test
    void anAccountInTheBrowserAndOnATerminalConnectionIsOnePersonAndComesBackToWhatItMissed(@TempDir Path data)
            throws Exception {
        server = ChatServer.start(config(0, 0).dataDir(data)
                .accountHashIterations(ServerConfig.MIN_ACCOUNT_HASH_ITERATIONS).build());
        ChatPage browser = page().loginToAccount(url(), "alice", "correct horse", true);
        browser.waitFor("() => document.getElementById('log').textContent.includes('logged in as alice')");
        TestClient terminal = TestClient.connect(server.port());
        opened.add(terminal);
        terminal.send("{\"type\":\"hello\",\"nick\":\"alice\",\"account\":\"alice\",\"account_password\":\"correct horse\"}");
        assertEquals("alice", terminal.await("welcome").get("account").asText());

        terminal.say("from the terminal");
        browser.awaitLine("lobby", "from the terminal");
        browser.type("from the browser");
        terminal.awaitMatching("the browser's line", n -> "from the browser".equals(n.path("text").asText()));

        TestClient bob = tcp("bob");
        bob.say("news for alice");
        long news = bob.awaitMatching("ack", n -> "news for alice".equals(n.path("text").asText())).get("id").asLong();
        browser.awaitLine("lobby", "news for alice"); // seen in the visible page, at its newest line
        JsonNode read = terminal.awaitMatching("the marker from the browser",
                n -> "read".equals(n.path("type").asText()) && n.path("id").asLong() == news);
        assertEquals(0, read.get("unread").asLong());

        browser.page.context().close(); // every device gone: the account stays, offline
        terminal.send("{\"type\":\"quit\"}");
        terminal.awaitClose();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        for (int i = 0; ; i++) { // until the browser's connection is gone too (it closes on its own time)
            bob.send("{\"type\":\"who\",\"ref\":\"w" + i + "\"}");
            String ref = "w" + i;
            JsonNode who = bob.awaitMatching("who", n -> ref.equals(n.path("ref").asText()));
            if ("offline".equals(who.path("away").path("alice").asText())) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "alice still online: " + who);
            Thread.onSpinWait();
        }
        bob.say("while you were away");
        bob.send("{\"type\":\"msg\",\"to\":\"alice\",\"text\":\"call me\",\"ref\":\"pm\"}");
        bob.awaitMatching("accepted", n -> "pm".equals(n.path("ref").asText()));

        ChatPage back = page().loginToAccount(url(), "alice", "correct horse", false);
        back.awaitLine("lobby", "while you were away");
        back.waitFor("() => [...document.querySelectorAll('.lines[data-view=\"pm:bob\"] .text')].some(t => t.textContent === 'call me')");
        assertTrue(back.lines("lobby").stream().noneMatch(l -> l.endsWith(" news for alice")),
                "only what came after the marker: " + back.lines("lobby"));
    }

    @Test
    void theSlashCommandsParseAsInTheTerminalClient() throws Exception {
        server = ChatServer.start(config(0, 0).build());
        ChatPage page = page();
        page.page.navigate(url());
        List<String> lines = List.of("hello", "  spaced  ", "//slash", "/me waves", "/me", "/join #Dev", "/j", "/leave",
                "/part dev", "/msg bob hi there", "/msg bob", "/m  bob   x", "/query bob text", "/nick new", "/nick two words",
                "/who", "/who dev ann", "/names", "/rooms", "/list b", "/topic", "/topic new topic", "/away", "/away lunch",
                "/back", "/history", "/history 5", "/history x", "/history 0", "/ping", "/oper op secret", "/oper op",
                "/kick bob", "/kick bob bye now", "/ban bob", "/ban bob 2h", "/ban bob +address 1d spam", "/ban 10.0.0.1 30m",
                "/ban ::1", "/ban bob because", "/unban bob", "/unban 10.0.0.1", "/mute bob", "/mute bob 5m", "/mute bob x",
                "/unmute bob", "/quit", "/quit gone home", "/exit", "/help", "/?", "/nope", "/ join", "/JOIN Lobby", "   ",
                "/msg\tbob\ttab", "text\r\n", "/register", "/register pass word", "/login alice", "/login alice pass word",
                "/identify alice pw", "/password", "/password old new one", "/password old pw\tnew pw", "/dropaccount",
                "/dropaccount bob now");
        for (String line : lines) {
            @SuppressWarnings("unchecked")
            Map<String, Object> js = (Map<String, Object>) page.page.evaluate(
                    "line => { const a = LoomInput.parse(line, 'lobby', 'r1'); return a.send ? {send: JSON.stringify(a.send)} : a; }", line);
            Input.Action java = Input.parse(line, "lobby", "r1");
            switch (java) {
                case Input.Send send -> assertEquals(send.request(), Codec.decodeRequest((String) js.get("send")), line);
                case Input.Problem problem -> assertEquals(problem.message(), js.get("problem"), line);
                case Input.ShowHelp help -> assertEquals(Boolean.TRUE, js.get("help"), line);
                case Input.Nothing nothing -> assertEquals(Boolean.TRUE, js.get("nothing"), line);
            }
        }
        @SuppressWarnings("unchecked")
        List<List<String>> commands = (List<List<String>>) page.page.evaluate("() => LoomInput.COMMANDS");
        assertEquals(Input.COMMANDS.stream().map(c -> List.of(c.usage(), c.summary())).toList(), commands);
    }

    @Test
    void scrollingUpPagesBackDeepLinksOpenARoomAndTheNickIsRemembered() throws Exception {
        server = ChatServer.start(config(0, 0).build());
        TestClient bob = tcp("bob");
        bob.send("{\"type\":\"join\",\"room\":\"dev\"}");
        for (int i = 0; i < 70; i++) {
            bob.say("line " + i, "dev");
        }
        bob.awaitMatching("the last ack", n -> "line 69".equals(n.path("text").asText()));
        // Twenty lines fill more than this window: older ones come when the person scrolls up.
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1000, 400)
                .setColorScheme(com.microsoft.playwright.options.ColorScheme.DARK));
        opened.add(context);
        ChatPage page = new ChatPage(context.newPage()).login(url() + "#dev", "alice");
        page.waitFor("() => document.getElementById('title').textContent === '#dev'");
        page.awaitLine("dev", "line 69");
        assertEquals(20, page.lines("dev").size(), "the default history on joining");
        // Scrolling to the top asks for older lines, a page at a time, until there are none.
        for (int shown = 20; shown < 70; ) {
            page.page.evaluate("() => { const log = document.getElementById('log'); log.scrollTop = 0; log.dispatchEvent(new Event('scroll')); }");
            int before = shown;
            page.waitFor("n => document.querySelectorAll('.lines[data-view=\"room:dev\"] .line[data-id]').length > n", before);
            shown = page.lines("dev").size();
        }
        List<String> texts = page.lines("dev").stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList();
        assertEquals(java.util.stream.IntStream.range(0, 70).mapToObj(i -> "line " + i).toList(), texts);
        // In a window taller than what a room holds, older lines come without scrolling (there is no scrollbar).
        page.page.setViewportSize(1000, 3000);
        bob.send("{\"type\":\"join\",\"room\":\"tall\"}");
        for (int i = 0; i < 40; i++) {
            bob.say("tall " + i, "tall");
        }
        bob.awaitMatching("the last ack", n -> "tall 39".equals(n.path("text").asText()));
        page.type("/join tall");
        page.waitFor("() => document.querySelectorAll('.lines[data-view=\"room:tall\"] .line[data-id]').length === 40");
        // Dark mode follows the system setting.
        String background = (String) page.page.evaluate("() => getComputedStyle(document.body).backgroundColor");
        assertEquals("rgb(21, 24, 30)", background);
        // A new tab of the same browser offers the nick used last.
        Page again = context.newPage();
        again.navigate(url());
        assertEquals("alice", again.inputValue("#login-nick"));
    }

    @Test
    void aMentionInAnotherRoomRaisesANotificationOnceAllowed() throws Exception {
        server = ChatServer.start(config(0, 0).build());
        BrowserContext context = browser.newContext();
        opened.add(context);
        context.grantPermissions(List.of("notifications"));
        // Records what the page shows as notifications (the browser's own would go to the desktop).
        context.addInitScript("window.__shown = []; window.Notification = class { static permission = 'granted';"
                + " static requestPermission() { return Promise.resolve('granted'); }"
                + " constructor(title, options) { window.__shown.push(title + ': ' + options.body); } };");
        ChatPage page = new ChatPage(context.newPage()).login(url(), "alice");
        TestClient bob = tcp("bob");
        bob.send("{\"type\":\"join\",\"room\":\"dev\"}");
        page.type("/join dev");
        page.waitFor("() => document.getElementById('title').textContent === '#dev'");
        page.type("/join lobby");
        page.waitFor("() => document.getElementById('title').textContent === '#lobby'");
        bob.say("nobody in particular", "dev");
        bob.say("alice, the build broke", "dev");
        page.waitFor("() => window.__shown.length > 0");
        assertEquals(List.of("bob in #dev: alice, the build broke"), page.page.evaluate("() => window.__shown"));
    }

    @Test
    void phoneAndDesktopLayouts() throws Exception {
        server = ChatServer.start(config(0, 0).build());
        TestClient bob = tcp("bob");
        bob.send("{\"type\":\"topic\",\"text\":\"Release week: builds freeze Friday\"}");
        bob.say("the build is green");
        ChatPage phone = page(360, 740).login(url(), "alice");
        phone.type("/me checks the dashboard");
        phone.awaitLine("lobby", "checks the dashboard");
        bob.say("alice: can you look at the flaky test?");
        phone.awaitLine("lobby", "alice: can you look at the flaky test?");
        assertTrue(((Number) phone.page.evaluate("() => document.scrollingElement.scrollWidth")).intValue() <= 360, "no sideways scrolling");
        assertTrue((Boolean) phone.page.evaluate("() => getComputedStyle(document.getElementById('rooms')).display === 'none'"));
        assertTrue(phone.page.isVisible("#line"));
        screenshot(phone, "web-phone.png");
        phone.page.click("#toggle-rooms");
        assertTrue(phone.page.isVisible("#room-list"));

        ChatPage desktop = page(1280, 800).login(url(), "carol");
        desktop.awaitLine("lobby", "alice: can you look at the flaky test?");
        desktop.type("/join release");
        desktop.waitFor("() => document.getElementById('title').textContent === '#release'");
        desktop.type("/join lobby");
        assertTrue(desktop.page.isVisible("#room-list") && desktop.page.isVisible("#member-list"));
        screenshot(desktop, "web-desktop.png");
    }

    /** Into target/, or, with -Dloomchat.update-screenshots=true, into docs/ for the README. */
    private static void screenshot(ChatPage page, String name) throws IOException {
        Path root = Paths.get(System.getProperty("loomchat.root", "..")).toAbsolutePath().normalize();
        Path dir = Boolean.getBoolean("loomchat.update-screenshots") ? root.resolve("docs") : root.resolve("it/target/screenshots");
        Files.createDirectories(dir);
        page.page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve(name)));
    }

    private static String xtermRgb(int color) {
        int[] levels = {0, 95, 135, 175, 215, 255};
        int n = color - 16;
        return "rgb(" + levels[n / 36] + ", " + levels[(n / 6) % 6] + ", " + levels[n % 6] + ")";
    }

    private static String json(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
