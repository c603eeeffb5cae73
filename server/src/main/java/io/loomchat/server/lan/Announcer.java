package io.loomchat.server.lan;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces the server as {@code _loomchat._tcp} on the LAN: one mDNS responder (a JmDNS instance) per IPv4
 * address the server listens on, never on loopback. When the server listens on all interfaces, a thread
 * looks at the interfaces every few seconds and follows addresses that come and go (a laptop that joins
 * another network, a DHCP renewal). On close every announcement is withdrawn with a goodbye (TTL 0), so
 * clients drop the server at once instead of after the record's TTL.
 *
 * <p>Its name can be taken: a responder elsewhere on the LAN that announces the same name without probing
 * first makes JmDNS rename this server's service ({@code loomchat (2)}), and clients that ask for the name
 * then find the other machine. The watcher notices (see {@link NameWatch}) and says so in a WARN.
 *
 * <p>One owner: the watcher thread changes the set of responders, under {@link #lock}, which close also
 * takes (so a close waits for a registration under way: JmDNS probes for a few seconds before it announces).
 * The server's start never waits for it: the first announcement is made by the watcher too. JmDNS's own
 * threads only hand what they hear to the watcher's {@link NameWatch}, through a queue.
 *
 * <p>Nothing here asks DNS: the host name is read from the kernel, and JmDNS gets addresses whose names are
 * set already (it asks its address for a host name, which an address read from an interface answers with a
 * reverse look-up: seconds of waiting, or more, on a LAN whose DNS server does not answer).
 */
public final class Announcer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Announcer.class);
    public static final String SERVICE_TYPE = "_loomchat._tcp.local.";
    private static final Duration WATCH_PERIOD = Duration.ofSeconds(5);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

    private final String instanceName;
    private final int port;
    private final Map<String, String> txt;
    private final InetAddress only; // the one address listened on, or null for all interfaces
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<InetAddress, JmDNS> responders = new HashMap<>(); // guarded by lock
    private final Map<InetAddress, ServiceInfo> registered = new HashMap<>(); // guarded by lock: JmDNS renames these
    private final NameWatch names;
    private final Thread watcher;
    private volatile boolean closed;

    private Announcer(String instanceName, int port, Map<String, String> txt, InetAddress only) {
        this.instanceName = instanceName;
        this.port = port;
        this.txt = Map.copyOf(txt);
        this.only = only;
        this.names = new NameWatch(instanceName, port);
        this.watcher = Thread.ofPlatform().daemon().name("loomchat-announce").unstarted(this::watch);
    }

    /**
     * Starts announcing {@code instanceName} at {@code port} with {@code txt} on the addresses {@code host}
     * stands for; returns null (and says why in the log) when there is nothing to announce on: a loopback
     * host, or no interface that can multicast.
     */
    public static Announcer start(String host, String instanceName, int port, Map<String, String> txt) throws IOException {
        InetAddress address = InetAddress.getByName(host); // what the server binds: 0.0.0.0 by default, parsed, not looked up
        if (address.isLoopbackAddress()) {
            LOG.info("not announced on the LAN: listening on loopback ({})", host);
            return null;
        }
        Announcer announcer = new Announcer(instanceName, port, txt, address.isAnyLocalAddress() ? null : named(address));
        announcer.watcher.start();
        return announcer;
    }

    /** The addresses announced on now; for tests and the log. */
    public Set<InetAddress> addresses() {
        lock.lock();
        try {
            return Set.copyOf(responders.keySet());
        } finally {
            lock.unlock();
        }
    }

    private void watch() {
        while (!closed) {
            try {
                refresh();
                Map<InetAddress, ServiceInfo> now;
                Map<InetAddress, JmDNS> heardBy;
                lock.lock();
                try {
                    now = Map.copyOf(registered);
                    heardBy = Map.copyOf(responders);
                } finally {
                    lock.unlock();
                }
                names.check(now, heardBy); // outside the lock: it may ask the LAN who holds the name, for a second
            } catch (RuntimeException e) {
                LOG.warn("LAN announcement: {}", e.toString());
            }
            try {
                Thread.sleep(WATCH_PERIOD);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Brings the responders in line with the addresses there are now. */
    private void refresh() {
        Set<InetAddress> wanted = only != null ? Set.of(only) : lanAddresses();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            for (InetAddress gone : new ArrayList<>(responders.keySet())) {
                if (!wanted.contains(gone)) {
                    registered.remove(gone);
                    withdraw(gone, responders.remove(gone));
                }
            }
            for (InetAddress address : wanted) {
                if (!responders.containsKey(address)) {
                    announce(address);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void announce(InetAddress address) {
        try {
            JmDNS responder = JmDNS.create(address, hostName(System.getenv()));
            ServiceInfo info = ServiceInfo.create(SERVICE_TYPE, instanceName, port, 0, 0, txt);
            responder.addServiceListener(SERVICE_TYPE, names.listener()); // others announcing our type: who has our name
            responder.registerService(info); // JmDNS keeps this object, and renames it on a conflict
            responders.put(address, responder);
            registered.put(address, info);
            // Heard on the LAN once probing is over, a few seconds from now (RFC 6762 section 8).
            LOG.info("announcing on the LAN as '{}' ({}) at {}:{}", instanceName, SERVICE_TYPE, address.getHostAddress(), port);
        } catch (IOException e) {
            LOG.warn("cannot announce on {}: {}", address.getHostAddress(), e.toString());
        }
    }

    private static void withdraw(InetAddress address, JmDNS responder) {
        responder.unregisterAllServices(); // goodbye packets: whoever listens drops the server now
        LOG.info("no longer announced at {}", address.getHostAddress());
        // JmDNS then takes seconds to close (issue jmdns#82): nobody needs to wait for that.
        Thread.ofPlatform().daemon().name("loomchat-announce-close").start(() -> closeQuietly(responder));
    }

    /** The IPv4 addresses of interfaces that are up, not loopback, and can multicast; their names set (see above). */
    static Set<InetAddress> lanAddresses() {
        Set<InetAddress> found = new HashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback() || !nic.supportsMulticast()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                        found.add(named(a));
                    }
                }
            }
        } catch (SocketException e) {
            LOG.warn("cannot list the network interfaces: {}", e.toString());
        }
        return found;
    }

    /**
     * {@code address} with its host name set to its own text: asked for its name (JmDNS does), it answers
     * without a reverse DNS look-up. Equal to {@code address} (InetAddress equality is by address).
     */
    static InetAddress named(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getHostAddress(), address.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address + " has no valid address", e); // cannot happen: the bytes came from one
        }
    }

    /**
     * The host name to announce ({@code NAME.local.}): this machine's, read from the kernel (or the HOSTNAME
     * variable), never resolved, as one DNS label; "loomchat" where there is none.
     */
    static String hostName(Map<String, String> env) {
        String name = null;
        try {
            name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        if (name == null || name.isBlank()) {
            name = env.get("HOSTNAME");
        }
        String label = name == null ? "" : name.strip().split("\\.", 2)[0].replaceAll("[^A-Za-z0-9-]", "-");
        return label.isEmpty() ? "loomchat" : label;
    }

    private static void closeQuietly(JmDNS responder) {
        try {
            responder.close();
        } catch (IOException e) {
            LOG.debug("closing a responder: {}", e.toString());
        }
    }

    /**
     * Withdraws every announcement (goodbye packets) and stops; waits at most a few seconds for the
     * goodbyes (side by side, one per address), never for JmDNS's own slow close.
     */
    @Override
    public void close() {
        List<Thread> closing = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Map.Entry<InetAddress, JmDNS> e : responders.entrySet()) {
                closing.add(Thread.ofVirtual().start(() -> withdraw(e.getKey(), e.getValue())));
            }
            responders.clear();
            registered.clear();
        } finally {
            lock.unlock();
        }
        watcher.interrupt();
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (Thread t : closing) {
            try {
                t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
