/**
 * The IRC front door: a connection whose first line is IRC (CAP, NICK, USER, PASS) is served in IRC, on
 * the same port. IRC commands become the protocol's requests, carried out by the same chat code, and the
 * protocol's events are written back as IRC lines: rooms are channels, everything else is the same session.
 */
package io.loomchat.server.irc;
