/**
 * The server's settings (layer 2 of 10, just above the protocol; see docs/DESIGN.md): {@code ServerConfig},
 * with every limit and its default, and its parts for the web port ({@code WebConfig}) and a cluster
 * ({@code ClusterConfig}). Plain values, read by every layer above.
 */
package io.loomchat.server.config;
