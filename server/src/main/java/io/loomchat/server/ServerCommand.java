package io.loomchat.server;

import io.loomchat.server.chat.Rooms;
import io.loomchat.server.config.ClusterConfig;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.config.WebConfig;
import io.loomchat.server.connection.TlsSetup;
import io.loomchat.server.guard.Operators;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar loomchat-server.jar}: parses the options, starts the server, stops it on SIGTERM or Ctrl-C. */
@Command(name = "loomchat-server", mixinStandardHelpOptions = true, version = "loomchat-server 0.1.0",
        description = "Runs a Loomchat chat server: line-delimited JSON over TCP, one virtual thread per client.",
        sortOptions = false)
public final class ServerCommand implements Callable<Integer> {

    @Option(names = "--host", paramLabel = "ADDRESS",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, all interfaces).")
    String host = ServerConfig.DEFAULT_HOST;

    @Option(names = "--port", description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int port = ServerConfig.DEFAULT_PORT;

    @Option(names = "--name", description = "Server name announced in welcome (default: ${DEFAULT-VALUE}).")
    String name = ServerConfig.DEFAULT_SERVER_NAME;

    @Option(names = "--max-line-bytes", paramLabel = "N",
            description = "Longest accepted line in bytes; longer ones are refused (default: ${DEFAULT-VALUE}).")
    int maxLineBytes = ServerConfig.DEFAULT_MAX_LINE_BYTES;

    @Option(names = "--max-outbox-bytes", paramLabel = "N",
            description = "Unsent bytes a client may have pending before it is dropped as a slow consumer "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxOutboxBytes = ServerConfig.DEFAULT_MAX_OUTBOX_BYTES;

    @Option(names = "--write-timeout", paramLabel = "DURATION", converter = OptionTypes.DurationConverter.class,
            description = "A write blocked this long ends that client (default: 10s).")
    Duration writeTimeout = ServerConfig.DEFAULT_WRITE_TIMEOUT;

    @Option(names = "--handshake-timeout", paramLabel = "DURATION", converter = OptionTypes.DurationConverter.class,
            description = "A new connection must send a line this soon, and each further line before registration (default: 30s).")
    Duration handshakeTimeout = ServerConfig.DEFAULT_HANDSHAKE_TIMEOUT;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "Connections served at once; more get a bye 'server_full' (default: ${DEFAULT-VALUE}).")
    int maxConnections = ServerConfig.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--quiet-joins-above", paramLabel = "N",
            description = "In rooms with more members than this, joins and leaves are not announced to all "
                    + "(default: ${DEFAULT-VALUE}).")
    int quietJoinsAbove = ServerConfig.DEFAULT_QUIET_JOINS_ABOVE;

    @Option(names = "--max-connections-per-address", paramLabel = "N",
            description = "Connections from one address; more get a bye 'too_many_connections' (default: ${DEFAULT-VALUE}). "
                    + "Raise it for NAT, LANs and containers behind one bridge.")
    int maxConnectionsPerAddress = ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;

    @Option(names = "--connects-per-address-per-minute", paramLabel = "N",
            description = "New connections one address may open per minute; more get a bye 'throttled' (default: ${DEFAULT-VALUE}).")
    int connectsPerAddressPerMinute = ServerConfig.DEFAULT_CONNECTS_PER_ADDRESS_PER_MINUTE;

    @Option(names = "--limit-loopback", description = "Apply the per-address limit to loopback too (default: exempt).")
    boolean limitLoopback;

    @Option(names = "--max-rooms-per-client", paramLabel = "N",
            description = "Rooms one client may be in at once (default: ${DEFAULT-VALUE}).")
    int maxRoomsPerClient = ServerConfig.DEFAULT_MAX_ROOMS_PER_CLIENT;

    @Option(names = "--max-members-per-room", paramLabel = "N",
            description = "Members one room may have (default: ${DEFAULT-VALUE}).")
    int maxMembersPerRoom = ServerConfig.DEFAULT_MAX_MEMBERS_PER_ROOM;

    @Option(names = "--ping-interval", paramLabel = "DURATION", converter = OptionTypes.DurationConverter.class,
            description = "Ping a client silent this long (default: 90s).")
    Duration pingInterval = ServerConfig.DEFAULT_PING_INTERVAL;

    @Option(names = "--ping-timeout", paramLabel = "DURATION", converter = OptionTypes.DurationConverter.class,
            description = "Disconnect a pinged client still silent after this long (default: 60s).")
    Duration pingTimeout = ServerConfig.DEFAULT_PING_TIMEOUT;

    @Option(names = "--flood-lines-per-second", paramLabel = "RATE",
            description = "Sustained lines per second per client; 0 turns flood control off (default: ${DEFAULT-VALUE}).")
    double floodLinesPerSecond = ServerConfig.DEFAULT_FLOOD_LINES_PER_SECOND;

