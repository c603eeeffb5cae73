package io.loomchat.server.ops;

import io.loomchat.protocol.BoundedLineReader;
import io.loomchat.protocol.Codec;
import io.loomchat.protocol.Event;
import io.loomchat.protocol.ProtocolException;
import io.loomchat.protocol.Request.Ping;
import io.loomchat.protocol.Request.Quit;
import io.loomchat.server.config.ServerConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A container health check that speaks the protocol: connects, sends a ping and expects its pong within
 * two seconds. Exit status 0 when healthy, 1 otherwise. Usage: {@code HealthProbe [HOST [PORT]]}.
 */
public final class HealthProbe {

    private static final int TIMEOUT_MILLIS = 2000;

    private HealthProbe() {
    }

    public static void main(String[] args) {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : ServerConfig.DEFAULT_PORT;
        String problem = problem(host, port);
        if (problem == null) {
            System.exit(0);
        }
        System.err.println("unhealthy: " + problem);
        System.exit(1);
    }

    /** Null if the server at host:port answers a ping with its pong in time; else what went wrong. */
    public static String problem(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(Codec.encode(new Ping("health")));
            out.flush();
            BoundedLineReader lines = new BoundedLineReader(socket.getInputStream(), 4096);
            Event reply = null;
            // The greeting comes first (a notice without a ref); the pong right after it.
            for (int line = 0; line < 2 && !(reply instanceof Event.Pong); line++) {
                int n = lines.next();
                reply = n > 0 ? Codec.decodeEvent(lines.line(), 0, n) : null;
            }
            out.write(Codec.encode(new Quit("health check", null)));
            out.flush();
            if (reply instanceof Event.Pong pong && "health".equals(pong.ref())) {
                return null;
            }
            return "expected a pong, got " + reply;
        } catch (IOException | ProtocolException | RuntimeException e) {
            return e.toString();
        }
    }
}
