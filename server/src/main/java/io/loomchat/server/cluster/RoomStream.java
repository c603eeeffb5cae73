package io.loomchat.server.cluster;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ServerInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The rooms' stream in JetStream, as a node finds it when it connects: checked, made, or brought in line. */
final class RoomStream {

    /** JetStream's de-duplication window for the rooms' stream: a publish retried within it is stored once. */
    static final Duration DUPLICATE_WINDOW = Duration.ofMinutes(2);

    private RoomStream() {
    }

    /** Why this NATS cannot hold the rooms' stream as asked, or null if it can. */
    static String refusal(Connection connection, int replicas) {
        ServerInfo info = connection.getServerInfo();
        return !info.isJetStreamAvailable()
                ? "NATS at " + connection.getConnectedUrl() + " has no JetStream: start nats-server with -js"
                : replicas > 1 && (info.getCluster() == null || info.getCluster().isEmpty())
                ? "--nats-replicas " + replicas + " needs a NATS cluster of at least " + replicas
                        + " servers; NATS at " + connection.getConnectedUrl() + " is a single server (and would refuse "
                        + "to load the rooms' stream at its next restart): leave --nats-replicas at 1"
                : null;
    }

    /**
     * Creates the stream, or brings its limits in line: file storage, the last {@code historySize} lines of each room,
     * {@code replicas} copies. Returns the stream's epoch: its name and creation time, the same on every node. Retried
     * for a while: a fresh NATS cluster may not have elected a JetStream leader yet.
     */
    static String ensure(Connection connection, int replicas, int historySize) throws IOException {
        StreamConfiguration stream = StreamConfiguration.builder()
                .name(RoomSubjects.STREAM)
                .subjects(RoomSubjects.ALL, RoomSubjects.ALL_TOPICS)
                .storageType(StorageType.File)
                .maxMessagesPerSubject(Math.max(1, historySize))
                .replicas(replicas)
                .duplicateWindow(DUPLICATE_WINDOW)
                .build();
        JetStreamManagement management = connection.jetStreamManagement();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                StreamInfo info;
                try {
                    info = management.addStream(stream);
                } catch (JetStreamApiException exists) {
                    info = management.updateStream(stream); // there already, perhaps with other limits
                }
                return "jetstream-" + RoomSubjects.STREAM + "-" + info.getCreateTime().toInstant().toEpochMilli();
            } catch (JetStreamApiException | IOException e) {
                // A fresh NATS cluster answers nothing (a timeout) until it has elected a JetStream leader.
                if (System.nanoTime() > deadline) {
                    throw new IOException("NATS JetStream refused the rooms' stream: " + e.getMessage()
                            + " (is JetStream on? nats-server -js)", e);
                }
                sleepBriefly();
            }
        }
    }

    static void sleepBriefly() throws IOException {
        try {
            Thread.sleep(200); // waiting for a JetStream leader: nothing to block on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
