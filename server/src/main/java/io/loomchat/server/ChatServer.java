package io.loomchat.server;

import io.loomchat.server.connection.OutboxBudget;

import io.loomchat.server.chat.Nicknames;
import io.loomchat.server.chat.Rooms;
import io.loomchat.server.connection.Acceptor;
import io.loomchat.server.connection.Admission;
import io.loomchat.server.connection.Doorway;
import io.loomchat.server.guard.RefusalLog;
import io.loomchat.server.connection.CloseReason;
import io.loomchat.server.connection.DescriptorBudget;
import io.loomchat.server.connection.Resumptions;
import io.loomchat.server.connection.Session;
import io.loomchat.server.connection.Ticker;
import io.loomchat.server.connection.PresenceFlush;
import io.loomchat.server.cluster.ClusterLink;
import io.loomchat.server.cluster.ClusterNicks;
import io.loomchat.server.cluster.NodeMesh;
import io.loomchat.server.chat.ClusterMembers;
import io.loomchat.server.connection.Watchdog;
import io.loomchat.server.guard.Moderation;
import io.loomchat.server.guard.Operators;
import io.loomchat.server.history.HistoryBudget;
import io.loomchat.server.history.JournalDirectory;
import io.loomchat.server.ops.Metrics;
import io.loomchat.server.ops.MetricsEndpoint;
import io.loomchat.server.web.WebFront;
import io.loomchat.server.lan.Announcer;

import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import io.loomchat.server.connection.TcpTransport;
import io.loomchat.server.connection.Transport;
import java.net.SocketException;
import java.time.Clock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener: accepts sockets and gives each its own virtual thread running a {@link Session}. Holds the
 * shared directories (nicks, rooms) and the set of live sessions, and shuts everything down in order.
 */
