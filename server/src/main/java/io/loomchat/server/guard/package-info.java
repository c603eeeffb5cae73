/**
 * What protects the chat from its users: per-connection {@code FloodControl}, the per-address
 * {@code ConnectThrottle}, operators' decisions ({@code Moderation}: bans and mutes) and their accounts
 * ({@code Operators}, PBKDF2), and the digests that keep secrets out of comparisons and maps.
 */
package io.loomchat.server.guard;
