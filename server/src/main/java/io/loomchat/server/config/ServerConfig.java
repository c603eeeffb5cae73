package io.loomchat.server.config;

import io.loomchat.protocol.Names;
import io.loomchat.server.chat.Rooms;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Every limit and setting of the server in one place. Each default is named and explained; an error that
 * a limit causes names the command-line setting and its value (e.g. "line exceeds max-line-bytes=16384").
 */
public record ServerConfig(
        String host,
        int port,
        String serverName,
        String defaultRoom,
        int maxLineBytes,
        int maxOutboxBytes,
        Duration writeTimeout,
        Duration handshakeTimeout,
        Duration registrationTimeout,
        Duration closeLinger,
        Duration shutdownGrace,
        int maxConnections,
        int maxConnectionsPerAddress,
        boolean limitLoopback,
        int connectsPerAddressPerMinute,
        int quietJoinsAbove,
        int maxRoomsPerClient,
        int maxMembersPerRoom,
        Duration pingInterval,
        Duration pingTimeout,
        double floodLinesPerSecond,
        int floodBurst,
        int floodDisconnectAfter,
        int metricsPort,
        int maxNickChars,
        int maxTopicChars,
        int historySize,
        int historyOnJoin,
        Path dataDir,
        Fsync fsync,
        String password,
        Path operatorsFile,
        Duration defaultSanction,
        int maxOpenJournals,
        long historyMemoryBytes,
        long outboxMemoryBytes,
        ClusterConfig cluster,
        WebConfig web,
        boolean announce,
        boolean irc,
        boolean accountsRequired,
        int accountHashIterations,
        int maxDevicesPerAccount) {

    /** PBKDF2 rounds for account passwords: OWASP's count for PBKDF2-HMAC-SHA256 (tests may use fewer). */
    public static final int DEFAULT_ACCOUNT_HASH_ITERATIONS = 600_000;
    public static final int MIN_ACCOUNT_HASH_ITERATIONS = 10_000;
    /** Clients one account may be connected from at once ("a handful"). */
    public static final int DEFAULT_MAX_DEVICES_PER_ACCOUNT = 5;

    /** When the journal under data-dir is forced to the disk. */
    public enum Fsync {
        /** After every message, before anyone sees it: survives a power cut, costs a disk flush per line. */
        ALWAYS,
        /** Once a second: a crash of the server loses nothing, a power cut up to a second (Redis's everysec). */
        INTERVAL,
        /** When the operating system decides. */
        NEVER
    }

    /** All interfaces, so that other machines on a LAN can reach the server. */
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 12345;
    public static final String DEFAULT_SERVER_NAME = "loomchat";
    /** The room a client joins when its hello names none. */
    public static final String DEFAULT_ROOM = "lobby";
    /** 16 KiB: room for any chat line, small enough that a hostile line costs little. */
    public static final int DEFAULT_MAX_LINE_BYTES = 16 * 1024;
    /** 256 KiB of unsent lines per client before it is dropped as a slow consumer (ergo: 96 KiB). */
    public static final int DEFAULT_MAX_OUTBOX_BYTES = 256 * 1024;
    /** A socket write blocked this long ends that client (NATS's write deadline: 10 s). */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);
    /** An unregistered connection must send a line this soon after connecting or after its last line. */
    // A person on nc reads the greeting and types a nick: 10 s was too short for that (ergo gives 60 s,
    // InspIRCd 20 s); the whole registration stays bounded by the registration timeout.
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);
    /** ...and must complete its hello within this time in all (ergo: 60 s). */
    public static final Duration DEFAULT_REGISTRATION_TIMEOUT = Duration.ofSeconds(60);
    /** How long a closing connection may take to drain its bye before the socket is closed under it. */
    public static final Duration DEFAULT_CLOSE_LINGER = Duration.ofSeconds(2);
    /** How long shutdown waits for every client to take its bye. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /**
     * Connections from one address. Generous on purpose: a LAN behind NAT, or every container behind one
     * Docker bridge, shares an address (ergo: 16). Loopback is exempt unless limit-loopback is set.
     */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;
    /** New connections one address may open per minute; loopback is exempt like the limit above (ergo: 32 per 10 min). */
    public static final int DEFAULT_CONNECTS_PER_ADDRESS_PER_MINUTE = 120;
    /**
     * In a room with more members than this, joins and leaves are told only to the one joining or leaving:
     * announcing each of N joins to everyone costs N squared lines (a JOIN storm). Twitch's chat does the same
     * above 1,000.
     */
    public static final int DEFAULT_QUIET_JOINS_ABOVE = 1_000;
    /** Rooms one client may be in at once (IRC networks commonly allow 20 to 100 channels). */
    public static final int DEFAULT_MAX_ROOMS_PER_CLIENT = 32;
    /** Members one room may have: as many as the server holds by default. */
    public static final int DEFAULT_MAX_MEMBERS_PER_ROOM = DEFAULT_MAX_CONNECTIONS;
    /** A registered client silent this long gets a ping (ergo: 90 s)... */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(90);
    /** ...and is disconnected if it then stays silent this long, reaping half-open connections (ergo: 60 s more). */
    public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(60);
    /** Sustained lines per second per connection; a person types far slower, a paste is the burst below. */
    public static final double DEFAULT_FLOOD_LINES_PER_SECOND = 5;
    /** Lines a connection may send at once before the rate applies: a paste of 20 lines goes through. */
    public static final int DEFAULT_FLOOD_BURST = 20;
    /** The Prometheus endpoint is off unless a port is given (0: any free port). */
    public static final int METRICS_OFF = -1;
    /** Refused lines within a minute after which a flooding connection is disconnected. */
    public static final int DEFAULT_FLOOD_DISCONNECT_AFTER = 100;

    /** Longest nick (ergo: 32; classic IRC: 9). */
    public static final int DEFAULT_MAX_NICK_CHARS = Names.MAX_NICK_CHARS;
    /** Longest room topic (ergo: 390, sized to fit one IRC line). */
    public static final int DEFAULT_MAX_TOPIC_CHARS = 300;
    /** Messages each room keeps for history and catch-up. */
    public static final int DEFAULT_HISTORY_SIZE = 1_000;
    /** Kept messages a joining client receives unless it asks for another number. */
    public static final int DEFAULT_HISTORY_ON_JOIN = 20;
    public static final Fsync DEFAULT_FSYNC = Fsync.INTERVAL;
    /**
     * Journal files held open at once with data-dir; the least recently written is closed past this, and
     * a room's journal is closed anyway when nobody wrote to it for a while. Lowered to fit the process's
     * descriptor limit.
     */
    public static final int DEFAULT_MAX_OPEN_JOURNALS = 128;
    /** History memory: 0 means a quarter of the heap (-Xmx). */
    public static final long HISTORY_MEMORY_AUTO = 0;
    /** Outbox memory, all clients' unsent lines together: 0 means a quarter of the heap (-Xmx). */
    public static final long OUTBOX_MEMORY_AUTO = 0;
    /** The longest time a ban or mute may be given: ten years (longer ones are refused, not wrapped). */
    public static final Duration MAX_SANCTION = Duration.ofDays(3_650);
    /** How long a ban or mute lasts when the operator names no time. */
    public static final Duration DEFAULT_SANCTION = Duration.ofHours(1);

    public ServerConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0-65535: " + port);
        }
        if (maxLineBytes < 64) {
            throw new IllegalArgumentException("max-line-bytes must be at least 64: " + maxLineBytes);
        }
        if (maxOutboxBytes < maxLineBytes) {
            throw new IllegalArgumentException(
                    "max-outbox-bytes (" + maxOutboxBytes + ") must be at least max-line-bytes (" + maxLineBytes + ")");
        }
        if (maxConnections < 1 || maxConnectionsPerAddress < 1 || connectsPerAddressPerMinute < 1) {
            throw new IllegalArgumentException("max-connections and max-connections-per-address must be positive");
        }
        if (maxRoomsPerClient < 1 || maxMembersPerRoom < 1) {
            throw new IllegalArgumentException("max-rooms-per-client and max-members-per-room must be positive");
        }
        if (maxNickChars < 1 || maxNickChars > Names.NICK_CHARS_CEILING) {
            throw new IllegalArgumentException("max-nick-chars must be 1-"
                    + Names.NICK_CHARS_CEILING + ": " + maxNickChars);
        }
        if (maxTopicChars < 1 || historySize < 0 || historyOnJoin < 0) {
            throw new IllegalArgumentException("max-topic-chars must be positive, history-size and history-on-join not negative");
        }
        if (maxOpenJournals < 1 || historyMemoryBytes < 0 || outboxMemoryBytes < 0) {
            throw new IllegalArgumentException("max-open-journals must be positive, history-memory and outbox-memory not negative");
        }
        if (quietJoinsAbove < 0 || floodLinesPerSecond < 0 || floodBurst < 0 || floodDisconnectAfter < 0) {
            throw new IllegalArgumentException("quiet-joins-above and the flood settings must not be negative");
        }
        if (accountHashIterations < MIN_ACCOUNT_HASH_ITERATIONS) {
            throw new IllegalArgumentException("account-hash-iterations must be at least " + MIN_ACCOUNT_HASH_ITERATIONS);
        }
        if (maxDevicesPerAccount < 1) {
            throw new IllegalArgumentException("max-devices-per-account must be at least 1");
        }
        if (accountsRequired && dataDir == null) {
            throw new IllegalArgumentException("--accounts-required needs --data-dir: accounts are kept on disk");
        }
        if (cluster != null && dataDir != null) {
            throw new IllegalArgumentException("--nats and --data-dir do not go together: in a cluster, history "
                    + "lives in NATS JetStream (see docs/OPERATING.md, Cluster)");
        }
    }

    /** The server password never shows in logs or test output. */
    @Override
    public String toString() {
        return "ServerConfig[" + host + ":" + port + ", password " + (password == null ? "off" : "set") + ", ...]";
    }

    public static ServerConfig defaults() {
        return new Builder().build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The bytes all rooms' kept messages may take in memory together: the setting, or a quarter of the heap. */
    public long historyMemoryBudget() {
        return historyMemoryBytes != HISTORY_MEMORY_AUTO ? historyMemoryBytes : Runtime.getRuntime().maxMemory() / 4;
    }

    /** The bytes all clients' outboxes may hold together: the setting, or a quarter of the heap. */
    public long outboxMemoryBudget() {
        return outboxMemoryBytes != OUTBOX_MEMORY_AUTO ? outboxMemoryBytes : Runtime.getRuntime().maxMemory() / 4;
    }

    /** Whether flood control is on: a rate of 0 turns it off. */
    public boolean floodControl() {
        return floodLinesPerSecond > 0;
    }

    public ServerConfig withAddress(String newHost, int newPort) {
        return toBuilder().host(newHost).port(newPort).build();
    }

    public ServerConfig withMaxLineBytes(int bytes) {
        return toBuilder().maxLineBytes(bytes).maxOutboxBytes(Math.max(bytes, maxOutboxBytes)).build();
    }

    public ServerConfig withMaxOutboxBytes(int bytes) {
        return toBuilder().maxOutboxBytes(bytes).build();
    }

    public ServerConfig withTimeouts(Duration write, Duration handshake, Duration registration) {
        return toBuilder().writeTimeout(write).handshakeTimeout(handshake).registrationTimeout(registration).build();
    }

    public ServerConfig withMaxConnections(int connections) {
        return toBuilder().maxConnections(connections).build();
    }

    public ServerConfig withQuietJoinsAbove(int members) {
        return toBuilder().quietJoinsAbove(members).build();
    }

    public ServerConfig withServerName(String name) {
        return toBuilder().serverName(name).build();
    }

    /** Fluent construction from the defaults, one setting at a time. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private String serverName = DEFAULT_SERVER_NAME;
        private String defaultRoom = DEFAULT_ROOM;
        private int maxLineBytes = DEFAULT_MAX_LINE_BYTES;
        private int maxOutboxBytes = DEFAULT_MAX_OUTBOX_BYTES;
        private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private Duration registrationTimeout = DEFAULT_REGISTRATION_TIMEOUT;
        private Duration closeLinger = DEFAULT_CLOSE_LINGER;
        private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
        private boolean limitLoopback;
        private int connectsPerAddressPerMinute = DEFAULT_CONNECTS_PER_ADDRESS_PER_MINUTE;
        private int quietJoinsAbove = DEFAULT_QUIET_JOINS_ABOVE;
        private int maxRoomsPerClient = DEFAULT_MAX_ROOMS_PER_CLIENT;
        private int maxMembersPerRoom = DEFAULT_MAX_MEMBERS_PER_ROOM;
        private Duration pingInterval = DEFAULT_PING_INTERVAL;
        private Duration pingTimeout = DEFAULT_PING_TIMEOUT;
        private double floodLinesPerSecond = DEFAULT_FLOOD_LINES_PER_SECOND;
        private int floodBurst = DEFAULT_FLOOD_BURST;
        private int floodDisconnectAfter = DEFAULT_FLOOD_DISCONNECT_AFTER;
        private int metricsPort = METRICS_OFF;
        private int maxNickChars = DEFAULT_MAX_NICK_CHARS;
        private int maxTopicChars = DEFAULT_MAX_TOPIC_CHARS;
        private int historySize = DEFAULT_HISTORY_SIZE;
        private int historyOnJoin = DEFAULT_HISTORY_ON_JOIN;
        private Path dataDir;
        private ClusterConfig cluster;
        private WebConfig web;
        private boolean announce;
        private boolean irc = true;
        private boolean accountsRequired;
        private int accountHashIterations = DEFAULT_ACCOUNT_HASH_ITERATIONS;
        private int maxDevicesPerAccount = DEFAULT_MAX_DEVICES_PER_ACCOUNT;
        private Fsync fsync = DEFAULT_FSYNC;
        private String password;
        private Path operatorsFile;
        private Duration defaultSanction = DEFAULT_SANCTION;
        private int maxOpenJournals = DEFAULT_MAX_OPEN_JOURNALS;
        private long historyMemoryBytes = HISTORY_MEMORY_AUTO;
        private long outboxMemoryBytes = OUTBOX_MEMORY_AUTO;

        public Builder() {
        }

        private Builder(ServerConfig c) {
            host = c.host; port = c.port; serverName = c.serverName; defaultRoom = c.defaultRoom;
            maxLineBytes = c.maxLineBytes; maxOutboxBytes = c.maxOutboxBytes; writeTimeout = c.writeTimeout;
            handshakeTimeout = c.handshakeTimeout; registrationTimeout = c.registrationTimeout;
            closeLinger = c.closeLinger; shutdownGrace = c.shutdownGrace; maxConnections = c.maxConnections;
            maxConnectionsPerAddress = c.maxConnectionsPerAddress; limitLoopback = c.limitLoopback;
            connectsPerAddressPerMinute = c.connectsPerAddressPerMinute;
            quietJoinsAbove = c.quietJoinsAbove; maxRoomsPerClient = c.maxRoomsPerClient;
            maxMembersPerRoom = c.maxMembersPerRoom; pingInterval = c.pingInterval; pingTimeout = c.pingTimeout;
            floodLinesPerSecond = c.floodLinesPerSecond; floodBurst = c.floodBurst;
            floodDisconnectAfter = c.floodDisconnectAfter;
            metricsPort = c.metricsPort;
            maxNickChars = c.maxNickChars; maxTopicChars = c.maxTopicChars;
            historySize = c.historySize; historyOnJoin = c.historyOnJoin; dataDir = c.dataDir; fsync = c.fsync;
            password = c.password; operatorsFile = c.operatorsFile; defaultSanction = c.defaultSanction;
            maxOpenJournals = c.maxOpenJournals; historyMemoryBytes = c.historyMemoryBytes;
            outboxMemoryBytes = c.outboxMemoryBytes;
            cluster = c.cluster;
            web = c.web;
            announce = c.announce;
            irc = c.irc;
            accountsRequired = c.accountsRequired;
            accountHashIterations = c.accountHashIterations;
            maxDevicesPerAccount = c.maxDevicesPerAccount;
        }

        public Builder host(String v) { host = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder serverName(String v) { serverName = v; return this; }
        public Builder maxLineBytes(int v) { maxLineBytes = v; return this; }
        public Builder maxOutboxBytes(int v) { maxOutboxBytes = v; return this; }
        public Builder writeTimeout(Duration v) { writeTimeout = v; return this; }
        public Builder handshakeTimeout(Duration v) { handshakeTimeout = v; return this; }
        public Builder registrationTimeout(Duration v) { registrationTimeout = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder maxConnectionsPerAddress(int v) { maxConnectionsPerAddress = v; return this; }
        public Builder limitLoopback(boolean v) { limitLoopback = v; return this; }
        public Builder connectsPerAddressPerMinute(int v) { connectsPerAddressPerMinute = v; return this; }
        public Builder quietJoinsAbove(int v) { quietJoinsAbove = v; return this; }
        public Builder maxRoomsPerClient(int v) { maxRoomsPerClient = v; return this; }
        public Builder maxMembersPerRoom(int v) { maxMembersPerRoom = v; return this; }
        public Builder pingInterval(Duration v) { pingInterval = v; return this; }
        public Builder pingTimeout(Duration v) { pingTimeout = v; return this; }
        public Builder floodLinesPerSecond(double v) { floodLinesPerSecond = v; return this; }
        public Builder floodBurst(int v) { floodBurst = v; return this; }
        public Builder floodDisconnectAfter(int v) { floodDisconnectAfter = v; return this; }
        public Builder metricsPort(int v) { metricsPort = v; return this; }
        public Builder maxNickChars(int v) { maxNickChars = v; return this; }
        public Builder maxTopicChars(int v) { maxTopicChars = v; return this; }
        public Builder historySize(int v) { historySize = v; return this; }
        public Builder historyOnJoin(int v) { historyOnJoin = v; return this; }
        public Builder dataDir(Path v) { dataDir = v; return this; }
        /** Null: a single node, as without --nats. */
        public Builder cluster(ClusterConfig v) { cluster = v; return this; }
        /** Null: no web client (the default here; the command's default serves it on port 8080). */
        public Builder web(WebConfig v) { web = v; return this; }
        /** Announce the server on the LAN (mDNS); off here by default, on for the command. */
        public Builder announce(boolean v) { announce = v; return this; }
        /** Serve IRC clients on the chat port (a first line of CAP, NICK, USER or PASS). */
        public Builder irc(boolean v) { irc = v; return this; }
        /** Only people logged in to an account may chat (they may still register before hello). */
        public Builder accountsRequired(boolean v) { accountsRequired = v; return this; }
        public Builder accountHashIterations(int v) { accountHashIterations = v; return this; }
        public Builder maxDevicesPerAccount(int v) { maxDevicesPerAccount = v; return this; }
        public Builder fsync(Fsync v) { fsync = v; return this; }
        /** The server password every hello must carry; null for none. */
        public Builder password(String v) { password = v; return this; }
        public Builder operatorsFile(Path v) { operatorsFile = v; return this; }
        public Builder defaultSanction(Duration v) { defaultSanction = v; return this; }
        public Builder maxOpenJournals(int v) { maxOpenJournals = v; return this; }
        /** Bytes of kept messages in memory, all rooms together; 0 for a quarter of the heap. */
        public Builder historyMemoryBytes(long v) { historyMemoryBytes = v; return this; }
        /** Bytes of unsent lines in all outboxes together; 0 for a quarter of the heap. */
        public Builder outboxMemoryBytes(long v) { outboxMemoryBytes = v; return this; }

        public ServerConfig build() {
            return new ServerConfig(host, port, serverName, defaultRoom, maxLineBytes, maxOutboxBytes, writeTimeout,
                    handshakeTimeout, registrationTimeout, closeLinger, shutdownGrace, maxConnections,
                    maxConnectionsPerAddress, limitLoopback, connectsPerAddressPerMinute, quietJoinsAbove, maxRoomsPerClient, maxMembersPerRoom,
                    pingInterval, pingTimeout,
                    floodLinesPerSecond, floodBurst, floodDisconnectAfter, metricsPort,
                    maxNickChars, maxTopicChars, historySize, historyOnJoin, dataDir, fsync,
                    password, operatorsFile, defaultSanction, maxOpenJournals, historyMemoryBytes,
                    outboxMemoryBytes, cluster, web, announce, irc, accountsRequired, accountHashIterations,
                    maxDevicesPerAccount);
        }
    }
}
