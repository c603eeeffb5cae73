package io.loomchat.cli;

import io.loomchat.cli.chat.ChatState;
import io.loomchat.cli.connection.Backoff;
import io.loomchat.cli.connection.Connector;
import io.loomchat.cli.connection.LanBrowser;
import io.loomchat.cli.connection.ServerList;
import io.loomchat.cli.connection.TlsConnect;
import io.loomchat.cli.screen.PlainScreen;
import io.loomchat.cli.screen.Screen;
import io.loomchat.cli.screen.TerminalScreen;
import io.loomchat.protocol.Event.Bye;
import io.loomchat.protocol.Names;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code java -jar loomchat-cli.jar}: the terminal client. */
@Command(name = "loomchat-cli", mixinStandardHelpOptions = true, version = "loomchat-cli 0.1.0",
        description = {"Chats on a Loomchat server. Type to talk; /help lists the commands.",
                "With stdin piped, sends each line, waits for the server to acknowledge the last one, and exits."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:quit normally", "1:bad option or cannot connect",
                "2:connection to the server lost for good, or a script's lines left unacknowledged",
                "3:could not register (nick refused)", "4:an --await-members or --await-messages wait timed out",
                "5:refused by the server: banned, a wrong or missing server password, or too many failed /oper logins "
                        + "(no reconnecting)"},
        exitCodeOnInvalidInput = 1, // README and the list above: 1 is a bad option (picocli's default is 2)
        sortOptions = false)
public final class ChatCommand implements Callable<Integer> {

    static final int EXIT_LOST = 2;
    static final int EXIT_NOT_REGISTERED = 3;
    static final int EXIT_WAIT_TIMED_OUT = 4;
    /** The server refused us for good: banned, or a wrong or missing server password. Reconnecting cannot help. */
    static final int EXIT_REFUSED = 5;
    /** How long a script's last lines may wait for the server's acknowledgement before the client quits anyway. */
    static final Duration REPLY_WAIT = Duration.ofSeconds(10);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    @Option(names = "--host", paramLabel = "HOST[:PORT][,...]",
            description = "Server host name or address; several, comma-separated, for the nodes of a cluster: the client "
                    + "uses any that answers and moves to another when its node goes (default: localhost, or, when "
                    + "nothing answers there, the server announced on the LAN).")
    String host; // null: not given, so this machine's server or one found on the LAN

    @Option(names = "--server", paramLabel = "NAME",
            description = "Connect to the server announced on the LAN under this name (see --list-servers).")
    String serverName;

    @Option(names = "--list-servers", description = "List the Loomchat servers announced on the LAN and exit "
            + "(what ./loomchat servers runs).")
    boolean listServers;

    @Option(names = "--port", description = "Server port (default: ${DEFAULT-VALUE}).")
    int port = 12345;

    @Option(names = "--nick", description = "Your nick (default: your user name).")
    String nick;

    @Option(names = "--room", description = "Room to join first (default: the server's, usually lobby).")
    String room;

    @Option(names = "--tls", description = "Connect with TLS, verifying the server's certificate and host name.")
    boolean tls;

    @Option(names = "--trust", paramLabel = "PEM",
            description = "With --tls: trust the certificates in this PEM file instead of the system's trust store.")
    Path trust;

    @Option(names = "--history", paramLabel = "N",
            description = "Show the first room's last N messages on joining; 0 for none (default: the server's, usually 20).")
    Integer history;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Send the server password on this file's first line (kept off the command line, where ps shows it).")
    Path passwordFile;

    @Option(names = "--reconnect-attempts", paramLabel = "N",
            description = "When the connection drops, try this many times to reconnect, waiting longer each time "
                    + "(0.25 s doubling up to 15 s, with jitter); 0 never reconnects (default: ${DEFAULT-VALUE}).")
    int reconnectAttempts = Backoff.DEFAULT_ATTEMPTS;

    @Option(names = "--json", description = "Print the raw protocol lines the server sends (for scripts).")
    boolean json;

    @Option(names = "--plain", description = "Plain line output even on a terminal (no line editor).")
    boolean plain;

    @Option(names = "--say", paramLabel = "LINE",
            description = "Send this line (text or /command) instead of reading stdin; repeatable. For bots and containers.")
    List<String> say = new ArrayList<>();

