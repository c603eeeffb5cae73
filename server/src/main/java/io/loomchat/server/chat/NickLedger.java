package io.loomchat.server.chat;

import java.io.IOException;

/**
 * Where nicks are owned beyond this node: in a cluster, a ledger all nodes share. Keys are nick skeletons
 * (see {@link Names#skeleton}), so look-alike nicks collide across nodes as they do on one.
 */
public interface NickLedger {

    /**
     * Claims {@code skeleton} for a client of this node; false if a client anywhere holds it. If the claim
     * is later lost (this node was cut off longer than its lease and someone else took the nick),
     * {@code lost} runs.
     *
     * @throws IOException if the ledger cannot be reached: nothing was claimed
     */
    boolean claim(String skeleton, Runnable lost) throws IOException;

    /** Gives up a claim made here; best effort (a claim that cannot be released runs out by itself). */
    void release(String skeleton);
}
