package io.loomchat.server.chat;

import java.io.IOException;

/**
 * Where nicks are owned beyond this node: in a cluster, a ledger all nodes share. Keys are nick skeletons
 * (see {@link Names#skeleton}), so look-alike nicks collide across nodes as they do on one.
 */
public interface NickLedger {

    /**
     * Claims {@code skeleton} for a client of this node, whose resume token is now {@code newToken}. If a
     * client anywhere holds it, the claim fails (null), unless {@code presentedToken} is that holder's
     * resume token: then the same person is back on another node (theirs died, or they moved) and the nick
     * passes to them. Returns the claim's lineage: an id that stays the same from a session to the one that
     * resumes it (re-sent lines are recognized by it), new for a fresh claim. If the claim is later lost
     * (this node was cut off longer than its lease and someone else took the nick), {@code lost} runs.
     *
     * @throws IOException if the ledger cannot be reached: nothing was claimed
     */
    String claim(String skeleton, String newToken, String presentedToken, Runnable lost) throws IOException;

    /** Gives up a claim made here; best effort (a claim that cannot be released runs out by itself). */
    void release(String skeleton);
}
