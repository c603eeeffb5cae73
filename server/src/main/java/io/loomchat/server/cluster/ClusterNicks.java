package io.loomchat.server.cluster;

import io.loomchat.server.chat.NickLedger;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nick ownership across the cluster, in a JetStream key-value bucket: a nick's key (its skeleton, so
 * look-alikes collide as on one node) is created by the node whose client claims it, and creating a key
 * that exists fails on the NATS server, so two nodes never both win, even at the same instant.
 *
 * <p>Ownership is a lease: every entry in the bucket expires {@link #LEASE} after its last write, and a
 * node renews its own every {@link #RENEW_EVERY}. A node that dies stops renewing, and its users' nicks are
 * free again within {@link #LEASE}. A renewal is a write that expects the entry's last revision: if another
 * node took the nick meanwhile (this node was cut off from NATS longer than the lease), the renewal fails
 * and this node's holder of the nick is disconnected, so there is never more than one owner for long.
 */
public final class ClusterNicks implements NickLedger, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNicks.class);
    static final String BUCKET = "loomchat_nicks";
    static final Duration LEASE = Duration.ofSeconds(30);
    static final Duration RENEW_EVERY = Duration.ofSeconds(10);

    private final KeyValue bucket;
    private final String node;
    private final Map<String, Held> held = new ConcurrentHashMap<>(); // by key
    private final Thread renewer;
    private volatile boolean closed;

    /** One nick this node holds: its entry's last revision, and what to do if it is lost. */
    private record Held(long revision, Runnable lost) {
    }

    private ClusterNicks(KeyValue bucket, String node) {
        this.bucket = bucket;
        this.node = node;
        this.renewer = Thread.ofVirtual().name("loomchat-nick-leases").start(this::renewLoop);
    }

    public static ClusterNicks open(ClusterLink link) throws IOException {
        try {
            KeyValueManagement management = link.connection().keyValueManagement();
            KeyValueConfiguration config = KeyValueConfiguration.builder()
                    .name(BUCKET).ttl(LEASE).storageType(StorageType.File).replicas(link.config().replicas()).build();
            try {
                management.create(config);
            } catch (JetStreamApiException exists) {
                management.update(config);
            }
            return new ClusterNicks(link.connection().keyValue(BUCKET), link.nodeName());
        } catch (JetStreamApiException e) {
            throw new IOException("NATS refused the nick bucket: " + e.getMessage(), e);
        }
    }

    static String key(String skeleton) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(skeleton.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean claim(String skeleton, Runnable lost) throws ClusterUnavailable {
        String key = key(skeleton);
        try {
            long revision = bucket.create(key, node.getBytes(StandardCharsets.UTF_8));
            held.put(key, new Held(revision, lost));
            return true;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == 10071 || e.getApiErrorCode() == 10164) {
                return false; // someone on some node holds it
            }
            throw new ClusterUnavailable("the cluster's nick ledger (NATS) refused: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ClusterUnavailable("the cluster's nick ledger (NATS) did not answer: " + e.getMessage(), e);
        }
    }

    @Override
    public void release(String skeleton) {
        String key = key(skeleton);
        Held was = held.remove(key);
        if (was == null) {
            return;
        }
        try {
            bucket.delete(key, was.revision()); // only our own entry: never one another node took meanwhile
        } catch (IOException | JetStreamApiException e) {
            LOG.debug("nick {} not released now ({}); its lease runs out", skeleton, e.getMessage());
        }
    }

    private void renewLoop() {
        while (!closed) {
            try {
                Thread.sleep(RENEW_EVERY);
            } catch (InterruptedException e) {
                return;
            }
            for (Map.Entry<String, Held> entry : held.entrySet()) {
                Held h = entry.getValue();
                try {
                    long revision = bucket.update(entry.getKey(), node.getBytes(StandardCharsets.UTF_8), h.revision());
                    held.replace(entry.getKey(), h, new Held(revision, h.lost()));
                } catch (JetStreamApiException e) {
                    if (held.remove(entry.getKey(), h)) {
                        LOG.warn("nick lease {} was lost to another node ({}); its holder here is disconnected",
                                entry.getKey(), e.getMessage());
                        h.lost().run();
                    }
                } catch (IOException e) {
                    LOG.debug("nick lease not renewed now: {}", e.getMessage()); // NATS away: next round
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        renewer.interrupt();
        try {
            renewer.join(TimeUnit.SECONDS.toMillis(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
