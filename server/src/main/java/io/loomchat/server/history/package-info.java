/**
 * A room's messages beyond the moment: the few a room keeps in memory ({@code RecentMessages}, within the
 * server-wide {@code HistoryBudget}) and where they live for good ({@code HistoryStore}: nowhere, or the
 * local journal of {@code --data-dir}, one {@code RoomJournal} per room, kept by the {@code JournalDirectory}).
 */
package io.loomchat.server.history;
