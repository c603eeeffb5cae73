package io.loomchat.server.connection;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Greets connections that stay silent. A connection is greeted (docs/PROTOCOL.md, Session) once it has said
 * nothing for {@link #LISTEN_FIRST_MILLIS}, or right before the answer to its first line if that comes
 * sooner; an IRC client, which speaks first, is never greeted, since a JSON line is noise in its status
 * window (and a protocol error to a strict one). The wait is far below what a person on nc notices, and
 * above the half round trip in which an IRC client's first line arrives on any usual network.
 *
 * <p>One platform thread runs the timers: a task only queues a line, never blocks.
 */
public final class Greeter {

    /** How long a new connection is listened to before it is greeted. */
    public static final long LISTEN_FIRST_MILLIS = 300;

    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1,
            Thread.ofPlatform().daemon().name("loomchat-greeter").factory());

    public Greeter() {
        timers.setRemoveOnCancelPolicy(true);
        timers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /** Greets the connection after the wait unless it has spoken (or been greeted) by then. */
    void listenFirst(Greeting greeting) {
        try {
            timers.schedule(greeting::send, LISTEN_FIRST_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            greeting.send();
        }
    }

    public void stop() {
        timers.shutdownNow();
    }
}
