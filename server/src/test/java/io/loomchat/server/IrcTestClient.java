package io.loomchat.server;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A raw IRC client for the tests: sends lines with CR LF, keeps every line received (raw bytes too). */
final class IrcTestClient implements AutoCloseable {

    static final String CLOSED = "<closed>";
    private final Socket socket;
    private final OutputStream out;
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    /** Every received line's length in bytes, CR LF included. */
    final BlockingQueue<Integer> lengths = new LinkedBlockingQueue<>();

    IrcTestClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        out = socket.getOutputStream();
        Thread.ofVirtual().start(this::read);
    }

    /** Connects, negotiates the given capabilities (none: no CAP at all) and registers as {@code nick}. */
    static IrcTestClient register(int port, String nick, String... caps) throws IOException {
        IrcTestClient c = new IrcTestClient(port);
        if (caps.length > 0) {
            c.send("CAP LS 302");
        }
        c.send("NICK " + nick);
        c.send("USER " + nick + " 0 * :" + nick + " the tester");
        if (caps.length > 0) {
            c.await("the capability list", l -> l.contains(" CAP * LS :") || l.contains(" CAP " + nick + " LS :"));
            c.send("CAP REQ :" + String.join(" ", caps));
            c.await("the ACK", l -> l.contains(" ACK :"));
            c.send("CAP END");
        }
        c.await("the welcome", l -> l.contains(" 001 " + nick + " "));
        c.await("the end of NAMES", l -> l.contains(" 366 " + nick + " "));
        return c;
    }

    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    String next() {
        try {
            String line = received.poll(TestClient.WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(line, "nothing received within " + TestClient.WAIT);
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Skips lines until one matches; fails on close or timeout. */
    String await(String what, Predicate<String> condition) {
        while (true) {
            String line = next();
            if (line.equals(CLOSED)) {
                fail("closed while waiting for " + what);
            }
            if (condition.test(line)) {
                return line;
            }
        }
    }

    private void read() {
        try {
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) >= 0; ) {
                line.write(b);
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    lengths.add(bytes.length);
                    String text = new String(bytes, StandardCharsets.UTF_8);
                    received.add(text.endsWith("\r\n") ? text.substring(0, text.length() - 2) : text.strip());
                    line.reset();
                }
            }
        } catch (IOException e) {
            // closed
        }
        received.add(CLOSED);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
