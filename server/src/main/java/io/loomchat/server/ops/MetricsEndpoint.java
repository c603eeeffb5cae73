package io.loomchat.server.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** {@code GET /metrics} in Prometheus's text format, on its own port, served by the JDK's HTTP server. */
public final class MetricsEndpoint implements AutoCloseable {

    private final HttpServer http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    /** Serves {@code text} on {@code host}:{@code port}; a request must be whole within {@code handshakeTimeout}. */
    public MetricsEndpoint(String host, int port, Duration handshakeTimeout, Supplier<String> text) throws IOException {
        // The JDK's HTTP server holds a connection that never finishes its request for ever unless told
        // otherwise, by a property it reads once per JVM: handshake-timeout, as on the other ports (a
        // property given on the command line wins).
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            long seconds = Math.max(1, handshakeTimeout.toSeconds());
            System.setProperty("sun.net.httpserver.maxReqTime", String.valueOf(seconds));
        }
        // Silent new connections are closed by its idle task, which looks every 10 s by default: every second.
        if (System.getProperty("sun.net.httpserver.clockTick") == null) {
            System.setProperty("sun.net.httpserver.clockTick", "1000");
        }
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 16);
        } catch (BindException e) {
            throw new BindException("cannot serve metrics on " + host + " port " + port + ": " + e.getMessage()
                    + " (choose another with --metrics-port)");
        }
        http.setExecutor(executor);
        http.createContext("/metrics", exchange -> respond(exchange, text));
        http.start();
    }

    private static void respond(HttpExchange exchange, Supplier<String> text) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = text.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public int port() {
        return http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdown();
    }
}
