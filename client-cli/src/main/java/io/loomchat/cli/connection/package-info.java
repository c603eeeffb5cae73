/**
 * Getting bytes to and from the server: dialing (plain or TLS), one {@link io.loomchat.cli.connection.Link}
 * per connection with its reader thread and a queued writer of its own, and the reconnect loop with its
 * backoff. Nothing here knows what the lines mean.
 */
package io.loomchat.cli.connection;
