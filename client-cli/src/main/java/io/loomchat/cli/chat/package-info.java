/**
 * The chat as this client knows it, with no sockets, threads or clocks: {@link io.loomchat.cli.chat.ChatState}
 * takes the server's events and the person's typed lines and answers what to show and what to send,
 * including after a reconnect. Its parts are the joined rooms and the current one, each room's timeline
 * of message ids (catch-up and /history paging), who is where, and the requests awaiting a reply.
 */
package io.loomchat.cli.chat;
