package io.loomchat.server;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.server.account.AccountBook;
import io.loomchat.server.account.Accounts;
import io.loomchat.server.account.AlwaysOn;
import io.loomchat.server.chat.ChatContext;
import io.loomchat.server.chat.Commands;
import io.loomchat.server.chat.Elsewhere;
import io.loomchat.server.chat.Nicknames;
import io.loomchat.server.chat.Resumptions;
import io.loomchat.server.chat.Rooms;
import io.loomchat.server.cluster.ClusterNode;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.connection.Acceptor;
import io.loomchat.server.connection.Admission;
import io.loomchat.server.connection.ConnectionContext;
import io.loomchat.server.connection.DescriptorBudget;
import io.loomchat.server.connection.Dialect;
import io.loomchat.server.connection.Doorway;
import io.loomchat.server.connection.Greeter;
import io.loomchat.server.connection.Session;
import io.loomchat.server.connection.Sessions;
import io.loomchat.server.connection.Watchdog;
import io.loomchat.server.delivery.CloseReason;
import io.loomchat.server.delivery.DeliveryBatch;
import io.loomchat.server.delivery.OutboxBudget;
import io.loomchat.server.delivery.PresenceFlush;
import io.loomchat.server.delivery.Ticker;
import io.loomchat.server.guard.Moderation;
import io.loomchat.server.guard.Operators;
import io.loomchat.server.guard.SlowChecks;
import io.loomchat.server.guard.RefusalLog;
import io.loomchat.server.history.HistoryBudget;
import io.loomchat.server.history.JournalDirectory;
import io.loomchat.server.irc.IrcDoor;
import io.loomchat.server.lan.Announcer;
import io.loomchat.server.ops.Metrics;
import io.loomchat.server.ops.MetricsEndpoint;
import io.loomchat.server.web.WebFront;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds the layers bottom up (history, delivery budgets, the chat, the connections,
 * then the doors: the chat port, the web port, the cluster, the LAN announcement), starts them, and stops
 * them in order. It holds no state of its own beyond what it built, and no other class uses it.
 */
