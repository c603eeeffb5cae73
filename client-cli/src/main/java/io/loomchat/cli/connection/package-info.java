/**
 * Getting bytes to and from the server: finding it on the LAN and deciding how far to trust what answered
 * there ({@link io.loomchat.cli.connection.Discovery}, {@link io.loomchat.cli.connection.LanTrust}, the
 * {@link io.loomchat.cli.connection.KnownServers} file), dialing (plain, TLS verified or pinned), one
 * {@link io.loomchat.cli.connection.Link} per connection with its reader thread and a queued writer of its
 * own, and the reconnect loop with its backoff. Nothing here knows what the lines mean.
 */
package io.loomchat.cli.connection;
