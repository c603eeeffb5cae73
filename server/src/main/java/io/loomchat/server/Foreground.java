package io.loomchat.server;

import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.connection.TlsSetup;
import io.loomchat.server.ops.Metrics;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import sun.misc.Signal;

/**
 * The server run from the command line: started, announced on standard output, and served until SIGTERM
 * or SIGINT, after which every client gets its bye and the exit status is 0.
 */
final class Foreground {

    /** What makes the TLS context from the options: null without TLS. */
    @FunctionalInterface
    interface TlsOptions {
        SSLContext call() throws IOException, GeneralSecurityException;
    }

    private final ServerConfig config;
    private final String webHost;
    private final String metricsHost;

    Foreground(ServerConfig config, String webHost, String metricsHost) {
        this.config = config;
        this.webHost = webHost;
        this.metricsHost = metricsHost;
    }

    /** Starts, serves until told to stop, and returns the exit status. */
    int run(TlsOptions tlsSetup) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        // Handling the signals ourselves (instead of a shutdown hook) lets a stop end in exit status 0,
        // which is what `docker stop` and service managers read as a clean shutdown.
        AtomicBoolean serving = new AtomicBoolean();
        for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), s -> {
                stop.countDown();
                if (!serving.get()) {
                    // Still starting (waiting for NATS, say): nobody is connected yet, nothing to say bye to.
                    System.err.println("loomchat-server: stopped while starting");
                    System.exit(0);
                }
            });
        }
        SSLContext tls;
        try {
            tls = tlsSetup.call();
        } catch (IOException | GeneralSecurityException e) {
            // A wrong keystore password, a key in an old format, a missing file: one line, no stack trace.
            System.err.println("loomchat-server: cannot start: TLS: " + TlsSetup.problem(e));
            return 2;
        }
        ChatServer started;
        try {
            started = ChatServer.start(config, Clock.systemUTC(), tls);
        } catch (IllegalArgumentException | IOException e) {
            // A setting that does not fit this machine, a journal that must not be served, a port in use, a
            // data dir that cannot be written: the operator's to fix, said in one line.
            System.err.println("loomchat-server: cannot start: "
                    + (e instanceof IOException io ? ServerCommand.fileProblem(io) : e.getMessage()));
            return 2;
        }
        serving.set(true);
        try (ChatServer server = started) {
            System.out.println("Loomchat server listening on " + server.address() + (tls == null ? "" : " (TLS)")
                    + " (stop with Ctrl-C; connect with: ./loomchat chat " + (tls == null ? "" : "--tls --trust CERT.pem ")
                    + "--host HOST --port " + server.port() + ")");
            if (server.webPort() > 0) {
                String webHostShown = webHost;
                System.out.println("Web client at " + (tls == null ? "http" : "https") + "://"
                        + (webHostShown.equals("0.0.0.0") || webHostShown.equals("::") ? "localhost" : webHostShown)
                        + ":" + server.webPort() + "/ (open it in a browser; --web-port off turns it off)");
            }
            if (server.metricsPort() > 0) {
                System.out.println("Metrics at http://" + metricsHost + ":" + server.metricsPort() + "/metrics");
            }
            System.out.flush();
            stop.await();
            System.out.println("Shutting down: saying bye to " + server.connectionCount() + " client(s)");
        }
        return 0;
    }
}
