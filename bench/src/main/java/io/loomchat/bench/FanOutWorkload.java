package io.loomchat.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Workload 1: S receivers in one room, one sender of ~100-byte messages. Open loop at full speed
 * ({@code rate == 0}) or at a fixed rate, where latency runs from each message's scheduled send time, so a
 * stall is not hidden by the sender waiting for it (coordinated omission).
 */
final class FanOutWorkload {

    /** {@code prefix} starts every nick, so a warm-up run and the measured run never share one. */
    record Setup(int receivers, int messages, int rate, int warmup, int stalled, String prefix) {
        Setup(int receivers, int messages, int rate, int warmup, int stalled) {
            this(receivers, messages, rate, warmup, stalled, "");
        }
    }

    private FanOutWorkload() {
    }

    static Map<String, Double> run(ServerProcess server, Setup setup) throws Exception {
        List<Receiver> receivers = new ArrayList<>();
        List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < setup.receivers(); i++) {
            LoadClient client = server.peer.connect(server.portFor(i), setup.prefix() + "r" + i, Scale.localAddress(i));
            receivers.add(new Receiver(client, setup.warmup()));
        }
        for (int i = 0; i < setup.stalled(); i++) {
            // Registers, then never reads again, with a tiny window: a reader that stopped.
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), server.port));
            LoadClient client = new LoadClient(server.peer, socket, setup.prefix() + "stuck" + i);
            client.handshake();
            stalled.add(socket);
        }
        LoadClient sender = server.peer.connect(server.port, setup.prefix() + "sender", null);
        Thread echo = Thread.ofVirtual().start(sender::drain); // a Loomchat sender also receives its own lines
        receivers.forEach(Receiver::start);

        int total = setup.warmup() + setup.messages();
        long firstMeasured = 0;
        long start = System.nanoTime();
        long interval = setup.rate() > 0 ? TimeUnit.SECONDS.toNanos(1) / setup.rate() : 0;
        for (int seq = 0; seq < total; seq++) {
            long when;
            if (interval > 0) {
                when = start + seq * interval;
                long wait = when - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            } else {
                when = System.nanoTime();
            }
            if (seq == setup.warmup()) {
                firstMeasured = when;
            }
            sender.send(Payload.make(seq, when, -1));
        }
        long sendEnd = System.nanoTime();

        // Wait for every receiver to have everything, or for delivery to stop making progress.
        long lastProgress = System.nanoTime();
        long lastCount = -1;
        while (true) {
            long count = 0;
            boolean done = true;
            for (Receiver r : receivers) {
                count += r.received.get();
                done &= r.received.get() >= total || r.closed;
            }
            if (done) {
                break;
            }
            if (count != lastCount) {
                lastCount = count;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > TimeUnit.SECONDS.toNanos(2)) {
                break;
            }
            Thread.sleep(20); // sampling progress counters; nothing to block on
        }
        Histogram all = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        long measuredDeliveries = 0;
        long lastDelivery = 0;
        long lost = 0;
        int disconnected = 0;
        for (Receiver r : receivers) {
            r.client.close();
        }
        for (Receiver r : receivers) {
            r.thread.join(5000);
            all.add(r.latency);
            measuredDeliveries += r.measured;
            lastDelivery = Math.max(lastDelivery, r.lastNanos);
            lost += Math.max(0, total - r.received.get());
            if (r.closedEarly) {
                disconnected++;
            }
        }
        sender.close();
        echo.join(5000);
        stalled.forEach(s -> {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        });
        double seconds = Math.max(1, lastDelivery - firstMeasured) / 1e9;
        Map<String, Double> result = new LinkedHashMap<>();
        result.put("delivered_per_s", measuredDeliveries / seconds);
        result.put("sent_per_s", setup.messages() / Math.max(1e-9, (sendEnd - firstMeasured) / 1e9));
        result.put("p50_us", (double) all.getValueAtPercentile(50));
        result.put("p99_us", (double) all.getValueAtPercentile(99));
        result.put("p999_us", (double) all.getValueAtPercentile(99.9));
        result.put("max_us", (double) all.getMaxValue());
        result.put("lost", (double) lost);
        result.put("disconnected", (double) disconnected);
        return result;
    }

    /** One receiving client, read by its own virtual thread. */
    private static final class Receiver {
        final LoadClient client;
        final int warmup;
        final Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
        final AtomicLong received = new AtomicLong();
        volatile long measured;
        volatile long lastNanos;
        volatile boolean closed;
        volatile boolean closedEarly;
        Thread thread;

        Receiver(LoadClient client, int warmup) {
            this.client = client;
            this.warmup = warmup;
        }

        void start() {
            thread = Thread.ofVirtual().start(this::loop);
        }

        private void loop() {
            long[] p = new long[3];
            try {
                while (client.nextDelivery(p)) {
                    long now = System.nanoTime();
                    if (p[0] >= warmup) {
                        latency.recordValue(Math.max(0, (now - p[1]) / 1000));
                        measured++;
                        lastNanos = now;
                    }
                    received.incrementAndGet();
                }
                closedEarly = true;
            } catch (IOException e) {
                closedEarly = !client.socket().isClosed();
            } finally {
                closed = true;
            }
        }
    }
}
