package io.loomchat.server;

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
        int quietJoinsAbove) {

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
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    /** ...and must complete its hello within this time in all (ergo: 60 s). */
    public static final Duration DEFAULT_REGISTRATION_TIMEOUT = Duration.ofSeconds(60);
    /** How long a closing connection may take to drain its bye before the socket is closed under it. */
    public static final Duration DEFAULT_CLOSE_LINGER = Duration.ofSeconds(2);
    /** How long shutdown waits for every client to take its bye. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    /**
     * In a room with more members than this, joins and leaves are told only to the one joining or leaving:
     * announcing each of N joins to everyone costs N squared lines (a JOIN storm). Twitch's chat does the same
     * above 1,000.
     */
    public static final int DEFAULT_QUIET_JOINS_ABOVE = 1_000;

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
        if (quietJoinsAbove < 0) {
            throw new IllegalArgumentException("quiet-joins-above must not be negative: " + quietJoinsAbove);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max-connections must be positive: " + maxConnections);
        }
    }

    public static ServerConfig defaults() {
        return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_SERVER_NAME, DEFAULT_ROOM,
                DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_OUTBOX_BYTES, DEFAULT_WRITE_TIMEOUT,
                DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_REGISTRATION_TIMEOUT, DEFAULT_CLOSE_LINGER,
                DEFAULT_SHUTDOWN_GRACE, DEFAULT_MAX_CONNECTIONS, DEFAULT_QUIET_JOINS_ABOVE);
    }

    public ServerConfig withAddress(String newHost, int newPort) {
        return new ServerConfig(newHost, newPort, serverName, defaultRoom, maxLineBytes, maxOutboxBytes,
                writeTimeout, handshakeTimeout, registrationTimeout, closeLinger, shutdownGrace, maxConnections, quietJoinsAbove);
    }

    public ServerConfig withMaxLineBytes(int bytes) {
        return new ServerConfig(host, port, serverName, defaultRoom, bytes, Math.max(bytes, maxOutboxBytes),
                writeTimeout, handshakeTimeout, registrationTimeout, closeLinger, shutdownGrace, maxConnections, quietJoinsAbove);
    }

    public ServerConfig withMaxOutboxBytes(int bytes) {
        return new ServerConfig(host, port, serverName, defaultRoom, maxLineBytes, bytes,
                writeTimeout, handshakeTimeout, registrationTimeout, closeLinger, shutdownGrace, maxConnections, quietJoinsAbove);
    }

    public ServerConfig withTimeouts(Duration write, Duration handshake, Duration registration) {
        return new ServerConfig(host, port, serverName, defaultRoom, maxLineBytes, maxOutboxBytes,
                write, handshake, registration, closeLinger, shutdownGrace, maxConnections, quietJoinsAbove);
    }

    public ServerConfig withMaxConnections(int connections) {
        return new ServerConfig(host, port, serverName, defaultRoom, maxLineBytes, maxOutboxBytes,
                writeTimeout, handshakeTimeout, registrationTimeout, closeLinger, shutdownGrace, connections, quietJoinsAbove);
    }

    public ServerConfig withQuietJoinsAbove(int members) {
        return new ServerConfig(host, port, serverName, defaultRoom, maxLineBytes, maxOutboxBytes,
                writeTimeout, handshakeTimeout, registrationTimeout, closeLinger, shutdownGrace, maxConnections, members);
    }

    public ServerConfig withServerName(String name) {
        return new ServerConfig(host, port, name, defaultRoom, maxLineBytes, maxOutboxBytes,
                writeTimeout, handshakeTimeout, registrationTimeout, closeLinger, shutdownGrace, maxConnections, quietJoinsAbove);
    }
}
