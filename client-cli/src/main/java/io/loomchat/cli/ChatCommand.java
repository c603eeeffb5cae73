package io.loomchat.cli;

import io.loomchat.cli.chat.ChatState;
import io.loomchat.cli.connection.Backoff;
import io.loomchat.cli.connection.Connector;
import io.loomchat.cli.connection.Dialer;
import io.loomchat.cli.connection.Discovery;
import io.loomchat.cli.connection.Fingerprint;
import io.loomchat.cli.connection.KnownServers;
import io.loomchat.cli.connection.LanTrust;
import io.loomchat.cli.connection.ServerList;
import io.loomchat.cli.connection.TlsConnect;
import io.loomchat.cli.screen.PlainScreen;
import io.loomchat.cli.screen.Screen;
import io.loomchat.cli.screen.TerminalScreen;
import io.loomchat.protocol.Event.Bye;
import io.loomchat.protocol.Names;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code java -jar loomchat-cli.jar}: the terminal client. */
@Command(name = "loomchat-cli", mixinStandardHelpOptions = true, version = "loomchat-cli 0.1.0",
        description = {"Chats on a Loomchat server. Type to talk; /help lists the commands.",
                "With stdin piped, sends each line, waits for the server to acknowledge the last one, and exits."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:quit normally", "1:bad option, cannot connect, or a server found on the LAN not trusted (said why)",
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

    @Option(names = "--known-servers", paramLabel = "FILE",
            description = "Where the LAN servers used by name are remembered, with their TLS certificates' fingerprints, "
                    + "as ssh's known_hosts (default: ~/.config/loomchat/known_servers, under $XDG_CONFIG_HOME when set).")
    Path knownServers;

    @Option(names = "--forget-server", paramLabel = "NAME",
            description = "Forget what is remembered of the LAN server of this name (after a legitimate change: TLS turned "
                    + "off, a new certificate) and exit.")
    String forgetServer;

    @Option(names = "--password-in-clear", paramLabel = "NAME",
            description = "Let the server password go in clear text, without TLS, to the LAN server of this name; repeatable. "
                    + "Otherwise a server found on the LAN gets it only over TLS that was verified.")
    List<String> passwordInClear = new ArrayList<>();

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

    @Option(names = "--fingerprint", paramLabel = "SHA256",
            description = "Accept only the server whose TLS certificate has this SHA-256 fingerprint (AB:CD:..., as the server "
                    + "prints it at start), whatever names it holds; implies --tls. A LAN server checked so is remembered.")
    String fingerprint;

    @Option(names = "--history", paramLabel = "N",
            description = "Show the first room's last N messages on joining; 0 for none (default: the server's, usually 20).")
    Integer history;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Send the server password on this file's first line (kept off the command line, where ps shows it).")
    Path passwordFile;

    @Mixin
    Secrets secrets = new Secrets();

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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

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
            return Discovery.list(System.out, err);
        }
        Path knownFile = knownServers != null ? knownServers
                : ClientConfig.directory(System.getenv(), System.getProperty("user.home")).resolve("known_servers");
        if (forgetServer != null) {
            return forget(knownFile, err);
        }
        Fingerprint pin = null;
        if (fingerprint != null) {
            try {
                pin = Fingerprint.parse(fingerprint);
            } catch (IllegalArgumentException e) {
                err.println("loomchat: --fingerprint: " + e.getMessage());
                return 1;
            }
        }
        String wanted = nick != null ? nick : defaultNick();
        String problem = Names.nickProblem(wanted, Names.NICK_CHARS_CEILING); // the server knows its own limit
        if (problem != null) {
            err.println("loomchat: invalid nick '" + wanted + "': " + problem);
            return 1;
        }
        boolean sendPassword = true;
        if (host == null || serverName != null) {
            LanTrust.Wishes wishes = new LanTrust.Wishes(pin, tls || trust != null, passwordFile != null, Set.copyOf(passwordInClear),
                    TerminalPerson.stdinIsTerminal());
            Discovery.Destination found = new Discovery(err, new TerminalPerson(), wishes, knownFile, trust).find(serverName, port);
            if (found == null) {
                return 1;
            }
            host = found.hostPort();
            pin = found.pin() != null ? found.pin() : pin;
            sendPassword = found.sendPassword();
        }
        ServerList servers;
        try {
            servers = ServerList.parse(host, port);
        } catch (IllegalArgumentException e) {
            err.println("loomchat: " + e.getMessage());
            return 1;
        }
        // Decided once: every reconnect is made the same way, never less protected than the first connection.
        Dialer dialer = pin != null ? Dialer.pinned(pin) : tls || trust != null ? Dialer.verified(trust) : Dialer.plain();
        Connector connector = () -> servers.connect(dialer);
        boolean interactive = !json && !plain && say.isEmpty() && awaitMembers == 0 && awaitMessages == 0
                && TerminalPerson.stdinIsTerminal();
        ChatClient[] holder = new ChatClient[1];
        Screen screen = interactive ? new TerminalScreen(() -> holder[0].read(ChatState::knownNicks), c -> holder[0].keyCommand(c)) : new PlainScreen(System.out);
        ChatClient client = new ChatClient(connector, screen, json, ZoneId.systemDefault(), Backoff.standard(reconnectAttempts));
        holder[0] = client;
        ClientExit ending = new ClientExit(screen, err, servers.toString());
        if (history != null) {
            client.askHistoryOnJoin(Math.max(0, history));
        }
        String secretsProblem = secrets.apply(client, passwordFile, sendPassword, interactive ? (TerminalScreen) screen : null);
        if (secretsProblem != null) { // what the server may not get is not even read
            screen.close();
            err.println("loomchat: " + secretsProblem);
            return 1;
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
        } catch (Dialer.TlsFailure | TlsConnect.Mistake e) {
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
            if ((line = AccountPrompts.complete(line, screen)) != null && !client.submit(line)) {
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
        if (config == null && !Files.isRegularFile(file)) {
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

    /** A scripted wait that ran out of time. */
    private static final class WaitTimedOut extends Exception {
        WaitTimedOut(String message) {
            super(message, null, false, false);
        }
    }

    /** --forget-server NAME: the entry goes, so that the server's new certificate (or its lack of TLS) is taken afresh. */
    private int forget(Path knownFile, PrintStream err) {
        try {
            KnownServers known = KnownServers.read(knownFile);
            String was = known.find(forgetServer).map(KnownServers.Known::how).orElse(null);
            if (!known.forget(forgetServer)) {
                err.println("loomchat: '" + forgetServer + "' is not in " + knownFile);
                return 1;
            }
            err.println("loomchat: forgot '" + forgetServer + "' (" + was + ") from " + knownFile);
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            err.println("loomchat: " + (e instanceof IOException ? "cannot change " + knownFile + ": " + e.getMessage() : e.getMessage()));
            return 1;
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