    @Option(names = "--flood-burst", paramLabel = "N",
            description = "Lines a client may send at once before the rate applies (default: ${DEFAULT-VALUE}).")
    int floodBurst = ServerConfig.DEFAULT_FLOOD_BURST;

    @Option(names = "--flood-disconnect-after", paramLabel = "N",
            description = "Refused lines within a minute before a flooding client is disconnected; 0 never (default: ${DEFAULT-VALUE}).")
    int floodDisconnectAfter = ServerConfig.DEFAULT_FLOOD_DISCONNECT_AFTER;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve TLS with this certificate chain (PEM); needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The certificate's private key (PEM, PKCS#8, unencrypted).")
    Path tlsKey;

    @Option(names = "--tls-keystore", paramLabel = "P12", description = "Serve TLS with this PKCS#12 keystore instead; needs --tls-keystore-password-file.")
    Path tlsKeystore;

    @Option(names = "--tls-keystore-password-file", paramLabel = "FILE",
            description = "File holding the keystore password (kept off the command line, where ps shows it).")
    Path tlsKeystorePasswordFile;

    @Option(names = "--web-port", paramLabel = "PORT|off",
            description = "Serve the web client at http://HOST:PORT/ (https with the TLS options); off turns it off (default: 8080).")
    String webPort; // null: the default port, given up with a warning if it is taken

    @Option(names = "--web-host", paramLabel = "ADDRESS", description = "Address the web client listens on (default: as --host).")
    String webHost;

    @Option(names = "--web-allowed-origins", paramLabel = "ORIGIN[,ORIGIN...]", split = ",",
            description = "The only origins whose pages may open a WebSocket here (https://chat.example.com); list the server's own too (default: its own pages, by whatever name they were opened).")
    List<String> webAllowedOrigins = new ArrayList<>();

    @Option(names = "--irc", paramLabel = "on|off",
            description = "Serve IRC clients (irssi, weechat, ...) on the chat port: a connection whose first line is "
                    + "CAP, NICK, USER or PASS speaks IRC (default: on).")
    String irc = "on";

    @Option(names = "--announce", paramLabel = "on|off",
            description = "Announce the server on the LAN with mDNS (_loomchat._tcp), so clients find it without an address; "
                    + "only when listening on a non-loopback address (default: on).")
    String announce = "on";

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics at http://HOST:PORT/metrics (default: off).")
    int metricsPort = ServerConfig.METRICS_OFF;

    @Option(names = "--max-nick-chars", paramLabel = "N",
            description = "Longest nick, 1-64 (default: ${DEFAULT-VALUE}).")
    int maxNickChars = ServerConfig.DEFAULT_MAX_NICK_CHARS;

    @Option(names = "--max-topic-chars", paramLabel = "N", description = "Longest room topic (default: ${DEFAULT-VALUE}).")
    int maxTopicChars = ServerConfig.DEFAULT_MAX_TOPIC_CHARS;

    @Option(names = "--history-size", paramLabel = "N",
            description = "Messages each room keeps for history and catch-up; 0 keeps none (default: ${DEFAULT-VALUE}).")
    int historySize = ServerConfig.DEFAULT_HISTORY_SIZE;

    @Option(names = "--history-on-join", paramLabel = "N",
            description = "Kept messages a joining client receives unless it asks otherwise (default: ${DEFAULT-VALUE}).")
    int historyOnJoin = ServerConfig.DEFAULT_HISTORY_ON_JOIN;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep every room's messages and topic in a journal here, so history survives a restart (default: memory only).")
    Path dataDir;

    @Option(names = "--nats", paramLabel = "URL[,URL...]", split = ",",
            description = "Run as one node of a cluster: rooms, history and nicks are shared through these NATS "
                    + "servers (JetStream on), e.g. nats://127.0.0.1:4222. See docs/OPERATING.md, Cluster (default: a single node).")
    List<String> natsUrls;

    @Option(names = "--node-name", paramLabel = "NAME",
            description = "This node's name in the cluster, unique among its nodes (default: the host name and the port).")
    String nodeName;

    @Option(names = "--nats-creds", paramLabel = "FILE", description = "A NATS credentials file (.creds) to connect with.")
    Path natsCreds;

    @Option(names = "--nats-token-file", paramLabel = "FILE", description = "A file holding the NATS token to connect with.")
    Path natsTokenFile;

    @Option(names = "--nats-ca", paramLabel = "FILE",
            description = "PEM certificate(s) of the CA that signed the NATS servers' certificates: TLS to NATS, "
                    + "the server's certificate checked against them and the URL's host (default: TLS only for tls:// "
                    + "URLs, checked against the system's trust).")
    Path natsCa;