public final class ChatServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChatServer.class);
    /** How long shutdown waits for one more connection in the backlog. */
    private static final int BACKLOG_DRAIN_MILLIS = 20;

    private final ServerConfig config;
    private final Ticker ticker;
    private final ServerSocket listener;
    private final ClusterNode cluster; // null on a single node
    private final JournalDirectory journal; // null without --data-dir
    private final Accounts accounts;
    private final DescriptorBudget descriptors;
    private final HistoryBudget historyBudget;
    private final OutboxBudget outboxBudget;
    private final Metrics metrics = new Metrics(CloseReason.codes());
    private final PresenceFlush presenceFlush = new PresenceFlush();
    private final Greeter greeter = new Greeter();
    private final RefusalLog refusals; // refused connections, logged a line per address and minute
    private final ChatContext chat;
    private final Sessions sessions;
    private final Watchdog watchdog;
    private final Acceptor acceptor;
    private MetricsEndpoint metricsEndpoint;
    private WebFront web; // null when the web client is off
    private Announcer announcer; // null unless announced on the LAN
    private volatile boolean stopping;

    private ChatServer(ServerConfig config, Clock clock, Ticker ticker, SSLContext tls) throws IOException {
        this.config = config;
        this.ticker = ticker;
        if (config.web() != null && config.web().portChosen()) {
            WebFront.checkPort(config.web()); // a chosen web port that is taken stops the start before anything else
        }
        // First of all: a node that cannot reach its cluster says so before it listens.
        this.cluster = config.cluster() == null ? null : ClusterNode.connect(config.cluster(), config.historySize());
        this.descriptors = DescriptorBudget.of(DescriptorBudget.processLimit(), DescriptorBudget.processOpen(), config.maxConnections(),
                config.maxConnections() != ServerConfig.DEFAULT_MAX_CONNECTIONS, config.maxOpenJournals(),
                config.dataDir() != null, config.web() != null);
        if (descriptors.connections() < config.maxConnections()) {
            LOG.info("max-connections is {} to fit the descriptor limit of {} (ulimit -n)", descriptors.connections(),
                    descriptors.limit());
        }
        this.historyBudget = new HistoryBudget(config.historyMemoryBudget());
        this.outboxBudget = new OutboxBudget(config.outboxMemoryBudget());
        this.journal = config.dataDir() == null ? null : JournalDirectory.open(config.dataDir(), config.fsync(),
                descriptors.journals(), config.historySize(), ticker::nanoTime);
        this.refusals = new RefusalLog(LoggerFactory.getLogger(Admission.class)::warn, clock);
        Sessions[] connected = new Sessions[1]; // the chat's view of everyone connected, filled in below
        Elsewhere elsewhere = cluster == null ? Elsewhere.NOWHERE : cluster.elsewhere();
        SlowChecks slowChecks = new SlowChecks();
        this.accounts = cluster != null ? Accounts.off("accounts are not shared between cluster nodes yet: this server "
                + "runs with --nats", config, clock, slowChecks)
                : config.dataDir() == null ? Accounts.off("this server keeps no accounts: they live on disk, and it "
                + "runs without --data-dir", config, clock, slowChecks)
                : Accounts.kept(AccountBook.open(config.dataDir(), clock), AlwaysOn.open(config.dataDir()), config, clock,
                slowChecks);
        this.chat = new ChatContext(config, clock, cluster == null ? new Nicknames() : new Nicknames(cluster.ledger()),
                new Rooms(clock, config, journal, historyBudget, elsewhere),
                new Moderation(clock),
                config.operatorsFile() == null ? Operators.none() : Operators.load(config.operatorsFile()),
                accounts, slowChecks, historyEpoch(),
                () -> connected[0].clients(), elsewhere,
                cluster == null ? null : cluster.lines(clock));
        byte[] greeting = Codec.encode(new Event.Notice(greetingText(config), null));
        // IRC, when it is on, is the one dialect besides JSON and text: offered on the chat port itself.
        List<Dialect.Opener> dialects = config.irc() ? List.of(new IrcDoor(chat)) : List.of();
        ConnectionContext connections = new ConnectionContext(config, clock, ticker, metrics, outboxBudget, presenceFlush,
                greeter, greeting, chat, dialects);
        this.sessions = new Sessions(connections, descriptors.connections(), refusals,
                new RefusalLog(LoggerFactory.getLogger(Session.class)::info, clock));
        connected[0] = sessions;
        int restored = Commands.restoreAccounts(chat, new DeliveryBatch(presenceFlush));
        if (restored > 0) {
            LOG.info("{} account(s) back in their rooms", restored);
        }
        this.listener = listen(tls);
        this.watchdog = new Watchdog(sessions, config, ticker);
        this.acceptor = new Acceptor(listener, config.host() + ":" + listener.getLocalPort(), sessions::admit);
    }

    /**
     * Without a journal, ids restart with the server: a fresh epoch tells clients not to trust old ones. In a
     * cluster, ids are the stream's: every node names the same history, for as long as the stream lives.
     */
    private String historyEpoch() {
        return cluster != null ? cluster.epoch() : journal == null ? UUID.randomUUID().toString() : journal.epoch();
    }

    private ServerSocket listen(SSLContext tls) throws IOException {
        ServerSocket socket = tls == null ? new ServerSocket() : tlsListener(tls);
        socket.setReuseAddress(true);
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()), 1024);
        } catch (BindException e) {
            socket.close();
            if (cluster != null) {
                cluster.close();
            }
            throw new BindException("cannot listen on " + config.host() + " port " + config.port() + ": "
                    + e.getMessage() + " (another server there? choose another with --port)");
        }
        return socket;
    }

    private static ServerSocket tlsListener(SSLContext tls) throws IOException {
        SSLServerSocket socket = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
        socket.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        return socket;
    }

    /** What every connection hears first; see docs/PROTOCOL.md#greeting. */
    static String greetingText(ServerConfig config) {
        String name = config.serverName().equals("loomchat") ? "loomchat" : config.serverName() + " (loomchat)";
        return name + ", protocol " + Codec.PROTOCOL_VERSION + ": "
                + (config.password() == null ? "type your nick to chat" : "type your nick and the server password to chat")
                + ", /help for commands; programs send a hello first (see docs/PROTOCOL.md)";
    }

    /** Binds and starts serving. With port 0 the system picks a free port; {@link #port()} tells which. */
    public static ChatServer start(ServerConfig config) throws IOException {
        return start(config, Clock.systemUTC());
    }

    public static ChatServer start(ServerConfig config, Clock clock) throws IOException {
        return start(config, clock, null);
    }

    /** With {@code tls}, every connection speaks TLS (1.2 or 1.3); the handshake runs on the session's thread. */
    public static ChatServer start(ServerConfig config, Clock clock, SSLContext tls) throws IOException {
        return start(config, clock, Ticker.system(), tls);
    }

    static ChatServer start(ServerConfig config, Clock clock, Ticker ticker, SSLContext tls) throws IOException {
        ChatServer server = new ChatServer(config, clock, ticker, tls);
        server.startServing(clock, tls);
        return server;
    }

    private void startServing(Clock clock, SSLContext tls) throws IOException {
        if (config.metricsPort() != ServerConfig.METRICS_OFF) {
            metricsEndpoint = new MetricsEndpoint(config.host(), config.metricsPort(), config.handshakeTimeout(), this::metricsText);
        }
        watchdog.alsoEvery(refusals::flush);
        watchdog.alsoEvery(sessions::flushUnregisteredCloses);
        watchdog.start();
        presenceFlush.start();
        if (cluster != null) {
            try {
                cluster.start(chat, presenceFlush);
            } catch (IOException e) {
                close();
                throw e;
            }
        }
        if (config.web() != null) {
            try {
                Doorway doorway = new Doorway("the web port", sessions.admission().throttle(), refusals,
                        a -> chat.moderation().banOf(a) != null, config.maxConnectionsPerAddress(), config.limitLoopback(),
                        config.handshakeTimeout(), ticker);
                watchdog.alsoEvery(doorway::check);
                web = WebFront.start(config, clock, sessions, descriptors.connections(), tls, doorway, refusals);
            } catch (IOException e) {
                if (config.web().portChosen()) {
                    close();
                    throw e;
                }
                // The default port is often taken by some other web server: chat goes on without the page.
                LOG.warn("web client off: {} (choose a port with --web-port, or --web-port off)", e.getMessage());
            }
        }
        acceptor.start();
        if (config.announce()) {
            try {
                announcer = Announcer.start(config.host(), config.serverName(), port(), announcement(tls != null));
            } catch (IOException e) {
                LOG.warn("not announced on the LAN: {}", e.toString()); // chat works without it
            }
        }
    }

    /** What the LAN announcement's TXT record says about this server; see docs/PROTOCOL.md#lan-discovery. */
    private Map<String, String> announcement(boolean tls) {
        Map<String, String> txt = new LinkedHashMap<>();
        txt.put("proto", String.valueOf(Codec.PROTOCOL_VERSION));
        txt.put("tls", tls ? "1" : "0");
        txt.put("password", config.password() != null ? "1" : "0");
        if (web != null) {
            txt.put("web", String.valueOf(web.port()));
        }
        if (config.cluster() != null) {
            txt.put("node", config.cluster().nodeName());
        }
        return txt;
    }

    public int port() {
        return listener.getLocalPort();
    }

    public String address() {
        return config.host() + ":" + port();
    }

    /** The web client's port; -1 when it is off. */
    public int webPort() {
        return web == null ? -1 : web.port();
    }

    /** The port of the Prometheus endpoint, or -1 when it is off. */
    public int metricsPort() {
        return metricsEndpoint == null ? -1 : metricsEndpoint.port();
    }

    /** What {@code GET /metrics} answers, in Prometheus's text format. */
    public String metricsText() {
        String text = metrics.render(sessions.count(), chat.rooms().list().size(), sessions.connectionThreads());
        if (cluster == null) {
            return text;
        }
        StringBuilder out = new StringBuilder(text);
        cluster.writeMetrics(out);
        return out.toString();
    }

    public ServerConfig config() {
        return config;
    }

    public int connectionCount() {
        return sessions.count();
    }

    /** Reader, writer and refusal threads alive: two per connection, none once every client has gone. */
    public int connectionThreads() {
        return sessions.connectionThreads();
    }

    // ---- for the server's own tests, which look inside ----------------------------------------------

    /** Names this server's message history, announced in welcome. */
    String epoch() {
        return chat.epoch();
    }

    Set<Session> sessions() {
        return sessions.all();
    }

    Nicknames nicknames() {
        return chat.nicknames();
    }

    Rooms rooms() {
        return chat.rooms();
    }

    Resumptions resumptions() {
        return chat.resumptions();
    }

    HistoryBudget historyBudget() {
        return historyBudget;
    }

    OutboxBudget outboxBudget() {
        return outboxBudget;
    }

    /**
     * Accepts what is still waiting in the listener's backlog, so that those clients get a bye
     * ({@code shutdown}) instead of a reset when the listener closes.
     */
    private void refuseBacklog() {
        try {
            listener.setSoTimeout(BACKLOG_DRAIN_MILLIS);
            for (int i = 0; i < 1_024; i++) {
                sessions.admit(listener.accept()); // stopping: refused with a bye
            }
        } catch (IOException e) {
            // timed out: the backlog is empty (or the listener is gone)
        }
    }

    /**
     * Stops accepting, sends every client a {@code bye} after what is queued for it, waits up to the
     * shutdown grace for them to go, then closes whatever is left.
     */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        sessions.stopAdmitting();
        if (announcer != null) {
            announcer.close(); // first: nobody should find a server that is going away
        }
        acceptor.halt(); // the backlog's drain below times accepts out: not an accept failure
        refuseBacklog();
        try {
            listener.close();
        } catch (IOException e) {
            LOG.debug("closing listener: {}", e.toString());
        }
        int count = sessions.closeAll(config.shutdownGrace());
        watchdog.stop();
        presenceFlush.stop();
        greeter.stop();
        if (cluster != null) {
            cluster.close(); // after the sessions: their nicks were released while NATS was still there
        }
        if (journal != null) {
            journal.close(); // after the sessions: their rooms' last lines are written by now
        }
        accounts.close();
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        if (web != null) {
            web.close(); // after the sessions: its WebSockets got their bye first
        }
        try {
            acceptor.stop(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("stopped; {} client(s) were connected", count);
    }
}
