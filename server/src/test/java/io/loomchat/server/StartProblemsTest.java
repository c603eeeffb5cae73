package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.server.config.ServerConfig;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An operator's mistake at start is one line and exit status 2, never a stack trace. */
class StartProblemsTest {

    @TempDir
    Path dir;

    private String startFailing(String... args) throws Exception {
        Process process = ChildServer.start(dir, 0, List.of(), args);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue());
        try (Stream<Path> logs = Files.list(dir)) {
            Path log = logs.filter(p -> p.getFileName().toString().equals("server-" + process.pid() + ".log"))
                    .findFirst().orElseThrow();
            String output = Files.readString(log).strip();
            assertEquals(1, output.lines().count(), "one line, no stack trace: " + output);
            return output;
        }
    }

    @Test
    void aMissingPasswordOrOperatorsFileIsNamed() throws Exception {
        String password = startFailing("--password-file", dir.resolve("server-password").toString());
        assertEquals("loomchat-server: cannot start: no such file: " + dir.resolve("server-password"), password);
        String operators = startFailing("--operators-file", dir.resolve("operators").toString());
        assertEquals("loomchat-server: cannot start: no such file: " + dir.resolve("operators"), operators);
    }

    @Test
    void aPortInUseIsNamedWithTheOptionToChange() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ServerConfig config = ServerTestSupport.testConfig().toBuilder().port(taken.getLocalPort()).build();
            BindException refused = assertThrows(BindException.class, () -> ChatServer.start(config).close());
            assertTrue(refused.getMessage().contains("port " + taken.getLocalPort()) && refused.getMessage().contains("--port"),
                    refused.getMessage());
        }
    }

    @Test
    void aChosenWebPortInUseStopsTheStartInOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String output = startFailing("--web-port", String.valueOf(taken.getLocalPort()));
            assertTrue(output.startsWith("loomchat-server: cannot start: cannot listen on 127.0.0.1 port "
                    + taken.getLocalPort() + " for the web client"), output);
        }
    }
}
