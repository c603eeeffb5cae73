/**
 * The IRC front door (an adapter, layer 9 of 10; see docs/DESIGN.md): {@code IrcDoor} offers IRC to the
 * connection layer as a dialect, chosen when a connection's first line is IRC (CAP, NICK, USER, PASS), on
 * the chat port. {@code IrcFront} looks each command up in one table ({@code IrcCommand}: minimum
 * parameters, whether it may come before registration), so 461 and 451 are answered in one place; the
 * commands ({@code IrcChannels}, {@code IrcUsers}) become the protocol's requests, carried out by the same
 * chat code, and {@code IrcRendering} writes the protocol's events back as IRC lines ({@code IrcErrors} for
 * error replies). Rooms are channels; everything else is the same session.
 */
package io.loomchat.server.irc;
