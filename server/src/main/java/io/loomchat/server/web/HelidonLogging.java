package io.loomchat.server.web;

import io.helidon.logging.common.spi.LoggingProvider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Helidon's logging set up the server's way: off. Helidon logs through java.util.logging, with a stack
 * trace for every request a client cuts short or frame it sends wrong: a stranger could fill the log with
 * them. What matters is logged by the server itself (a port it cannot listen on, refused WebSockets,
 * every session's connect and disconnect). Found by Helidon as a service; without one it prints a line of
 * its own on every start.
 */
public final class HelidonLogging implements LoggingProvider {

    /** Held, so that the level set on it stays (java.util.logging keeps its loggers weakly). */
    private static final Logger HELIDON = Logger.getLogger("io.helidon");

    @Override
    public void initialization() {
        HELIDON.setLevel(Level.OFF);
    }

    @Override
    public void runTime() {
        HELIDON.setLevel(Level.OFF);
    }
}
