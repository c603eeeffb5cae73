package io.loomchat.server.cluster;

import java.io.IOException;

/** NATS did not answer in time or refused: what was asked was not done (see docs/PROTOCOL.md, unavailable). */
public final class ClusterUnavailable extends IOException {

    public ClusterUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