    @Option(names = "--await-members", paramLabel = "N",
            description = "Before sending, wait until the room has N members (you included).")
    int awaitMembers;

    @Option(names = "--await-messages", paramLabel = "N",
            description = "After sending, wait until N messages from others have arrived, then quit.")
    int awaitMessages;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "How long each --await-* wait may take (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 60;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Settings file: host, port, nick, rooms (comma list), tls, trust, password-file; options given here win "
                    + "(default: ~/.config/loomchat/client.properties, if there).")
    Path config;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private List<String> moreRooms = List.of(); // from the settings file: joined after the first

    public static void main(String[] args) {
        System.exit(new CommandLine(new ChatCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        try {
            applyConfig();
        } catch (IOException | IllegalArgumentException e) {
            err.println("loomchat: " + ClientExit.unreadable(config, e));
            return 1;
        }
        if (listServers) {
            return listServers(System.out, err);
        }
        if (host == null || serverName != null) {
            String found = findServer(err);
            if (found == null) {
                return 1;
            }
            host = found;
        }
        String wanted = nick != null ? nick : defaultNick();
        String problem = Names.nickProblem(wanted, Names.NICK_CHARS_CEILING); // the server knows its own limit
        if (problem != null) {
            err.println("loomchat: invalid nick '" + wanted + "': " + problem);
            return 1;
        }
        ServerList servers;
        try {
            servers = ServerList.parse(host, port);
        } catch (IllegalArgumentException e) {
            err.println("loomchat: " + e.getMessage());
            return 1;
        }
        Connector connector = () -> servers.connect((server, address) -> {
            Socket plain = new Socket();
            try {
                plain.connect(new InetSocketAddress(address, server.port()), (int) CONNECT_TIMEOUT.toMillis());
            } catch (IOException e) {
                plain.close();
                throw e;
            }
            plain.setTcpNoDelay(true);
            if (!tls && trust == null) {
                return plain;
            }
            try {
                return TlsConnect.wrap(plain, server.host(), server.port(), trust);
            } catch (IOException | java.security.GeneralSecurityException e) {
                plain.close();
                if (e instanceof TlsConnect.Mistake mistake) {
                    throw mistake; // already says what to do; and no reconnect attempt can do better
                }
                throw new TlsFailure("TLS with " + server + " failed: " + e.getMessage(), e);
            }
        });
        boolean interactive = !json && !plain && say.isEmpty() && awaitMembers == 0 && awaitMessages == 0
                && stdinIsTerminal();
        ChatClient[] holder = new ChatClient[1];
        Screen screen = interactive ? new TerminalScreen(() -> holder[0].read(ChatState::knownNicks), c -> holder[0].keyCommand(c)) : new PlainScreen(System.out);
        ChatClient client = new ChatClient(connector, screen, json, ZoneId.systemDefault(), Backoff.standard(reconnectAttempts));
        holder[0] = client;
        ClientExit ending = new ClientExit(screen, err, servers.toString());
        if (history != null) {
            client.askHistoryOnJoin(Math.max(0, history));
        }
        if (passwordFile != null) {
            try {
                client.usePassword(java.nio.file.Files.readAllLines(passwordFile).stream().findFirst().orElse("").strip());
            } catch (IOException e) {
                screen.close();
                err.println("loomchat: " + ClientExit.unreadable(passwordFile, e));
                return 1;
            }
        }
        if (!interactive) {
            client.keepOrder();
        }
        if (interactive) {
            client.seedMembersForCompletion();
            client.showRoomsInWindows();
        }
        try {
            client.start(wanted, room, () -> {
                if (!client.read(ChatState::isQuitting)) {
                    ending.endedForGood(client);
                }
            });
        } catch (TlsFailure | TlsConnect.Mistake e) {
            screen.close();
            err.println("loomchat: " + e.getMessage());
            return 1;
        } catch (UnknownHostException e) {
            screen.close();
            err.println("loomchat: unknown host " + host);
            return 1;
        } catch (IOException e) {
            screen.close();
            err.println("loomchat: cannot connect to " + servers + ": " + e.getMessage());
            return 1;
        }
        try {
            return interactive ? interactive((TerminalScreen) screen, client) : scripted(client, err, ending);
        } catch (WaitTimedOut e) {
            if (client.isEnded()) { // the wait ended because the connection did: that is what to report
                ending.endedForGood(client);
            }
            ending.ifHopeless(client);
            err.println("loomchat: " + e.getMessage());
            client.quit(Duration.ofSeconds(5));
            return EXIT_WAIT_TIMED_OUT;
        } finally {
            screen.close();
        }
    }

    /** A person at a terminal: a nick refusal is shown and they may pick another with /nick. */
    private int interactive(TerminalScreen screen, ChatClient client) throws Exception {
        if (client.awaitRegistration(Duration.ofSeconds(3))) { // so that the first prompt already names the room
            joinMoreRooms(client);
        }
        for (String line; (line = screen.readLine()) != null; ) {
            if (!client.submit(line)) {
                break;
            }
        }
        client.quit(Duration.ofSeconds(3));
        return 0;
    }

    /**
     * Lines from --say, or from a pipe or file: each is sent; then wait for their replies (and for
     * messages from others, if asked), then quit.
     */
    private int scripted(ChatClient client, PrintStream err, ClientExit ending) throws Exception {
        if (!client.awaitRegistration(REPLY_WAIT)) {
            String why = client.read(ChatState::registrationError);
            Bye bye = client.read(ChatState::bye);
            client.abandon();
            ending.ifHopeless(client);
            ending.exit("could not register: " + (why != null ? why : bye != null ? bye.reason()
                    : "no answer from the server"), EXIT_NOT_REGISTERED);
            return EXIT_NOT_REGISTERED;
        }
        joinMoreRooms(client);
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        if (awaitMembers > 0 && !client.awaitMembers(awaitMembers, timeout)) {
            throw new WaitTimedOut("fewer than " + awaitMembers + " members in the room after " + timeoutSeconds + "s");
        }
        boolean more = true;
        ScriptPacer pacer = new ScriptPacer();
        if (!say.isEmpty()) {
            for (int i = 0; more && i < say.size(); i++) {
                pacer.awaitTurn();
                more = client.submit(say.get(i));
            }
        } else {
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; more && (line = stdin.readLine()) != null; ) {
                pacer.awaitTurn();
                more = client.submit(line);
            }
        }
        if (!client.awaitReplies(REPLY_WAIT)) {
            if (client.isEnded()) {
                ending.endedForGood(client);
            }
            // A script must not pass for done when the server may not have taken its lines.
            ending.ifHopeless(client);
            err.println("loomchat: the server did not acknowledge every line within " + REPLY_WAIT.toSeconds() + "s");
            client.quit(Duration.ofSeconds(5));
            return EXIT_LOST;
        }
        if (more && awaitMessages > 0 && !client.awaitMessagesFromOthers(awaitMessages, timeout)) {
            throw new WaitTimedOut("fewer than " + awaitMessages + " messages from others after " + timeoutSeconds + "s");
        }
        ending.ifHopeless(client);
        client.quit(Duration.ofSeconds(5));
        return 0;
    }

    /** Takes each setting of the settings file that no option on the command line gave. */
    private void applyConfig() throws IOException {
        Path file = config != null ? config : ClientConfig.defaultPath(System.getenv(), System.getProperty("user.home"));
        if (config == null && !java.nio.file.Files.isRegularFile(file)) {
            return; // no settings file: fine, the options and their defaults say it all
        }
        ClientConfig settings = ClientConfig.read(file);
        CommandLine.ParseResult given = spec.commandLine().getParseResult();
        host = settings.host() != null && !given.hasMatchedOption("--host") ? settings.host() : host;
        port = settings.port() != null && !given.hasMatchedOption("--port") ? settings.port() : port;
        nick = settings.nick() != null && !given.hasMatchedOption("--nick") ? settings.nick() : nick;
        tls = settings.tls() != null && !given.hasMatchedOption("--tls") ? settings.tls() : tls;
        trust = settings.trust() != null && !given.hasMatchedOption("--trust") ? settings.trust() : trust;
        passwordFile = settings.passwordFile() != null && !given.hasMatchedOption("--password-file")
                ? settings.passwordFile() : passwordFile;
        if (!settings.rooms().isEmpty() && !given.hasMatchedOption("--room")) {
            room = settings.rooms().getFirst();
            moreRooms = settings.rooms().subList(1, settings.rooms().size());
        }
    }

    /**
     * The settings file's other rooms, joined behind the first, which stays current: nothing is redrawn, so
     * the welcome and the first room's history stay on the screen, and no window is switched to and back.
     */
    private void joinMoreRooms(ChatClient client) throws IOException {
        for (String other : moreRooms) {
            client.joinBehind(other);
        }
    }

    /** The TLS handshake failed: not a network problem, and worth saying so. */
    private static final class TlsFailure extends IOException {
        TlsFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A scripted wait that ran out of time. */
    private static final class WaitTimedOut extends Exception {
        WaitTimedOut(String message) {
            super(message, null, false, false);
        }
    }

    /** How long the LAN is listened to for servers' answers. */
    static final Duration BROWSE = Duration.ofMillis(2_500);

    /** Prints the servers announced on the LAN; 0 if there is one or more, 1 if none. */
    private static int listServers(PrintStream out, PrintStream err) {
        List<LanBrowser.Found> found = LanBrowser.browse(BROWSE);
        if (found.isEmpty()) {
            err.println("loomchat: no Loomchat server announced itself on this LAN (mDNS, _loomchat._tcp)");
            return 1;
        }
        found.forEach(f -> out.println(f.describe()));
        return 0;
    }

    /**
     * No address given: the server on this machine if one answers, else the one announced on the LAN (or
     * the one named by --server); several: asks, on a terminal, or lists them. Returns host:port, or null
     * after saying why there is none. A server announced with TLS is connected to with TLS, verified as
     * always (against the address connected to): a name heard on the LAN is never trusted by itself.
     */
    private String findServer(PrintStream err) {
        if (serverName == null && answers("localhost", port)) {
            return "localhost";
        }
        List<LanBrowser.Found> found = LanBrowser.browse(BROWSE);
        if (serverName != null) {
            found = found.stream().filter(f -> f.name().equalsIgnoreCase(serverName)).toList();
        }
        if (found.isEmpty()) {
            err.println("loomchat: " + (serverName != null ? "no server named '" + serverName + "' announced itself on this LAN"
                    : "no server on localhost:" + port + ", and none announced itself on this LAN; give its address with --host"));
            return null;
        }
        LanBrowser.Found pick = found.size() == 1 ? found.getFirst() : choose(found, err);
        if (pick == null) {
            return null;
        }
        err.println("loomchat: found '" + pick.name() + "' at " + pick.hostPort() + " on the LAN"
                + (pick.tls() ? " (TLS)" : "") + (pick.password() && passwordFile == null ? "; it needs a password (--password-file)" : ""));
        if (pick.tls()) {
            tls = true;
        }
        return pick.hostPort();
    }

    /** Several servers: a person at a terminal picks one by number; anyone else is told how to. */
    private static LanBrowser.Found choose(List<LanBrowser.Found> found, PrintStream err) {
        Console console = System.console();
        if (console == null || !stdinIsTerminal()) {
            err.println("loomchat: several servers on this LAN; choose one with --server NAME (or --host):");
            found.forEach(f -> err.println("    " + f.describe()));
            return null;
        }
        for (int i = 0; i < found.size(); i++) {
            err.println(String.format("%3d  %s", i + 1, found.get(i).describe()));
        }
        String answer = console.readLine("Which server (1-%d)? ", found.size());
        try {
            int n = Integer.parseInt(answer == null ? "" : answer.strip());
            if (n >= 1 && n <= found.size()) {
                return found.get(n - 1);
            }
        } catch (NumberFormatException e) {
            // said below
        }
        err.println("loomchat: no server chosen");
        return null;
    }

    /** Whether something accepts connections at host:port right away. */
    private static boolean answers(String host, int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean stdinIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // JDK 22+ returns a Console even when redirected; isTerminal() then tells the truth.
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a Console exists only on a terminal
        }
    }

    private static String defaultNick() {
        String user = System.getProperty("user.name", "");
        String cleaned = user.replaceAll("[^A-Za-z0-9_-]", "");
        if (cleaned.length() > Names.MAX_NICK_CHARS) { // the default limit: fits every server
            cleaned = cleaned.substring(0, Names.MAX_NICK_CHARS);
        }
        return Names.nickProblem(cleaned) == null ? cleaned : "guest" + (System.nanoTime() % 10_000);
    }
}
