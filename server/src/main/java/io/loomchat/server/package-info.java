/**
 * The Loomchat server: {@link io.loomchat.server.ServerCommand} reads the command line into a
 * {@link io.loomchat.server.ServerConfig} (every limit and its default), and {@link io.loomchat.server.ChatServer}
 * wires the parts below together, accepts connections and shuts everything down in order. The packages
 * under it each own one concern; only this one is meant for use from outside the server.
 */
package io.loomchat.server;
