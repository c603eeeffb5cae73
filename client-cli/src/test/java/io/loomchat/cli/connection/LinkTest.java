package io.loomchat.cli.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.loomchat.protocol.Request;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A link against a loopback peer that never reads: its writes stall, and yet sending never blocks and
 * the lines the peer sends keep arriving.
 */
@Timeout(30) // a send that blocks on the stalled socket would otherwise hang here, not fail
class LinkTest {

    private static final String LONG_TEXT = "x".repeat(8 * 1024);

    private ServerSocket listener;
    private Socket peer;
    private Link link;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final CountDownLatch ended = new CountDownLatch(1);

    private final Link.Inbound inbound = new Link.Inbound() {
        @Override
        public void line(Link from, byte[] line, int length) {
            received.add(new String(line, 0, length, StandardCharsets.UTF_8));
        }

        @Override
        public void tooLong(Link from) {
            received.add("(too long)");
        }

        @Override
        public void ended(Link from) {
            ended.countDown();
        }
    };

    @BeforeEach
    void connect() throws IOException {
        listener = new ServerSocket();
        listener.setReceiveBufferSize(4096); // the peer's window stays small, so our writes stall soon
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Socket socket = new Socket();
        socket.setSendBufferSize(4096);
        socket.connect(listener.getLocalSocketAddress());
        peer = listener.accept();
        link = new Link(socket);
        link.start(inbound);
    }

    @AfterEach
    void close() throws IOException {
        link.close();
        peer.close();
        listener.close();
    }

    private void peerSays(String line) throws IOException {
        OutputStream out = peer.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void aStalledWriteNeitherBlocksTheSenderNorStopsTheReading() throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) { // 800 KB to a peer that reads nothing: far more than the socket buffers
            link.send(new Request.Say(null, LONG_TEXT, false, "s" + i));
        }
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(5)) < 0, "sending only queues");
        peerSays("{\"type\":\"ping\"}");
        assertEquals("{\"type\":\"ping\"}", received.poll(5, TimeUnit.SECONDS), "the reader goes on while the writer is stuck");

        for (int i = 0; i < 3; i++) { // once the peer reads, the lines come out whole and in order
            String line = peerReadsLine();
            assertTrue(line.startsWith("{") && line.contains(LONG_TEXT) && line.contains("\"ref\":\"s" + i + "\""),
                    line.substring(0, 40));
        }
    }

    private String peerReadsLine() throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        for (int b; (b = peer.getInputStream().read()) != '\n'; ) {
            assertTrue(b >= 0, "line cut short");
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aPeerThatNeverReadsGetsTheLinkClosedInsteadOfEndlessQueueing() throws Exception {
        IOException full = assertThrows(IOException.class, () -> {
            for (int i = 0; i < 1_000; i++) { // 8 MB: the queue's limit is 1 MiB beyond what the writer holds
                link.send(new Request.Say(null, LONG_TEXT, false, "s" + i));
            }
        });
        assertTrue(full.getMessage().contains("has not read"), full.getMessage());
        assertTrue(ended.await(5, TimeUnit.SECONDS), "the link was closed, so the reader ended");
        assertThrows(IOException.class, () -> link.send(new Request.Ping("late")), "a closed link refuses more");
    }

    @Test
    void linesArriveWholeAndAnEndIsReportedOnce() throws Exception {
        peerSays("{\"type\":\"pong\"}");
        assertEquals("{\"type\":\"pong\"}", received.poll(5, TimeUnit.SECONDS));
        peer.close();
        assertTrue(ended.await(5, TimeUnit.SECONDS));
        assertTrue(link.ended());
    }
}
