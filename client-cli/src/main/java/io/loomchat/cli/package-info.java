/**
 * The terminal client's entry point and wiring: {@link io.loomchat.cli.ChatCommand} reads the options and
 * runs a person's session or a script, on top of {@link io.loomchat.cli.ChatClient}, which carries lines
 * between a connection, the chat state and the screen. {@link io.loomchat.cli.ScriptPacer} keeps piped
 * lines under the server's flood control.
 */
package io.loomchat.cli;
