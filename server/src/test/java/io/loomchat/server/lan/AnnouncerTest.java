package io.loomchat.server.lan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The announcer asks nothing of DNS: the names it gives JmDNS are read or set, never looked up. */
class AnnouncerTest {

    @Test
    void theAddressesGivenToJmdnsCarryTheirNameSoThatItNeverAsksDnsForOne() throws Exception {
        // JmDNS asks its address for a host name; an address read from an interface would answer with a reverse
        // DNS look-up, which blocks for seconds on a LAN whose DNS server does not answer.
        for (InetAddress address : Announcer.lanAddresses()) {
            assertEquals(address.getHostAddress() + "/" + address.getHostAddress(), address.toString());
        }
        InetAddress literal = InetAddress.getByName("10.77.0.1"); // parsed, so without a name
        assertEquals("/10.77.0.1", literal.toString());
        assertEquals("10.77.0.1/10.77.0.1", Announcer.named(literal).toString());
        assertEquals(literal, Announcer.named(literal));
    }

    @Test
    void theHostNameIsOneDnsLabelReadNotResolved() {
        String name = Announcer.hostName(Map.of());
        assertTrue(name.matches("[A-Za-z0-9-]+"), name);
    }
}
