/**
 * A room's messages beyond the moment: the few a room keeps in memory ({@code Backlog}, within the
 * server-wide {@code HistoryBudget}) and where they live for good ({@code HistoryStore}: nowhere, or the
 * local journal of {@code --data-dir}, one {@code RoomFile} per room in a {@code Journal} directory).
 */
package io.loomchat.server.history;
