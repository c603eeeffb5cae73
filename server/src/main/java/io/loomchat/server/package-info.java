/**
 * The Loomchat server's composition root (the top layer; see docs/DESIGN.md): {@link
 * io.loomchat.server.ServerCommand} reads the command line into a {@link io.loomchat.server.config.ServerConfig},
 * {@link io.loomchat.server.ChatServer} builds the layers below bottom up, starts the doors and shuts
 * everything down in order, and {@code Foreground} runs it until a signal. Nothing below uses this package.
 */
package io.loomchat.server;
