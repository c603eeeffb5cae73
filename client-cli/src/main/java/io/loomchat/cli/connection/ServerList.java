package io.loomchat.cli.connection;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The servers a client may use, from {@code --host a,b:7001,c}: any of them will do (the nodes of one
 * cluster). A connection tries them in turn, starting with the one that worked last, and every address
 * of a name that has several; so when a node dies, the next reconnect lands on another.
 */
public final class ServerList {

    /** One entry of the list: a host name or address and its port. */
    public record Server(String host, int port) {
        @Override
        public String toString() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /** Opens a socket to one address of a server. */
    @FunctionalInterface
    public interface Dial {
        Socket dial(Server server, InetAddress address) throws IOException;
    }

    private final List<Server> servers;
    private volatile int current; // the one that worked last

    private ServerList(List<Server> servers) {
        this.servers = List.copyOf(servers);
    }

    /**
     * {@code hosts} is a comma-separated list of {@code host} or {@code host:port} ({@code [v6]:port} for an
     * IPv6 address with a port); a host without a port takes {@code defaultPort}.
     */
    public static ServerList parse(String hosts, int defaultPort) {
        List<Server> servers = new ArrayList<>();
        for (String part : hosts.split(",")) {
            String entry = part.strip();
            if (entry.isEmpty()) {
                continue;
            }
            String host = entry;
            int port = defaultPort;
            if (entry.startsWith("[") && entry.contains("]")) {
                host = entry.substring(1, entry.indexOf(']'));
                String rest = entry.substring(entry.indexOf(']') + 1);
                if (rest.startsWith(":")) {
                    port = port(rest.substring(1), entry);
                }
            } else if (entry.indexOf(':') > 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
                host = entry.substring(0, entry.indexOf(':'));
                port = port(entry.substring(entry.indexOf(':') + 1), entry);
            }
            servers.add(new Server(host, port));
        }
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("--host names no server");
        }
        return new ServerList(servers);
    }

    private static int port(String text, String entry) {
        try {
            int port = Integer.parseInt(text);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("--host " + entry + ": the port must be a number from 1 to 65535");
    }

    public List<Server> servers() {
        return servers;
    }

    /** The server used last (or first). */
    public Server current() {
        return servers.get(current);
    }

    /**
     * Connects to the first server that answers, starting with the one that worked last. Throws what the
     * last attempt threw when none answers; an unknown host name only if every name was unknown.
     */
    public Socket connect(Dial dial) throws IOException {
        IOException last = null;
        UnknownHostException unknown = null;
        for (int i = 0; i < servers.size(); i++) {
            int index = (current + i) % servers.size();
            Server server = servers.get(index);
            InetAddress[] addresses;
            try {
                addresses = InetAddress.getAllByName(server.host());
            } catch (UnknownHostException e) {
                unknown = e;
                continue;
            }
            for (InetAddress address : addresses) {
                try {
                    Socket socket = dial.dial(server, address);
                    current = index;
                    return socket;
                } catch (IOException e) {
                    if (!(e instanceof ConnectException || e instanceof SocketTimeoutException
                            || e instanceof NoRouteToHostException)) {
                        throw e; // not about reaching it (a TLS mistake, say): another server would not help
                    }
                    last = e;
                }
            }
        }
        throw last != null ? last : unknown;
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (Server server : servers) {
            names.add(server.toString());
        }
        return String.join(",", names);
    }
}
