package io.loomchat.server.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Addresses in replies and logs read as people write them. */
class AddressTextTest {

    private static String text(String literal) throws Exception {
        return Moderation.text(InetAddress.getByName(literal)); // literals only: nothing is looked up
    }

    @Test
    void ipv6IsShortenedAsRfc5952SaysAndIpv4IsLeftAlone() throws Exception {
        assertEquals("::1", text("::1"));
        assertEquals("::", text("::"));
        assertEquals("2001:db8::1", text("2001:db8:0:0:0:0:0:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", text("2001:db8:0:1:1:1:1:1"), "a single zero group stays");
        assertEquals("2001:0:0:1::1", text("2001:0:0:1:0:0:0:1"), "the longest run is shortened");
        assertEquals("fe80::", text("fe80:0:0:0:0:0:0:0"));
        assertEquals("192.0.2.7", text("192.0.2.7"));
    }
}