public final class ChatServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChatServer.class);

    private final ServerConfig config;
    private final Clock clock;
    private final ServerSocket listener;
    private final Nicknames nicknames;
    private final ClusterLink cluster; // null on a single node
    private final ClusterNicks clusterNicks; // null on a single node
    private volatile NodeMesh mesh; // null on a single node
    private final Rooms rooms;
    private final JournalDirectory journal; // null without --data-dir
    private final Moderation moderation;
    private final Resumptions resumptions;
    private final Operators operators;
    // PBKDF2 is slow on purpose; one check at a time keeps a storm of operator logins to one core.
    private final ReentrantLock operatorChecks = new ReentrantLock();
    /** One admission at a time, from the acceptor or the web front, so that the limits are exact. */
    private final ReentrantLock admitting = new ReentrantLock();
    private final String epoch;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextSessionId = new AtomicLong();
    private final AtomicInteger connectionThreads = new AtomicInteger();
    private final Admission admission;
    private final RefusalLog refusals; // refused connections, logged a line per address and minute
    private final RefusalLog unregisteredCloses; // connections that ended before a hello, likewise
    private final ReentrantLock sessionsLock = new ReentrantLock();
    private final Condition sessionGone = sessionsLock.newCondition();
    private final Watchdog watchdog;
    private final PresenceFlush presenceFlush = new PresenceFlush();
    private final io.loomchat.server.connection.Greeter greeter = new io.loomchat.server.connection.Greeter();
    private final Metrics metrics = new Metrics();
    private MetricsEndpoint metricsEndpoint;
    private WebFront web; // null when the web client is off
    private Announcer announcer; // null unless announced on the LAN
    private final Acceptor acceptor;
    private final Ticker ticker;
    private final DescriptorBudget descriptors;
    private final HistoryBudget historyBudget;
    private final OutboxBudget outboxBudget;
    private final byte[] greeting;
    private volatile boolean stopping;

    private ChatServer(ServerConfig config, Clock clock, Ticker ticker, SSLContext tls) throws IOException {
        this.config = config;
        this.clock = clock;
        this.ticker = ticker;
        if (config.web() != null && config.web().portChosen()) {
            WebFront.checkPort(config.web()); // a chosen web port that is taken stops the start before anything else
        }
        if (config.cluster() != null) {
            // First of all: a node that cannot reach its cluster says so before it listens.
            this.cluster = ClusterLink.connect(config.cluster(), config.historySize());
            try {
                this.clusterNicks = ClusterNicks.open(cluster);
            } catch (IOException e) {
                cluster.close();
                throw e;
            }
            this.nicknames = new Nicknames(clusterNicks);
        } else {
            this.cluster = null;
            this.clusterNicks = null;
            this.nicknames = new Nicknames();
        }
        this.descriptors = DescriptorBudget.of(DescriptorBudget.processLimit(), DescriptorBudget.processOpen(), config.maxConnections(),
                config.maxConnections() != ServerConfig.DEFAULT_MAX_CONNECTIONS, config.maxOpenJournals(),
                config.dataDir() != null, config.web() != null);
        if (descriptors.connections() < config.maxConnections()) {
            LOG.info("max-connections is {} to fit the descriptor limit of {} (ulimit -n)", descriptors.connections(),
                    descriptors.limit());
        }
        this.historyBudget = new HistoryBudget(config.historyMemoryBudget());
        this.outboxBudget = new OutboxBudget(config.outboxMemoryBudget());
        this.journal = config.dataDir() == null ? null
                : JournalDirectory.open(config.dataDir(), config.fsync(), descriptors.journals(), config.historySize(), ticker);
        // Without a journal, ids restart with the server: a fresh epoch tells clients not to trust old ones.
        // In a cluster, ids are the stream's: every node names the same history, for as long as the stream lives.
        this.epoch = cluster != null ? cluster.epoch()
                : journal == null ? java.util.UUID.randomUUID().toString() : journal.epoch();
        this.rooms = new Rooms(clock, config, journal, historyBudget);
        this.moderation = new Moderation(clock);
        this.resumptions = new Resumptions(clock);
        this.refusals = new RefusalLog(LoggerFactory.getLogger(Admission.class)::warn, clock);
        this.unregisteredCloses = new RefusalLog(LoggerFactory.getLogger(Session.class)::info, clock);
        this.admission = new Admission(this, descriptors.connections(), refusals);
        this.operators = config.operatorsFile() == null ? Operators.none() : Operators.load(config.operatorsFile());
        this.listener = tls == null ? new ServerSocket() : tlsListener(tls);
        listener.setReuseAddress(true);
        try {
            listener.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()), 1024);
        } catch (java.net.BindException e) {
            listener.close();
            if (cluster != null) {
                clusterNicks.close();
                cluster.close();
            }
            throw new java.net.BindException("cannot listen on " + config.host() + " port " + config.port() + ": "
                    + e.getMessage() + " (another server there? choose another with --port)");
        }
        this.greeting = Codec.encode(new Event.Notice(greetingText(config), null));
        this.watchdog = new Watchdog(this, ticker);
        this.acceptor = new Acceptor(listener, config.host() + ":" + listener.getLocalPort(), this::admit);
    }

    /** What every connection hears first; see docs/PROTOCOL.md#greeting. */
    static String greetingText(ServerConfig config) {
        String name = config.serverName().equals("loomchat") ? "loomchat" : config.serverName() + " (loomchat)";
        return name + ", protocol " + Codec.PROTOCOL_VERSION + ": "
                + (config.password() == null ? "type your nick to chat" : "type your nick and the server password to chat")
                + ", /help for commands; programs send a hello first (see docs/PROTOCOL.md)";
    }

    /** What this node tells the other nodes of its cluster directly; null on a single node. */
    public NodeMesh mesh() {
        return mesh;
    }

    /** Who owns which nick across the cluster; null on a single node. */
    public ClusterNicks clusterNicks() {
        return clusterNicks;
    }

    /** This node's tie to its cluster; null on a single node (no --nats). */
    public ClusterLink cluster() {
        return cluster;
    }

    /** Wakes the writers of clients sent only join and leave notices, a moment later. */
    public PresenceFlush presenceFlush() {
        return presenceFlush;
    }

    private volatile int[] peopleCounts;
    private volatile long peopleCountedNanos;

    /**
     * People registered, operators among them, connections not registered yet and rooms, counted at most
     * once a second (IRC's LUSERS asks for them; counting walks every session).
     */
    public int[] peopleCounts() {
        long now = ticker.nanoTime();
        int[] counts = peopleCounts;
        if (counts == null || now - peopleCountedNanos > 1_000_000_000L) {
            counts = new int[4];
            for (Session s : sessions) {
                if (s.nick() == null) {
                    counts[2]++;
                } else {
                    counts[0]++;
                    counts[1] += s.operator() != null ? 1 : 0;
                }
            }
            counts[3] = rooms.list().size();
            peopleCounts = counts;
            peopleCountedNanos = now;
        }
        return counts;
    }

    /** Greets connections that stay silent for a moment. */
    public io.loomchat.server.connection.Greeter greeter() {
        return greeter;
    }

    /** The encoded greeting line, the same for every connection. */
    public byte[] greeting() {
        return greeting;
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
        if (config.metricsPort() != ServerConfig.METRICS_OFF) {
            server.metricsEndpoint = new MetricsEndpoint(config.host(), config.metricsPort(), server);
        }
        server.watchdog.alsoEvery(server.refusals::flush);
        server.watchdog.alsoEvery(server.unregisteredCloses::flush);
        server.watchdog.start();
        server.presenceFlush.start();
        if (server.cluster != null) {
            try {
                // The rooms learn their stored history before the first client can join one.
                server.cluster.startFeed(server.rooms);
                server.mesh = server.cluster.startMesh(
                        new ClusterMembers(server));
                server.rooms.announceElsewhere(server.mesh::announce);
            } catch (IOException e) {
                server.close();
                throw e;
            }
        }
        if (config.web() != null) {
            try {
                Doorway doorway = new Doorway("the web port", server.admission.throttle(), server.refusals,
                        a -> server.moderation.banOf(a) != null, config.maxConnectionsPerAddress(), config.limitLoopback(),
                        config.handshakeTimeout(), server.ticker);
                server.watchdog.alsoEvery(doorway::check);
                server.web = WebFront.start(config.web(), server, tls, doorway, server.refusals);
            } catch (IOException e) {
                if (config.web().portChosen()) {
                    server.close();
                    throw e;
                }
                // The default port is often taken by some other web server: chat goes on without the page.
                LOG.warn("web client off: {} (choose a port with --web-port, or --web-port off)", e.getMessage());
            }
        }
        server.acceptor.start();
        if (config.announce()) {
            try {
                server.announcer = Announcer.start(config.host(), config.serverName(), server.port(), server.announcement(tls != null));
            } catch (IOException e) {
                LOG.warn("not announced on the LAN: {}", e.toString()); // chat works without it
            }
        }
        return server;
    }

    private static ServerSocket tlsListener(SSLContext tls) throws IOException {
        SSLServerSocket socket = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
        socket.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
        return socket;
    }

    public int port() {
        return listener.getLocalPort();
    }

    public String address() {
        return config.host() + ":" + port();
    }

    public int connectionCount() {
        return sessions.size();
    }

    /** What the LAN announcement's TXT record says about this server; see docs/PROTOCOL.md#lan-discovery. */
    private java.util.Map<String, String> announcement(boolean tls) {
        java.util.Map<String, String> txt = new java.util.LinkedHashMap<>();
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

    /** The web client's port; -1 when it is off. */
    public int webPort() {
        return web == null ? -1 : web.port();
    }

    /** The port of the Prometheus endpoint, or -1 when it is off. */
    public int metricsPort() {
        return metricsEndpoint == null ? -1 : metricsEndpoint.port();
    }

    public String metricsText() {
        String text = metrics.render(sessions.size(), rooms.list().size(), connectionThreads.get());
        if (cluster == null) {
            return text;
        }
        StringBuilder out = new StringBuilder(text);
        cluster.writeMetrics(out);
        if (clusterNicks != null) {
            clusterNicks.writeMetrics(out);
        }
        return out.toString();
    }

    public Metrics metrics() {
        return metrics;
    }

    public ServerConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public Ticker ticker() {
        return ticker;
    }

    /** Connections served at once: max-connections, or fewer if the descriptor limit allows no more. */
    public int maxConnections() {
        return descriptors.connections();
    }

    HistoryBudget historyBudget() {
        return historyBudget;
    }

    /** What all clients' unsent lines may take together, and take now. */
    public OutboxBudget outboxBudget() {
        return outboxBudget;
    }

    public Nicknames nicknames() {
        return nicknames;
    }

    public Rooms rooms() {
        return rooms;
    }

    public Resumptions resumptions() {
        return resumptions;
    }

    public Moderation moderation() {
        return moderation;
    }

    /** Whether {@code password} is operator {@code name}'s; one check at a time, each taking the same work. */
    public boolean verifyOperator(String name, String password) {
        operatorChecks.lock();
        try {
            return operators.verify(name, password);
        } finally {
            operatorChecks.unlock();
        }
    }

    public boolean hasOperators() {
        return operators.size() > 0;
    }

    /** Names this server's message history, announced in welcome. */
    public String epoch() {
        return epoch;
    }

    public Set<Session> sessions() {
        return sessions;
    }

    /** On the accepting thread: serves the new connection on a virtual thread of its own, or refuses it. */
    private void admit(Socket socket) {
        Session session = admitted(new TcpTransport(socket), (id, refusal) -> admission.refuse(id, socket, refusal));
        if (session != null) {
            startConnectionThread("loomchat-session-" + session.id(), () -> serve(session, socket));
        }
    }

    /**
     * A connection that came in by another door (a WebSocket from the web front): admitted by the same rules
     * as an accepted socket and served on a virtual thread of its own. Returns null, or the bye to send
     * when it is refused.
     */
    public Event.Bye serve(Transport transport) {
        Event.Bye[] refused = new Event.Bye[1];
        Session session = admitted(transport, (id, refusal) -> {
            metrics.closed(refusal);
            admission.logRefusal("the web port", transport.address(), refusal);
            refused[0] = admission.byeFor(refusal, transport.address());
        });
        if (session != null) {
            startConnectionThread("loomchat-session-" + session.id(), () -> {
                if (stopping) {
                    session.disconnect(CloseReason.SHUTDOWN, "");
                }
                session.run();
            });
        }
        return refused[0];
    }

    /**
     * A session that ended before it registered (a probe, a scan, a client that gave up): logged like a
     * refusal, once per address and reason, then counted once a minute.
     */
    public void closedUnregistered(Transport transport, CloseReason reason, String detail) {
        unregisteredCloses.note("closed unregistered", transport.door(), transport.address(), reason.code(), detail);
    }

    /** What to do with a refused connection: its number and why. */
    private interface Refusal {
        void refuse(long id, CloseReason reason);
    }

    /**
     * Admission, one at a time whichever door a connection came by, so that the limits are exact: the new
     * session, counted, or null after {@code refusal} was told why not.
     */
    private Session admitted(Transport transport, Refusal refusal) {
        long id = nextSessionId.incrementAndGet();
        Session session;
        admitting.lock();
        try {
            CloseReason reason = admission.check(transport.address(), stopping, sessions.size());
            if (reason != null) {
                refusal.refuse(id, reason);
                return null;
            }
            session = new Session(id, transport, this);
            sessions.add(session);
        } finally {
            admitting.unlock();
        }
        metrics.connectionsAccepted.increment();
        return session;
    }

    /** A virtual thread working for one connection, counted, so that a leak of them shows. */
    public Thread startConnectionThread(String name, Runnable task) {
        connectionThreads.incrementAndGet();
        return Thread.ofVirtual().name(name).start(() -> {
            try {
                task.run();
            } finally {
                connectionThreads.decrementAndGet();
            }
        });
    }

    /** Reader, writer and refusal threads alive: two per connection, none once every client has gone. */
    public int connectionThreads() {
        return connectionThreads.get();
    }

    private void serve(Session session, Socket socket) {
        try {
            socket.setTcpNoDelay(true); // chat wants latency; the outbox already batches
            socket.setKeepAlive(true);
        } catch (SocketException e) {
            LOG.debug("socket options for {}: {}", session, e.toString());
        }
        if (stopping) {
            // close() may have taken its snapshot before this session was added; it must still get a bye.
            session.disconnect(CloseReason.SHUTDOWN, "");
        }
        session.run();
    }

    /**
     * Accepts what is still waiting in the listener's backlog, so that those clients get a bye
     * ({@code shutdown}) instead of a reset when the listener closes.
     */
    private void refuseBacklog() {
        try {
            listener.setSoTimeout(BACKLOG_DRAIN_MILLIS);
            for (int i = 0; i < 1_024; i++) {
                admit(listener.accept()); // stopping: refused with a bye
            }
        } catch (IOException e) {
            // timed out: the backlog is empty (or the listener is gone)
        }
    }

    /** How long shutdown waits for one more connection in the backlog. */
    private static final int BACKLOG_DRAIN_MILLIS = 20;

    /** Called by a session's read loop once it has cleaned up. */
    public void forget(Session session) {
        admission.released(session.address());
        sessionsLock.lock();
        try {
            sessions.remove(session);
            sessionGone.signalAll();
        } finally {
            sessionsLock.unlock();
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
        int count = sessions.size();
        for (Session session : sessions) {
            session.disconnect(CloseReason.SHUTDOWN, "");
        }
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        sessionsLock.lock();
        try {
            while (!sessions.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                sessionGone.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sessionsLock.unlock();
        }
        for (Session session : sessions) {
            session.closeSocket();
        }
        watchdog.stop();
        presenceFlush.stop();
        greeter.stop();
        if (mesh != null) {
            mesh.close();
        }
        if (clusterNicks != null) {
            clusterNicks.close();
        }
        if (cluster != null) {
            cluster.close(); // after the sessions: their nicks were released while NATS was still there
        }
        if (journal != null) {
            journal.close(); // after the sessions: their rooms' last lines are written by now
        }
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
