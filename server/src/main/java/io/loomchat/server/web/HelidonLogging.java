package io.loomchat.server.web;

import io.helidon.logging.common.spi.LoggingProvider;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Helidon's logging set up the server's way: Helidon logs through java.util.logging, and only its warnings
 * belong beside the server's own log lines (its start-up lines would crowd them). Found by Helidon as a
 * service; without one it prints a line of its own on every start.
 */
public final class HelidonLogging implements LoggingProvider {

    /** Held, so that the level set on it stays (java.util.logging keeps its loggers weakly). */
    private static final Logger HELIDON = Logger.getLogger("io.helidon");

    @Override
    public void initialization() {
        HELIDON.setLevel(Level.WARNING);
    }

    @Override
    public void runTime() {
        HELIDON.setLevel(Level.WARNING);
    }
}
