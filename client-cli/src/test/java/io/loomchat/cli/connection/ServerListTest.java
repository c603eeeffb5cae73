package io.loomchat.cli.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The list of servers a client may use: parsing, and moving on to the next when one does not answer. */
class ServerListTest {

    @Test
    void entriesTakeTheDefaultPortUnlessTheyNameOne() {
        ServerList list = ServerList.parse("a, b:7001,[::1]:7002,c", 12345);
        assertEquals(List.of(new ServerList.Server("a", 12345), new ServerList.Server("b", 7001),
                new ServerList.Server("::1", 7002), new ServerList.Server("c", 12345)), list.servers());
        assertEquals("a:12345,b:7001,[::1]:7002,c:12345", list.toString());
        assertThrows(IllegalArgumentException.class, () -> ServerList.parse("a:0", 1));
        assertThrows(IllegalArgumentException.class, () -> ServerList.parse(" , ", 1));
    }

    private static Socket dial(ServerList.Server server, InetAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(address, server.port()), 2_000);
        return socket;
    }

    @Test
    void aServerThatDoesNotAnswerIsPassedOverAndTheOneThatDidIsTriedFirstNextTime() throws IOException {
        int dead;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = gone.getLocalPort(); // closed again: nothing listens there
        }
        try (ServerSocket alive = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ServerList list = ServerList.parse("127.0.0.1:" + dead + ",127.0.0.1:" + alive.getLocalPort(), 1);
            try (Socket socket = list.connect(ServerListTest::dial)) {
                assertEquals(alive.getLocalPort(), socket.getPort());
            }
            assertEquals(alive.getLocalPort(), list.current().port());
        }
        ServerList none = ServerList.parse("127.0.0.1:" + dead, 1);
        assertThrows(java.net.ConnectException.class, () -> none.connect(ServerListTest::dial));
    }
}
