package io.loomchat.server.history;

import io.loomchat.protocol.Event;
import java.io.IOException;

/** A room's history in its journal under --data-dir (see {@link RoomJournal}). */
public final class JournalStore implements HistoryStore {

    private final RoomJournal file;
    private final boolean forceEachAppend;

    public JournalStore(RoomJournal file, boolean forceEachAppend) {
        this.file = file;
        this.forceEachAppend = forceEachAppend;
    }

    @Override
    public void append(Event event, byte[] line) throws IOException {
        file.append(line, forceEachAppend);
    }

    @Override
    public void close() {
        file.close();
    }

    @Override
    public boolean keepsIds() {
        return true; // the journal keeps at least the last message, so ids continue after a restart
    }
}
