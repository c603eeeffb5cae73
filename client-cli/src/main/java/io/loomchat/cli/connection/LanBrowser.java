package io.loomchat.cli.connection;

import io.loomchat.protocol.SafeText;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceInfo;

/**
 * Finds Loomchat servers on the LAN by multicast DNS service discovery ({@code _loomchat._tcp}, RFC 6763),
 * the way a printer dialog finds printers: it asks on every interface that can multicast, waits a moment
 * for the answers, and returns what it heard. Finds servers announced by Loomchat itself and by any
 * other responder (Avahi, Bonjour).
 */
public final class LanBrowser {

    public static final String SERVICE_TYPE = "_loomchat._tcp.local.";

    /**
     * What an announcement says of the server password. Anyone on the LAN may announce anything, so it is
     * believed only where believing it can do no harm: a server that says it needs none is sent none.
     */
    public enum Password {
        /** {@code password=1} */
        NEEDED,
        /** {@code password=0} */
        NOT_NEEDED,
        /** no {@code password} key (a service published by hand, with Avahi's tools say) */
        UNSAID
    }

    /**
     * A server that answered: its instance name, an address and port, and what its TXT record says.
     * {@code webPort} is -1 when it has no web client; {@code node} is null outside a cluster.
     */
    public record Found(String name, InetAddress address, int port, boolean tls, Password password, int webPort, String node) {

        /**
         * What was heard, made safe to show: anyone on the LAN may announce anything, so the names are text
         * with control characters neutralized (as everything from others), never terminal controls.
         */
        static Found heard(String name, InetAddress address, int port, boolean tls, Password password, int webPort, String node) {
            return new Found(SafeText.neutralize(name), address, port, tls, password, webPort,
                    node == null ? null : SafeText.neutralize(node));
        }

        /** host:port to connect to (IPv4 only, so no brackets needed). */
        public String hostPort() {
            return address.getHostAddress() + ":" + port;
        }

        /** One line for a list: name, address, and marks. */
        public String describe() {
            return String.format("%-24s %-21s%s%s%s%s", name, hostPort(), tls ? "  tls" : "",
                    password == Password.NEEDED ? "  password" : "",
                    webPort > 0 ? "  web http" + (tls ? "s" : "") + "://" + address.getHostAddress() + ":" + webPort + "/" : "",
                    node != null ? "  node " + node : "");
        }
    }

    private LanBrowser() {
    }

    /**
     * Asks on every LAN interface and returns what answered within {@code wait}, sorted by name. Returns
     * within {@code wait} and a moment, whatever the network does: nothing here waits on DNS (see
     * {@link #lanAddresses}), and an interface whose responder is slow to start is not waited for.
     */
    public static List<Found> browse(Duration wait) {
        long end = System.nanoTime() + wait.toNanos();
        ConcurrentLinkedQueue<ServiceInfo> heard = new ConcurrentLinkedQueue<>();
        List<Thread> askers = new ArrayList<>();
        for (InetAddress local : lanAddresses()) {
            askers.add(Thread.ofVirtual().start(() -> {
                JmDNS jmdns = null;
                try {
                    // An explicit host name, and an address whose name is set: JmDNS then never asks DNS for one.
                    jmdns = JmDNS.create(local, "loomchat-client");
                    // Asked again until the time is up: on a network just brought up the first question or
                    // its answer can be lost (seen between fresh network namespaces), and a second server
                    // may answer later than the first.
                    for (long left; (left = (end - System.nanoTime()) / 1_000_000) > 100; ) {
                        heard.addAll(List.of(jmdns.list(SERVICE_TYPE, Math.min(left, 800))));
                    }
                } catch (IOException e) {
                    // an interface that cannot multicast after all: the others may
                } finally {
                    closeLater(jmdns);
                }
            }));
        }
        for (Thread t : askers) {
            try {
                t.join(Duration.ofNanos(Math.max(1, end + JOIN_GRACE.toNanos() - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Map<String, Found> found = new LinkedHashMap<>();
        for (ServiceInfo info : heard) {
            for (InetAddress address : info.getInet4Addresses()) {
                Found f = Found.heard(info.getName(), address, info.getPort(), flag(info, "tls"), password(info),
                        number(info, "web"), info.getPropertyString("node"));
                found.putIfAbsent(f.name() + "@" + f.hostPort(), f);
            }
        }
        List<Found> sorted = new ArrayList<>(found.values());
        sorted.sort(Comparator.comparing(Found::name, String.CASE_INSENSITIVE_ORDER).thenComparing(Found::hostPort));
        return sorted;
    }

    /** How long after the browse window an asker still finishing its last question is waited for. */
    private static final Duration JOIN_GRACE = Duration.ofMillis(300);

    private static Password password(ServiceInfo info) {
        String value = info.getPropertyString("password");
        return "1".equals(value) ? Password.NEEDED : "0".equals(value) ? Password.NOT_NEEDED : Password.UNSAID;
    }

    private static boolean flag(ServiceInfo info, String key) {
        return "1".equals(info.getPropertyString(key));
    }

    private static int number(ServiceInfo info, String key) {
        try {
            String value = info.getPropertyString(key);
            return value == null ? -1 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** JmDNS takes seconds to close (it says goodbye for its host name): not on the person's time. */
    private static void closeLater(JmDNS jmdns) {
        if (jmdns != null) {
            Thread.ofPlatform().daemon().name("loomchat-mdns-close").start(() -> {
                try {
                    jmdns.close();
                } catch (IOException e) {
                    // going away anyway
                }
            });
        }
    }

    /**
     * The IPv4 addresses of interfaces that are up, not loopback, and can multicast, each with its host name
     * already set (to the address itself): JmDNS asks an address for its host name, and an address read from
     * an interface would answer with a reverse DNS look-up, which on a LAN whose DNS server does not answer
     * (the offline LAN discovery is for) blocks for longer than the whole browse window.
     */
    static List<InetAddress> lanAddresses() {
        List<InetAddress> found = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback() || !nic.supportsMulticast()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        found.add(InetAddress.getByAddress(a.getHostAddress(), a.getAddress()));
                    }
                }
            }
        } catch (SocketException | UnknownHostException e) {
            // no interfaces to ask on
        }
        return found;
    }
}
