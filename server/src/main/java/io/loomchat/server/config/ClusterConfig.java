package io.loomchat.server.config;

import java.nio.file.Path;
import java.util.List;

/**
 * How a node joins a cluster: the NATS servers to use (any of them will do; the client moves between them),
 * this node's name (unique in the cluster: it tells which node's clients a stored line came from), and the
 * credentials NATS asks for, if any.
 *
 * @param natsUrls  {@code nats://host:port} of one or more NATS servers of the same NATS cluster
 * @param nodeName  this node's name, unique in the cluster
 * @param credsFile a NATS {@code .creds} file (user JWT and NKey seed), or null
 * @param tokenFile a file holding a NATS token, or null
 * @param caFile    PEM certificates of the private CA that signed the NATS servers' certificates, or null
 *                  (then TLS, where a {@code tls://} URL asks for it, is checked against the system's trust)
 * @param replicas  copies of the rooms' stream and the nick ledger, up to the NATS cluster's size
 */
public record ClusterConfig(List<String> natsUrls, String nodeName, Path credsFile, Path tokenFile, Path caFile,
                            int replicas) {

    /** Without TLS settings of its own. */
    public ClusterConfig(List<String> natsUrls, String nodeName, Path credsFile, Path tokenFile, int replicas) {
        this(natsUrls, nodeName, credsFile, tokenFile, null, replicas);
    }

    public ClusterConfig {
        natsUrls = List.copyOf(natsUrls);
        if (natsUrls.isEmpty()) {
            throw new IllegalArgumentException("nats: at least one server URL is needed");
        }
        for (String url : natsUrls) {
            // [user:password@]host[:port], the host a name, an IPv4 address or a bracketed IPv6 address
            if (!url.matches("(?i)((nats|tls)://([^\\s/@]+@)?)?(\\[[0-9a-f:.]+\\]|[^\\s/:@\\[\\]]+)(:\\d{1,5})?")) {
                throw new IllegalArgumentException("--nats: '" + url + "' is not a NATS server URL (nats://HOST:PORT, "
                        + "or tls://HOST:PORT for TLS)");
            }
        }
        if (nodeName == null || !nodeName.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("node-name must be 1 to 64 letters, digits, '_' or '-': " + nodeName);
        }
        if (replicas < 1 || replicas > 5) {
            throw new IllegalArgumentException("nats-replicas must be 1 to 5, not " + replicas);
        }
    }

    /** TLS to NATS: asked for by a {@code tls://} URL or by giving a CA. */
    public boolean tls() {
        return caFile != null || natsUrls.stream().anyMatch(url -> url.regionMatches(true, 0, "tls://", 0, 6));
    }
}
