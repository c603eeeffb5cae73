package io.loomchat.cli.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** What a server announced on the LAN is shown as text: anyone there may announce anything. */
class LanBrowserTest {

    @Test
    void controlCharactersInAnAnnouncedNameAreShownNotSentToTheTerminal() throws Exception {
        LanBrowser.Found found = LanBrowser.Found.heard("ctl\u001b[31mRED\u0007bell", InetAddress.getByName("10.0.0.1"),
                12345, false, LanBrowser.Password.NOT_NEEDED, -1, "node\u202e1");
        assertEquals("ctl^[[31mRED^Gbell", found.name());
        assertEquals("node<U+202E>1", found.node());
        assertFalse(found.describe().chars().anyMatch(c -> c < 0x20), found.describe());
    }

    @Test
    void theAddressesJmdnsIsGivenCarryTheirNameSoThatItNeverAsksDnsForOne() {
        // JmDNS asks its address for a host name; one read from an interface would ask DNS (a reverse look-up),
        // which blocks past the browse window on a LAN whose DNS server does not answer.
        for (InetAddress address : LanBrowser.lanAddresses()) {
            assertEquals(address.getHostAddress() + "/" + address.getHostAddress(), address.toString());
        }
    }
}
