package io.loomchat.server.history;

import io.loomchat.protocol.Event;
import java.io.IOException;

/**
 * Where a room's messages live beyond the few it keeps in memory: nowhere ({@link #MEMORY_ONLY}), a local
 * journal ({@link JournalStore}), or, in a cluster, a shared stream. The room calls {@link #append} under
 * its lock, before anyone receives the event, so the store holds the room's events in delivery order and
 * a message is stored before it is acknowledged; its ordering logic does not change with the store.
 */
public interface HistoryStore {

    /**
     * Stores one event, already encoded as its line. Returns normally only once the event is as safe as
     * the store makes it.
     *
     * @throws IOException if it could not be stored: the room then says nothing and the sender is told
     */
    void append(Event event, byte[] line) throws IOException;

    /** The room closed: release what the store holds for it. */
    void close();

    /** Whether the room's last id outlives the room here (otherwise the directory remembers it). */
    boolean keepsIds();

    /** No storage: history lives in the room's memory and goes with the room. */
    HistoryStore MEMORY_ONLY = new HistoryStore() {
        @Override
        public void append(Event event, byte[] line) {
        }

        @Override
        public void close() {
        }

        @Override
        public boolean keepsIds() {
            return false;
        }
    };
}
