package io.loomchat.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loomchat.server.config.ServerConfig;
import io.loomchat.server.config.WebConfig;
import io.loomchat.server.connection.TlsSetup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The web port under attack, measured the way the attacks were found: two people chat on the chat port, a
 * line every 250 ms (below flood control's 5 a second), while attackers as many as the cores, and four
 * times as many, keep the web port busy. Nobody's line may be delayed by more than a fraction of a second
 * or refused, and attackers whose traffic is over their budget are cut off. Attackers are platform threads
 * of this process on loopback, so the bounds leave room for a machine that is busy with them.
 */
class WebAbuseTest extends ServerTestSupport {

    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final Duration ATTACK = Duration.ofSeconds(5);
    /** A person's line may take this long at most while an attack goes on (it took 9.9 s before). */
    private static final long MAX_DELAY_MILLIS = 1_500;
    private static final int MAX_RECONNECTS = 500;

    private ServerConfig webConfig(boolean limitLoopback) {
        return testConfig().toBuilder().floodLinesPerSecond(ServerConfig.DEFAULT_FLOOD_LINES_PER_SECOND)
                .limitLoopback(limitLoopback).connectsPerAddressPerMinute(100_000)
                .web(new WebConfig("127.0.0.1", 0, true, List.of())).build();
    }

    /** What the two people saw while an attack ran. */
    private record Chat(int lines, long worstMillis, int refused) {
    }

    /** alice says a line every 250 ms until {@code until}; bob must get each one. */
    private Chat chatDuring(long until) throws Exception {
        List<TestClient> people = registerQuietly("alice", "bob");
        TestClient alice = people.get(0);
        TestClient bob = people.get(1);
        long worst = 0;
        int lines = 0;
        int refused = 0;
        while (System.nanoTime() < until) {
            String text = "line " + lines;
            long sent = System.nanoTime();
            alice.send("{\"type\":\"say\",\"text\":\"" + text + "\",\"ref\":\"r" + lines + "\"}");
            String ref = "r" + lines;
            JsonNode answer = alice.awaitMatching("the answer to " + ref, n -> ref.equals(n.path("ref").asText()));
            if ("error".equals(answer.path("type").asText())) {
                refused++;
            } else {
                bob.awaitMatching(text, n -> text.equals(n.path("text").asText()));
                worst = Math.max(worst, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
            }
            lines++;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250)); // a person's pace, not a wait for a condition
        }
        return new Chat(lines, worst, refused);
    }

    private void assertChatUnharmed(Chat chat, String attack) {
        System.out.printf("%s: %d lines, %d refused, the slowest took %d ms%n", attack, chat.lines(), chat.refused(), chat.worstMillis());
        assertTrue(chat.lines() >= 8, attack + ": the people chatted: " + chat.lines() + " lines");
        assertEquals(0, chat.refused(), attack + ": lines refused");
        assertTrue(chat.worstMillis() < MAX_DELAY_MILLIS, attack + ": a line took " + chat.worstMillis() + " ms");
    }

    /**
     * Runs {@code attackers} threads of {@code attack} against the web port until {@code until}; {@code cut}
     * counts the connections the server closed (an attack returns when its time is up, and throws when its
     * connection is gone).
     */
    private List<Thread> attack(int attackers, long until, AtomicInteger cut, Attack attack) {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < attackers; i++) {
            int n = i;
            // Platform threads: the attack must go on whatever the server's virtual threads do.
            threads.add(Thread.ofPlatform().daemon().start(() -> {
                for (int attempt = 0; attempt < MAX_RECONNECTS && System.nanoTime() < until; attempt++) {
                    try (Socket socket = new Socket("127.0.0.1", server.webPort())) {
                        socket.setSoTimeout(2_000);
                        Thread drain = Thread.ofPlatform().daemon().start(() -> drain(socket));
                        attack.run(n, socket, until);
                        drain.interrupt();
                        if (System.nanoTime() >= until) {
                            return;
                        }
                    } catch (IOException e) {
                        // the server closed this connection
                    }
                    cut.incrementAndGet();
                }
            }));
        }
        return threads;
    }

    @FunctionalInterface
    private interface Attack {
        void run(int attacker, Socket socket, long until) throws IOException;
    }

    private static void drain(Socket socket) {
        byte[] sink = new byte[64 * 1024];
        try {
            InputStream in = socket.getInputStream();
            while (in.read(sink) >= 0) {
                // pongs and 404s: read so that the server is never held up writing them
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** Batches of 200 pipelined requests for a page that is not there, as long as the server takes them. */
    private static void pipelinedRequests(int attacker, Socket socket, long until) throws IOException {
        byte[] batch = "GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(200).getBytes(StandardCharsets.US_ASCII);
        OutputStream out = socket.getOutputStream();
        while (System.nanoTime() < until) {
            out.write(batch);
        }
    }

    @ParameterizedTest(name = "{0} attacker(s) per core")
    @ValueSource(ints = {1, 4})
    void pipelinedHttpRequestsDoNotDelayChat(int perCore) throws Exception {
        start(webConfig(false)); // loopback exempt from the request budget: only the turns protect the chat
        long until = System.nanoTime() + ATTACK.toNanos();
        AtomicInteger cut = new AtomicInteger();
        List<Thread> threads = attack(perCore * CORES, until, cut, WebAbuseTest::pipelinedRequests);
        Chat chat = chatDuring(until);
        joinAll(threads);
        assertChatUnharmed(chat, perCore * CORES + " connections of pipelined HTTP requests");
    }

    @Test
    void pipelinedHttpRequestsOverTheBudgetAreCut() throws Exception {
        start(webConfig(true));
        long until = System.nanoTime() + ATTACK.toNanos();
        AtomicInteger cut = new AtomicInteger();
        List<Thread> threads = attack(CORES, until, cut, WebAbuseTest::pipelinedRequests);
        Chat chat = chatDuring(until);
        joinAll(threads);
        assertChatUnharmed(chat, "pipelined HTTP requests over the budget");
        assertTrue(cut.get() >= CORES, "attackers cut off: " + cut.get());
    }

    /** A WebSocket upgrade by hand (no Origin, no hello), then {@code frame} over and over, masked as a client's. */
    private static void frames(Socket socket, long until, byte[] opening, byte[] frame) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(opening);
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int i = 0; i < 4_096; i++) {
            batch.write(frame);
        }
        byte[] bytes = batch.toByteArray();
        while (System.nanoTime() < until) {
            out.write(bytes);
        }
    }

    /** A client frame: FIN and opcode, the mask bit with an empty payload, and the mask. */
    private static byte[] emptyFrame(int finAndOpcode) {
        return new byte[] {(byte) finAndOpcode, (byte) 0x80, 1, 2, 3, 4};
    }

    @ParameterizedTest(name = "{0} attacker(s) per core")
    @ValueSource(ints = {1, 4})
    void webSocketsSendingOnlyControlFramesOrEmptyFragmentsAreChargedAndCut(int perCore) throws Exception {
        start(webConfig(false));
        long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        long chatUntil = System.nanoTime() + ATTACK.toNanos();
        AtomicInteger cut = new AtomicInteger();
        int attackers = perCore * CORES;
        List<Thread> threads = attack(attackers, until, cut, (n, socket, end) -> {
            switch (n % 3) {
                case 0 -> frames(socket, end, new byte[0], emptyFrame(0x89)); // pings
                case 1 -> frames(socket, end, new byte[0], emptyFrame(0x8A)); // pongs
                default -> frames(socket, end, emptyFrame(0x01), emptyFrame(0x00)); // a text message never finished
            }
        });
        Chat chat = chatDuring(chatUntil);
        // Each is cut once it has gone flood-disconnect-after frames over its budget (about 5 s).
        await().atMost(Duration.ofSeconds(20)).until(() -> cut.get() >= attackers);
        joinAll(threads);
        assertChatUnharmed(chat, attackers + " WebSockets of control frames and empty fragments");
    }

    @Test
    void connectionsThatNeverFinishARequestAreClosedAtTheDeadline() throws Exception {
        start(webConfig(false).toBuilder().handshakeTimeout(Duration.ofSeconds(1)).build());
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sockets.add(track(new Socket("127.0.0.1", server.webPort()))); // silent
        }
        for (int i = 0; i < 3; i++) {
            Socket s = track(new Socket("127.0.0.1", server.webPort()));
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII)); // never finished
            sockets.add(s);
        }
        Socket keptAlive = track(new Socket("127.0.0.1", server.webPort()));
        keptAlive.getOutputStream().write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        sockets.add(keptAlive);
        Socket trickle = track(new Socket("127.0.0.1", server.webPort()));
        trickle.getOutputStream().write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (Socket s : sockets) {
            assertTrue(closedByServer(s, deadline), "a connection still open: " + s);
        }
        // A header trickled a byte at a time is closed too: the deadline is for the whole request.
        boolean trickleClosed = false;
        try {
            OutputStream out = trickle.getOutputStream();
            for (int i = 0; i < 200 && System.nanoTime() < deadline; i++) {
                out.write('x');
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // the trickle's pace
            }
        } catch (IOException e) {
            trickleClosed = true;
        }
        assertTrue(trickleClosed || closedByServer(trickle, deadline), "the trickling connection is still open");
    }

    @Test
    void aTlsHandshakeThatNeverEndsOnTheWebPortIsClosedAtTheDeadline(@TempDir Path dir)
            throws Exception {
        TestCertificates certs = TestCertificates.create(dir, "dns:localhost,ip:127.0.0.1");
        server = ChatServer.start(webConfig(false).toBuilder().handshakeTimeout(Duration.ofSeconds(1)).build(),
                Clock.systemUTC(), TlsSetup.fromPem(certs.certPem(), certs.keyPem()));
        Socket silent = track(new Socket("127.0.0.1", server.webPort()));
        Socket halfHello = track(new Socket("127.0.0.1", server.webPort()));
        halfHello.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}); // a ClientHello that stops
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        assertTrue(closedByServer(silent, deadline), "a silent connection to the TLS web port is still open");
        assertTrue(closedByServer(halfHello, deadline), "a stalled TLS handshake is still open");
    }

    @Test
    void theMetricsPortClosesConnectionsThatNeverFinishARequest(@TempDir Path dir) throws Exception {
        // A process of its own: the JDK's HTTP server reads its request time limit once per JVM.
        try (ChildServer child = ChildServer.launch(dir, 0, List.of(), "--metrics-port", "0", "--handshake-timeout", "1s")) {
            Matcher metrics = Pattern.compile("Metrics at http://[^:]+:(\\d+)/").matcher(child.output());
            assertTrue(metrics.find(), child.output());
            int port = Integer.parseInt(metrics.group(1));
            Socket silent = track(new Socket("127.0.0.1", port));
            Socket unfinished = track(new Socket("127.0.0.1", port));
            unfinished.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            // Within the second past the limit that the JDK's timers take to look (a loaded machine may add some).
            long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            assertTrue(closedByServer(silent, deadline), "a silent connection to the metrics port is still open");
            assertTrue(closedByServer(unfinished, deadline), "an unfinished request to the metrics port is still open");
        }
    }

    /** Whether the server closes {@code socket} before {@code deadline}: its input ends (after any answer). */
    private static boolean closedByServer(Socket socket, long deadline) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] sink = new byte[8192];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset
            }
        }
        return false;
    }

    @Test
    void oneAddressMayHoldOnlySoManyConnectionsThatAreNotWebSockets() throws Exception {
        start(webConfig(true).toBuilder().maxConnectionsPerAddress(3).build());
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(track(new Socket("127.0.0.1", server.webPort())));
        }
        String refused = answer("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertTrue(refused.startsWith("HTTP/1.1 503"), refused);
        assertTrue(refused.contains("too_many_connections (max-connections-per-address=3)"), refused);
        held.getFirst().close();
        await().atMost(Duration.ofSeconds(20)).until(() -> answer("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .startsWith("HTTP/1.1 200"));
    }

    /**
     * Sends {@code request} on a new connection and reads the answer: until the server closes, or, once the
     * head of an answer has come, until nothing more comes for a moment (a kept-alive answer).
     */
    private String answer(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.webPort())) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                boolean headComplete = got.toString(StandardCharsets.UTF_8).contains("\r\n\r\n");
                s.setSoTimeout(headComplete ? 200 : 1_000);
                try {
                    int n = s.getInputStream().read(buffer);
                    if (n < 0) {
                        break;
                    }
                    got.write(buffer, 0, n);
                } catch (java.net.SocketTimeoutException e) {
                    if (headComplete) {
                        break;
                    }
                } catch (IOException e) {
                    return "reset: " + e + " after " + got.toString(StandardCharsets.UTF_8);
                }
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }

    private static void joinAll(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(30));
        }
    }
}
