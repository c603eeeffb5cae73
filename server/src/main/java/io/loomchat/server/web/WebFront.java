package io.loomchat.server.web;

import io.helidon.common.socket.SocketOptions;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.config.WebConfig;
import io.loomchat.server.connection.Doorway;
import io.loomchat.server.connection.Sessions;
import io.loomchat.server.guard.TokenBuckets;
import io.loomchat.server.guard.RefusalLog;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * The web client's door: an HTTP (or, with the server's TLS, HTTPS) listener that serves the page at
 * {@code /} and takes WebSockets at {@code /ws}. Helidon's WebServer, made for virtual threads: each
 * connection is read on a virtual thread of its own, as the chat port's are.
 */
public final class WebFront implements AutoCloseable {

    private final WebServer server;

    private WebFront(WebServer server) {
        this.server = server;
    }

    /** Starts listening; a port that cannot be had is an IOException naming it. */
    public static WebFront start(ServerConfig server, Clock clock, Sessions sessions, int maxConnections, SSLContext tls,
                                 Doorway doorway, RefusalLog refusals) throws IOException {
        WebConfig config = server.web();
        new HelidonLogging().initialization(); // also when Helidon's service lookup does not run first
        OriginPolicy origins = new OriginPolicy(config.allowedOrigins());
        int maxLine = server.maxLineBytes();
        PageFiles page = new PageFiles(server.serverName(), server.password() != null, maxLine);
        RequestTurns turns = new RequestTurns(new TokenBuckets<>(clock, RequestTurns.PER_SECOND, RequestTurns.BURST),
                server.limitLoopback(), doorway, refusals);
        WebServerConfig.Builder builder = WebServer.builder()
                .host(config.host())
                .port(config.port())
                // The page takes no uploads: a request body is at most a line's worth (else 413 and closed), so
                // that no client can keep Helidon reading and dropping a body without end.
                .maxPayloadSize(maxLine)
                // Every request takes a turn and is charged to its address (RequestTurns).
                .addProtocol(Http1Config.builder().addReceiveListener(turns).build())
                // A frame is held whole before it is handed on, so it is capped at max-line-bytes, as a TCP
                // line is: a bigger one closes the connection (1009) before it is read into memory.
                .addProtocol(WsConfig.builder().name("websocket").maxFrameLength(maxLine)
                        .origins(origins.helidonOrigins()).build())
                .addRouting(HttpRouting.builder().get("/", page::serve).get("/{file}", page::serve))
                .addRouting(WsRouting.builder().endpoint("/ws",
                        () -> new BrowserConnection(server, clock, sessions, origins, tls != null, doorway, refusals)))
                // Each accepted connection is admitted at the door (per address, throttled, timed) first.
                .connectionOptions(new DoorOptions(SocketOptions.builder().tcpNoDelay(true).build(), doorway))
                // Helidon's NIO sockets look the client's name up in DNS for every TLS connection (the SSLEngine
                // is made with the peer's host name): a blocking reverse look-up per connection, and on an
                // offline LAN a wait of seconds. Its socket streams do not.
                .useNio(false)
                // A WebSocket is never silent longer than ping-interval + ping-timeout (the server's ping asks for
                // an answer, and no answer ends it): past that, with some slack, Helidon's sweep closes what is
                // left idle, a page load's kept-alive connection or one that never sent a request.
                .idleConnectionTimeout(server.pingInterval().plus(server.pingTimeout()).plusSeconds(30))
                .idleConnectionPeriod(Duration.ofSeconds(30))
                // Its share of the descriptors (see DescriptorBudget): as many as the chat port's sessions.
                .maxTcpConnections(maxConnections)
                .shutdownGracePeriod(Duration.ofMillis(500));
        if (tls != null) {
            builder.tls(Tls.builder().sslContext(tls).build());
        }
        checkPort(config);
        WebServer started;
        try {
            started = builder.build().start();
        } catch (RuntimeException e) {
            throw new BindException("cannot listen on " + config.host() + " port " + config.port()
                    + " for the web client: " + rootMessage(e));
        }
        if (!started.isRunning() || started.port() <= 0) {
            started.stop();
            throw new BindException("cannot listen on " + config.host() + " port " + config.port() + " for the web client");
        }
        return new WebFront(started);
    }

    /**
     * Helidon reports a port it cannot bind in its log and starts without that listener: the port is tried
     * here first, so that the operator gets one line (and, for a chosen port, no server).
     */
    public static void checkPort(WebConfig config) throws IOException {
        if (config.port() == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()));
        } catch (IOException e) {
            throw new BindException("cannot listen on " + config.host() + " port " + config.port()
                    + " for the web client: " + e.getMessage() + " (choose another with --web-port, or --web-port off)");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    /** The port the page is served on (the one the system picked for port 0). */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
