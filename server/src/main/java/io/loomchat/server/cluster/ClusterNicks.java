package io.loomchat.server.cluster;

import io.loomchat.server.chat.NickLedger;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
 *
 * <p>A client whose node died comes back on another node with its resume token: the entry holds a hash of
 * that token, and the new node takes the entry over (a write expecting the revision it read) at once,
 * without waiting for the lease to run out. The dead node's session, if its node still lives, loses the
 * nick at its next renewal and is disconnected.
 */
public final class ClusterNicks implements NickLedger, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNicks.class);
    static final String BUCKET = "loomchat_nicks";
    static final Duration LEASE = Duration.ofSeconds(30);
    static final Duration RENEW_EVERY = Duration.ofSeconds(10);
    /** How often this node's name is renewed, and how long a starting node watches a name in use for a renewal. */
    static final Duration NODE_RENEW_EVERY = Duration.ofSeconds(2);
    static final Duration NODE_WATCH = Duration.ofMillis(NODE_RENEW_EVERY.toMillis() * 2 + 500);

    private final KeyValue bucket;
    private final String node;
    private final Map<String, Held> held = new ConcurrentHashMap<>(); // by key
    private final Thread renewer;
    private volatile boolean closed;
    private final LongAdder renewed = new LongAdder();
    private final LongAdder notRenewed = new LongAdder();

    /** One nick this node holds: its entry's last revision and value, and what to do if it is lost. */
    private record Held(long revision, Owner owner, Runnable lost) {
    }

    private static final SecureRandom LINEAGES = new SecureRandom();

    /** This node's own entry ("node.NAME": base64url nick keys never hold a '.'), renewed like a nick. */
    private final String nodeKey;
    private volatile long nodeRevision;

    private ClusterNicks(KeyValue bucket, String node) throws IOException {
        this.bucket = bucket;
        this.node = node;
        this.nodeKey = "node." + node;
        this.nodeRevision = claimNodeName();
        this.renewer = Thread.ofVirtual().name("loomchat-nick-leases").start(this::renewLoop);
    }

    /**
     * Makes sure no running node has this node's name: two nodes of one name would take each other's private
     * messages and answers for their own, and neither would ever be declared lost. The name's entry is
     * renewed every {@link #NODE_RENEW_EVERY} while its node runs; an entry that is not renewed while this
     * node watches it (a node that died, restarted within the lease) is taken over.
     */
    private long claimNodeName() throws IOException {
        byte[] me = node.getBytes(StandardCharsets.UTF_8);
        try {
            try {
                return bucket.create(nodeKey, me);
            } catch (JetStreamApiException taken) {
                if (taken.getApiErrorCode() != 10071 && taken.getApiErrorCode() != 10164) {
                    throw taken;
                }
            }
            KeyValueEntry seen = bucket.get(nodeKey);
            long deadline = System.nanoTime() + NODE_WATCH.toNanos();
            while (System.nanoTime() < deadline) {
                Thread.sleep(200); // watching another node's renewals: nothing to wait on
                KeyValueEntry now = bucket.get(nodeKey);
                if (now != null && seen != null && now.getRevision() != seen.getRevision()) {
                    throw new IOException("another node named '" + node + "' is running in this cluster (its name was "
                            + "renewed just now): give each node its own --node-name");
                }
            }
            return seen == null ? bucket.create(nodeKey, me) : bucket.update(nodeKey, me, seen.getRevision());
        } catch (JetStreamApiException e) {
            throw new IOException("NATS refused this node's name: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while claiming the node name", e);
        }
    }

    public static ClusterNicks open(ClusterLink link) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        KeyValue bucket;
        while (true) {
            try {
                KeyValueManagement management = link.connection().keyValueManagement();
                KeyValueConfiguration config = KeyValueConfiguration.builder()
                        .name(BUCKET).ttl(LEASE).storageType(StorageType.File).replicas(link.config().replicas()).build();
                try {
                    management.create(config);
                } catch (JetStreamApiException exists) {
                    management.update(config);
                }
                // A claim waits at most ANSWER_WITHIN: a person at hello gets "unavailable", not silence.
                bucket = link.connection().keyValue(BUCKET, KeyValueOptions.builder()
                        .jsRequestTimeout(ClusterLink.ANSWER_WITHIN).build());
                break;
            } catch (JetStreamApiException | IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("NATS refused the nick bucket: " + e.getMessage(), e);
                }
                RoomStream.sleepBriefly(); // a fresh NATS cluster: no JetStream leader yet
            }
        }
        return new ClusterNicks(bucket, link.nodeName());
    }

    static String key(String skeleton) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(skeleton.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An entry's value: the node holding the nick, the claim's lineage, and a hash of the holder's resume
     * token (never the token: anyone who can read the bucket could resume with it).
     */
    private record Owner(String node, String lineage, String tokenHash) {
        byte[] bytes() {
            return (node + " " + lineage + " " + tokenHash).getBytes(StandardCharsets.UTF_8);
        }

        static Owner parse(byte[] value) {
            String[] parts = value == null ? new String[0] : new String(value, StandardCharsets.UTF_8).split(" ");
            return parts.length == 3 ? new Owner(parts[0], parts[1], parts[2]) : null;
        }
    }

    @Override
    public String claim(String skeleton, String newToken, String presentedToken, Runnable lost) throws ClusterUnavailable {
        String key = key(skeleton);
        try {
            Owner fresh = new Owner(node, newLineage(), hash(newToken));
            try {
                long revision = bucket.create(key, fresh.bytes());
                held.put(key, new Held(revision, fresh, lost));
                return fresh.lineage();
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != 10071 && e.getApiErrorCode() != 10164) {
                    throw e;
                }
            }
            // Someone holds it. The same person back with the token of their earlier session takes it over.
            KeyValueEntry entry = presentedToken == null ? null : bucket.get(key);
            Owner holder = entry == null ? null : Owner.parse(entry.getValue());
            if (holder == null || !MessageDigest.isEqual(holder.tokenHash().getBytes(StandardCharsets.US_ASCII),
                    hash(presentedToken).getBytes(StandardCharsets.US_ASCII))) {
                return null;
            }
            Owner successor = new Owner(node, holder.lineage(), hash(newToken));
            try {
                // Expecting the revision read: if the holder renewed or someone else won meanwhile, no takeover.
                long revision = bucket.update(key, successor.bytes(), entry.getRevision());
                held.put(key, new Held(revision, successor, lost));
                return successor.lineage();
            } catch (JetStreamApiException raced) {
                return null;
            }
        } catch (JetStreamApiException e) {
            throw new ClusterUnavailable("the cluster's nick ledger (NATS) refused: " + e.getMessage(), e);
        } catch (IOException | IllegalStateException e) {
            // IllegalStateException: the NATS client refuses to send while it reconnects (nothing is buffered)
            throw new ClusterUnavailable("the cluster's nick ledger (NATS) did not answer: " + e.getMessage(), e);
        }
    }

    /** The node whose client holds {@code skeleton} now; null if nobody does. */
    public String holderNode(String skeleton) throws ClusterUnavailable {
        try {
            KeyValueEntry entry = bucket.get(key(skeleton));
            Owner owner = entry == null ? null : Owner.parse(entry.getValue());
            return owner == null ? null : owner.node();
        } catch (IOException | JetStreamApiException | IllegalStateException e) {
            throw new ClusterUnavailable("the cluster's nick ledger (NATS) did not answer: " + e.getMessage(), e);
        }
    }

    private static String newLineage() {
        byte[] raw = new byte[9];
        LINEAGES.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    private static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    (token == null ? "" : token).getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
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
        } catch (IOException | JetStreamApiException | IllegalStateException e) {
            LOG.debug("nick {} not released now ({}); its lease runs out", skeleton, e.getMessage());
        }
    }

    private void renewLoop() {
        long nicksDue = System.nanoTime() + RENEW_EVERY.toNanos();
        while (!closed) {
            try {
                Thread.sleep(NODE_RENEW_EVERY);
            } catch (InterruptedException e) {
                return;
            }
            renewNodeName();
            if (System.nanoTime() < nicksDue) {
                continue;
            }
            nicksDue = System.nanoTime() + RENEW_EVERY.toNanos();
            for (Map.Entry<String, Held> entry : held.entrySet()) {
                Held h = entry.getValue();
                try {
                    long revision = bucket.update(entry.getKey(), h.owner().bytes(), h.revision());
                    held.replace(entry.getKey(), h, new Held(revision, h.owner(), h.lost()));
                    renewed.increment();
                } catch (JetStreamApiException e) {
                    if (held.remove(entry.getKey(), h)) {
                        LOG.warn("nick lease {} was lost to another node ({}); its holder here is disconnected",
                                entry.getKey(), e.getMessage());
                        h.lost().run();
                    }
                } catch (IOException | IllegalStateException e) {
                    // NATS away (the client refuses to send while it reconnects): next round.
                    notRenewed.increment();
                    LOG.debug("nick lease not renewed now: {}", e.getMessage());
                } catch (RuntimeException e) {
                    LOG.error("renewing nick lease {}", entry.getKey(), e); // never the end of renewing
                }
            }
        }
    }

    private void renewNodeName() {
        try {
            nodeRevision = bucket.update(nodeKey, node.getBytes(StandardCharsets.UTF_8), nodeRevision);
        } catch (JetStreamApiException e) {
            // Gone (NATS lost it, or an outage outlasted the lease) or taken: take it back, then say so.
            try {
                KeyValueEntry now = bucket.get(nodeKey);
                nodeRevision = now == null ? bucket.create(nodeKey, node.getBytes(StandardCharsets.UTF_8))
                        : bucket.update(nodeKey, node.getBytes(StandardCharsets.UTF_8), now.getRevision());
                if (now != null) {
                    LOG.error("another node is using this node's name '{}': give each node its own --node-name", node);
                }
            } catch (IOException | JetStreamApiException | IllegalStateException again) {
                LOG.debug("node name not renewed now: {}", again.toString());
            }
        } catch (IOException | IllegalStateException e) {
            LOG.debug("node name not renewed now: {}", e.toString()); // NATS away: next round
        } catch (RuntimeException e) {
            LOG.error("renewing the node name", e);
        }
    }

    /** Prometheus lines for /metrics: lease renewals made, and put off while NATS was away. */
    public void writeMetrics(StringBuilder out) {
        out.append("# HELP loomchat_cluster_nick_renewals_total Nick leases this node renewed.\n")
                .append("# TYPE loomchat_cluster_nick_renewals_total counter\n")
                .append("loomchat_cluster_nick_renewals_total ").append(renewed.sum()).append('\n')
                .append("# HELP loomchat_cluster_nick_renewals_missed_total Nick lease renewals put off because NATS "
                        + "did not answer (a lease runs out 30 s after its last renewal).\n")
                .append("# TYPE loomchat_cluster_nick_renewals_missed_total counter\n")
                .append("loomchat_cluster_nick_renewals_missed_total ").append(notRenewed.sum()).append('\n');
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
        try {
            bucket.delete(nodeKey, nodeRevision); // the name is free at once for this node's next start
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debug("node name not released ({}); its lease runs out", e.toString());
        }
    }
}