    @Option(names = "--nats-replicas", paramLabel = "N",
            description = "Copies JetStream keeps of the rooms' history and the nick ledger, at most the NATS cluster's size "
                    + "(default: ${DEFAULT-VALUE}).")
    int natsReplicas = 1;

    @Option(names = "--fsync", paramLabel = "POLICY",
            description = "With --data-dir, when the journal is forced to disk: always, interval (every second) "
                    + "or never (default: interval). A server crash loses nothing with any of them; a power cut up "
                    + "to the last fsync.")
    String fsync = "interval";

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "Require this password (the file's first line) in every hello. Kept off the command line, where ps shows it.")
    Path passwordFile;

    @Option(names = "--operators-file", paramLabel = "FILE",
            description = "Operator accounts, one 'name:pbkdf2-sha256:...' line each (make one with --hash-password NAME).")
    Path operatorsFile;

    @Option(names = "--accounts-required",
            description = "Only people logged in to an account may chat; registering stays open (needs --data-dir).")
    boolean accountsRequired;

    @Option(names = "--max-devices-per-account", paramLabel = "N",
            description = "Clients one account may be connected from at once (default: ${DEFAULT-VALUE}).")
    int maxDevicesPerAccount = ServerConfig.DEFAULT_MAX_DEVICES_PER_ACCOUNT;

    @Option(names = "--account-hash-iterations", paramLabel = "N",
            description = "PBKDF2-HMAC-SHA256 rounds for account passwords (default: 600000, OWASP's count).")
    int accountHashIterations = ServerConfig.DEFAULT_ACCOUNT_HASH_ITERATIONS;

    @Option(names = "--ban-time", paramLabel = "DURATION", converter = OptionTypes.DurationConverter.class,
            description = "How long a ban or mute lasts when the operator names no time (default: 1h).")
    Duration banTime = ServerConfig.DEFAULT_SANCTION;

    @Option(names = "--history-memory", paramLabel = "SIZE", converter = OptionTypes.SizeConverter.class,
            description = "Memory all rooms' kept messages may take together, e.g. 64m or 1g; past it the oldest "
                    + "messages of the largest rooms are dropped from memory (the journal keeps them) "
                    + "(default: a quarter of the heap).")
    long historyMemory = ServerConfig.HISTORY_MEMORY_AUTO;

    @Option(names = "--outbox-memory", paramLabel = "SIZE", converter = OptionTypes.SizeConverter.class,
            description = "Memory all clients' unsent lines may take together, e.g. 256m; past it, clients that "
                    + "are behind are cut off as slow consumers (default: a quarter of the heap).")
    long outboxMemory = ServerConfig.OUTBOX_MEMORY_AUTO;

    @Option(names = "--max-open-journals", paramLabel = "N",
            description = "With --data-dir, journal files held open at once; quiet rooms' are closed anyway "
                    + "(default: ${DEFAULT-VALUE}, fewer if the descriptor limit is tight).")
    int maxOpenJournals = ServerConfig.DEFAULT_MAX_OPEN_JOURNALS;

    @Option(names = "--make-certificate", paramLabel = "DIR",
            description = "Make a self-signed TLS certificate for this machine's names and addresses in DIR, print the server and client commands that use it, and exit.")
    Path makeCertificateIn;

    @Option(names = "--hash-password", paramLabel = "NAME",
            description = "Ask for a password on the terminal (twice, without echo; without a terminal, read it from stdin), print the operators-file line for NAME, and exit.")
    String hashPasswordFor;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServerCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (hashPasswordFor != null) {
            return printOperatorLine();
        }
        if (makeCertificateIn != null) {
            try {
                SelfSignedCertificate.make(makeCertificateIn).forEach(System.out::println);
                return 0;
            } catch (IOException | GeneralSecurityException e) {
                System.err.println("loomchat-server: cannot make a certificate: " + e.getMessage());
                return 2;
            }
        }
        ServerConfig config;
        try {
            config = config();
        } catch (IOException e) {
            System.err.println("loomchat-server: cannot start: " + fileProblem(e));
            return 2;
        } catch (IllegalArgumentException e) {
            System.err.println("loomchat-server: cannot start: " + e.getMessage()); // settings that do not go together
            return 2;
        }
        return new Foreground(config, webHost != null ? webHost : host, host).run(this::tls);
    }

    private boolean onOff(String option, String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "on", "true", "yes" -> true;
            case "off", "false", "no" -> false;
            default -> throw new CommandLine.ParameterException(new CommandLine(this), option + " must be on or off, not '" + value + "'");
        };
    }

    private WebConfig web() {
        if (webPort == null) {
            return new WebConfig(webHost != null ? webHost : host,
                    WebConfig.DEFAULT_PORT, false, webAllowedOrigins);
        }
        if (webPort.strip().equalsIgnoreCase("off")) {
            return null;
        }
        int port;
        try {
            port = Integer.parseInt(webPort.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--web-port must be a port number or off, not '" + webPort + "'");
        }
        return new WebConfig(webHost != null ? webHost : host, port, true, webAllowedOrigins);
    }

    private ClusterConfig cluster() {
        if (natsUrls == null || natsUrls.isEmpty()) {
            return null;
        }
        String name = nodeName != null ? nodeName : SelfSignedCertificate.hostName().replaceAll("[^A-Za-z0-9_-]", "-") + "-" + port;
        return new ClusterConfig(natsUrls, name, natsCreds, natsTokenFile, natsCa, natsReplicas);
    }

    private ServerConfig config() throws IOException {
        return new ServerConfig.Builder()
                .host(host).port(port).serverName(name)
                .maxLineBytes(maxLineBytes).maxOutboxBytes(maxOutboxBytes)
                .writeTimeout(writeTimeout).handshakeTimeout(handshakeTimeout)
                .maxConnections(maxConnections).maxConnectionsPerAddress(maxConnectionsPerAddress)
                .limitLoopback(limitLoopback).connectsPerAddressPerMinute(connectsPerAddressPerMinute)
                .quietJoinsAbove(quietJoinsAbove)
                .maxRoomsPerClient(maxRoomsPerClient).maxMembersPerRoom(maxMembersPerRoom)
                .pingInterval(pingInterval).pingTimeout(pingTimeout)
                .floodLinesPerSecond(floodLinesPerSecond).floodBurst(floodBurst)
                .floodDisconnectAfter(floodDisconnectAfter)
                .metricsPort(metricsPort).web(web()).announce(onOff("--announce", announce)).irc(onOff("--irc", irc))
                .maxNickChars(maxNickChars).maxTopicChars(maxTopicChars)
                .historySize(historySize).historyOnJoin(historyOnJoin)
                .dataDir(dataDir).fsync(fsyncPolicy()).cluster(cluster())
                .password(serverPassword()).operatorsFile(operatorsFile).defaultSanction(banTime)
                .historyMemoryBytes(historyMemory).outboxMemoryBytes(outboxMemory).maxOpenJournals(maxOpenJournals)
                .accountsRequired(accountsRequired).accountHashIterations(accountHashIterations)
                .maxDevicesPerAccount(maxDevicesPerAccount)
                .build();
    }

    /** A file the options name cannot be used: which, and why, in one line. */
    static String fileProblem(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file: " + e.getMessage();
        }
        if (e instanceof AccessDeniedException) {
            return "cannot read " + e.getMessage() + " (permission denied)";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private String serverPassword() throws IOException {
        if (passwordFile == null) {
            return null;
        }
        String password = Files.readAllLines(passwordFile).stream().findFirst().orElse("").strip();
        if (password.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(this), passwordFile + " holds no password on its first line");
        }
        return password;
    }

    private int printOperatorLine() throws IOException {
        if (hashPasswordFor.isBlank() || hashPasswordFor.contains(":")) {
            throw new CommandLine.ParameterException(new CommandLine(this), "an operator name without ':'");
        }
        String password = PasswordPrompt.ask("password for operator " + hashPasswordFor);
        if (password == null) {
            System.err.println("loomchat-server: the two passwords differ; nothing written");
            return 1;
        }
        if (password.isEmpty()) {
            System.err.println("loomchat-server: no password given");
            return 1;
        }
        System.out.println(Operators.line(hashPasswordFor, password));
        return 0;
    }

    private ServerConfig.Fsync fsyncPolicy() {
        try {
            return ServerConfig.Fsync.valueOf(fsync.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--fsync must be always, interval or never, not '" + fsync + "'");
        }
    }

    private SSLContext tls() throws IOException, GeneralSecurityException {
        CommandLine cmd = new CommandLine(this);
        if (tlsCert != null || tlsKey != null) {
            if (tlsCert == null || tlsKey == null || tlsKeystore != null) {
                throw new CommandLine.ParameterException(cmd, "--tls-cert and --tls-key go together, without --tls-keystore");
            }
            return TlsSetup.fromPem(tlsCert, tlsKey);
        }
        if (tlsKeystore != null) {
            if (tlsKeystorePasswordFile == null) {
                throw new CommandLine.ParameterException(cmd, "--tls-keystore needs --tls-keystore-password-file");
            }
            return TlsSetup.fromKeystore(tlsKeystore, tlsKeystorePasswordFile);
        }
        return null;
    }
}
