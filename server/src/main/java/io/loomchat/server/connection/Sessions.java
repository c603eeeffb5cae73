package io.loomchat.server.connection;

import io.loomchat.protocol.Event;
import io.loomchat.server.chat.Client;
import io.loomchat.server.delivery.CloseReason;
import io.loomchat.server.guard.RefusalLog;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live connections: admits each new one (whichever door it came by) by the same rules, one at a time
 * so that the limits are exact, serves it on a virtual thread of its own, forgets it when it ends, and at
 * shutdown says bye to all of them and waits for them to go.
 */
public final class Sessions {

    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

    private final ConnectionContext context;
    private final Admission admission;
    private final RefusalLog unregisteredCloses; // connections that ended before a hello
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong nextSessionId = new AtomicLong();
    private final AtomicInteger connectionThreads = new AtomicInteger();
    /** One admission at a time, from the acceptor or the web front, so that the limits are exact. */
    private final ReentrantLock admitting = new ReentrantLock();
    private final ReentrantLock sessionsLock = new ReentrantLock();
    private final Condition sessionGone = sessionsLock.newCondition();
    private volatile boolean stopping;

    public Sessions(ConnectionContext context, int maxConnections, RefusalLog refusals, RefusalLog unregisteredCloses) {
        this.context = context;
        this.admission = new Admission(context, maxConnections, refusals, this::startConnectionThread);
        this.unregisteredCloses = unregisteredCloses;
    }

    /** Who may connect; its connect throttle is shared with the other doors. */
    public Admission admission() {
        return admission;
    }

    /** On the accepting thread: serves the new socket on a virtual thread of its own, or refuses it. */
    public void admit(Socket socket) {
        Session session = admitted(new TcpTransport(socket), (id, refusal) -> admission.refuse(id, socket, refusal));
        if (session != null) {
            startConnectionThread("loomchat-session-" + session.id(), () -> serve(session, socket));
        }
    }

    /**
     * A connection that came in by another door (a WebSocket from the web front): admitted by the same rules
     * as an accepted socket and served on a virtual thread of its own. Returns null, or the bye to send
     * when it is refused.
     */
    public Event.Bye serve(Transport transport) {
        Event.Bye[] refused = new Event.Bye[1];
        Session session = admitted(transport, (id, refusal) -> {
            context.metrics().closed(refusal.code());
            admission.logRefusal(transport.door(), transport.address(), refusal);
            refused[0] = admission.byeFor(refusal, transport.address());
        });
        if (session != null) {
            startConnectionThread("loomchat-session-" + session.id(), () -> {
                if (stopping) {
                    session.disconnect(CloseReason.SHUTDOWN, "");
                }
                session.run();
            });
        }
        return refused[0];
    }

    /** What to do with a refused connection: its number and why. */
    private interface Refusal {
        void refuse(long id, CloseReason reason);
    }

    /** The new session, counted, or null after {@code refusal} was told why not. */
    private Session admitted(Transport transport, Refusal refusal) {
        long id = nextSessionId.incrementAndGet();
        Session session;
        admitting.lock();
        try {
            CloseReason reason = admission.check(transport.address(), stopping, sessions.size());
            if (reason != null) {
                refusal.refuse(id, reason);
                return null;
            }
            session = new Session(id, transport, context, this);
            sessions.add(session);
        } finally {
            admitting.unlock();
        }
        context.metrics().connectionsAccepted.increment();
        return session;
    }

    private void serve(Session session, Socket socket) {
        try {
            socket.setTcpNoDelay(true); // chat wants latency; the outbox already batches
            socket.setKeepAlive(true);
        } catch (SocketException e) {
            LOG.debug("socket options for {}: {}", session, e.toString());
        }
        if (stopping) {
            // closeAll() may have taken its snapshot before this session was added; it must still get a bye.
            session.disconnect(CloseReason.SHUTDOWN, "");
        }
        session.run();
    }

    /** A virtual thread working for one connection, counted, so that a leak of them shows. */
    public Thread startConnectionThread(String name, Runnable task) {
        connectionThreads.incrementAndGet();
        return Thread.ofVirtual().name(name).start(() -> {
            try {
                task.run();
            } finally {
                connectionThreads.decrementAndGet();
            }
        });
    }

    /** Reader, writer and refusal threads alive: two per connection, none once every client has gone. */
    public int connectionThreads() {
        return connectionThreads.get();
    }

    /**
     * A session that ended before it registered (a probe, a scan, a client that gave up): logged like a
     * refusal, once per address and reason, then counted once a minute.
     */
    void closedUnregistered(Transport transport, CloseReason reason, String detail) {
        unregisteredCloses.note("closed unregistered", transport.door(), transport.address(), reason.code(), detail);
    }

    /** Once a minute, from the watchdog: the count of connections that ended unregistered, per address. */
    public void flushUnregisteredCloses() {
        unregisteredCloses.flush();
    }

    /** Called by a session's read loop once it has cleaned up. */
    void forget(Session session) {
        admission.released(session.address());
        sessionsLock.lock();
        try {
            sessions.remove(session);
            sessionGone.signalAll();
        } finally {
            sessionsLock.unlock();
        }
    }

    /** The live sessions (a view: it changes as clients come and go). */
    public Set<Session> all() {
        return Collections.unmodifiableSet(sessions);
    }

    public int count() {
        return sessions.size();
    }

    /** Everyone connected, as the chat knows them. */
    public Iterable<Client> clients() {
        List<Client> clients = new ArrayList<>(sessions.size());
        for (Session session : sessions) {
            clients.add(session.client());
        }
        return clients;
    }

    private volatile int[] peopleCounts;
    private volatile long peopleCountedNanos;

    /**
     * People registered, operators among them, connections not registered yet and rooms, counted at most
     * once a second (IRC's LUSERS asks for them; counting walks every session).
     */
    public int[] peopleCounts() {
        long now = context.ticker().nanoTime();
        int[] counts = peopleCounts;
        if (counts == null || now - peopleCountedNanos > 1_000_000_000L) {
            counts = new int[4];
            for (Session s : sessions) {
                Client client = s.client();
                if (!client.registered()) {
                    counts[2]++;
                } else {
                    counts[0]++;
                    counts[1] += client.operator() != null ? 1 : 0;
                }
            }
            counts[3] = context.chat().rooms().list().size();
            peopleCounts = counts;
            peopleCountedNanos = now;
        }
        return counts;
    }

    /** From now on every new connection is refused with {@code shutdown}. */
    public void stopAdmitting() {
        stopping = true;
    }

    /**
     * Sends every client a {@code bye} ({@code shutdown}) after what is queued for it, waits up to
     * {@code grace} for them to go, then closes whatever is left. Returns how many were connected.
     */
    public int closeAll(Duration grace) {
        stopping = true;
        int count = sessions.size();
        for (Session session : sessions) {
            session.disconnect(CloseReason.SHUTDOWN, "");
        }
        long deadline = System.nanoTime() + grace.toNanos();
        sessionsLock.lock();
        try {
            while (!sessions.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                sessionGone.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sessionsLock.unlock();
        }
        for (Session session : sessions) {
            session.closeSocket();
        }
        return count;
    }
}
