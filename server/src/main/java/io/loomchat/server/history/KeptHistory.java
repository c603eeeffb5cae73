package io.loomchat.server.history;

/** What {@link HistoryBudget} needs of a room: how much of its history it keeps in memory, and a way to drop the oldest. */
public interface KeptHistory {

    /** The bytes this room's kept messages are counted for. */
    long keptBytes();

    /** Drops the oldest kept messages until about {@code bytes} are freed; returns how many were dropped. */
    int dropOldestKept(long bytes);
}
