package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.loomchat.server.ops.HealthProbe;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The image's health check, against a real server and against a port where nothing speaks the protocol. */
class HealthProbeTest extends ServerTestSupport {

    @Test
    void aRunningServerIsHealthyPastItsGreeting() throws Exception {
        start();
        assertNull(HealthProbe.problem("127.0.0.1", server.port()));
    }

    @Test
    void aListenerThatSaysNothingIsUnhealthy() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertNotNull(HealthProbe.problem("127.0.0.1", silent.getLocalPort()));
        }
    }
}
