package io.loomchat.server.lan;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices another responder on the LAN taking this server's name, and says so in the log: a rogue that
 * announces {@code loomchat} without probing first (RFC 6762 section 8) makes JmDNS rename this server's
 * service to {@code loomchat (2)}, and from then on clients asking for {@code loomchat} find the rogue,
 * while this server's log would go on saying it announces {@code loomchat}.
 *
 * <p>Two signs, read once a watch period: the name JmDNS gives the registered service now (it renames the
 * object it was given), and the services of our type heard under our name from addresses that are not ours
 * (which also tells where the other responder is). Owned by the announcer's watcher thread: only
 * {@link #check} reads or changes its state; JmDNS's threads reach it through the {@link #heard} queue alone.
 */
final class NameWatch {

    private static final Logger LOG = LoggerFactory.getLogger(Announcer.class); // one log for what the LAN hears of us
    /** How long the watcher may ask the LAN who holds the name when nobody was heard claiming it. */
    private static final long RESOLVE_MILLIS = 1_000;

    /** A service of our type heard under {@code name}, at {@code addresses}. */
    private record Claim(String name, List<String> addresses) {
    }

    private final String intended;
    private final int port;
    private final ConcurrentLinkedQueue<Claim> heard = new ConcurrentLinkedQueue<>(); // JmDNS's threads add, check takes

    // The watcher's own, below.
    private final Map<InetAddress, String> shown = new HashMap<>(); // what the log last said each address is heard as
    private final Set<String> takers = new LinkedHashSet<>(); // other addresses heard announcing our name
    private final Set<String> pending = new HashSet<>(); // takers heard since the last check: JmDNS may be renaming us now
    private final Set<String> warned = new HashSet<>(); // takers the log has named

    NameWatch(String intended, int port) {
        this.intended = intended;
        this.port = port;
    }

    /** For each responder: hears the services of our type, and passes on those it resolves. */
    ServiceListener listener() {
        return new ServiceListener() {
            @Override
            public void serviceAdded(ServiceEvent event) {
                if (event.getName().equalsIgnoreCase(intended)) {
                    event.getDNS().requestServiceInfo(event.getType(), event.getName()); // answered in serviceResolved
                }
            }

            @Override
            public void serviceRemoved(ServiceEvent event) {
                // a goodbye: nothing to say about it
            }

            @Override
            public void serviceResolved(ServiceEvent event) {
                ServiceInfo info = event.getInfo();
                heard.add(new Claim(event.getName(), Stream.of(info.getInet4Addresses()).map(InetAddress::getHostAddress).toList()));
            }
        };
    }

    /**
     * Compares what is announced with what was meant, and logs a change once: {@code registered} is the service
     * given to JmDNS for each address announced on, {@code responders} the JmDNS announcing it.
     */
    void check(Map<InetAddress, ServiceInfo> registered, Map<InetAddress, JmDNS> responders) {
        Set<String> ours = Stream.concat(registered.keySet().stream(), Announcer.lanAddresses().stream())
                .map(InetAddress::getHostAddress).collect(Collectors.toSet());
        Set<String> fresh = new LinkedHashSet<>();
        for (Claim claim; (claim = heard.poll()) != null; ) {
            if (claim.name().equalsIgnoreCase(intended)) {
                claim.addresses().stream().filter(a -> !ours.contains(a) && !takers.contains(a)).forEach(fresh::add);
            }
        }
        takers.addAll(fresh);
        boolean renamed = false;
        for (Map.Entry<InetAddress, ServiceInfo> e : registered.entrySet()) {
            String address = e.getKey().getHostAddress();
            String now = e.getValue().getName();
            if (now.equals(shown.getOrDefault(e.getKey(), intended))) {
                continue;
            }
            shown.put(e.getKey(), now);
            if (now.equalsIgnoreCase(intended)) {
                LOG.info("heard on the LAN as '{}' again at {}:{}", now, address, port);
                continue;
            }
            renamed = true;
            String other = takers.isEmpty() ? holder(responders.get(e.getKey()), ours) : String.join(", ", takers);
            LOG.warn("the name '{}' was taken on the LAN by another responder, at {}: this server is now heard there as '{}' "
                    + "at {}:{} (its own log and welcome keep '{}'). Clients that used '{}' before refuse the other machine; "
                    + "others may connect to it. Find that machine, or give this server another --name",
                    intended, other, now, address, port, intended, intended);
            warned.addAll(takers);
        }
        if (!renamed) {
            // Heard claiming the name a whole period ago, and this server was not renamed: both answer to it.
            for (String other : pending) {
                if (warned.add(other)) {
                    LOG.warn("another responder, at {}, also announces '{}' on the LAN: clients asking for '{}' may reach "
                            + "either (those that used this server before refuse the other machine). Find that machine, or "
                            + "give this server another --name", other, intended, intended);
                }
            }
        }
        pending.clear();
        fresh.stream().filter(a -> !warned.contains(a)).forEach(pending::add);
    }

    /** Asks the LAN who answers to our name now (at most {@link #RESOLVE_MILLIS}); its addresses, in words. */
    private String holder(JmDNS responder, Set<String> ours) {
        try {
            ServiceInfo info = responder == null ? null : responder.getServiceInfo(Announcer.SERVICE_TYPE, intended, RESOLVE_MILLIS);
            String addresses = info == null ? "" : Stream.of(info.getInet4Addresses()).map(Inet4Address::getHostAddress)
                    .filter(a -> !ours.contains(a)).collect(Collectors.joining(", "));
            return addresses.isEmpty() ? "an address not heard yet" : addresses;
        } catch (RuntimeException e) {
            return "an address not heard yet";
        }
    }
}
