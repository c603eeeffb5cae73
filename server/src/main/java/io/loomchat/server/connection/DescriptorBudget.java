package io.loomchat.server.connection;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/**
 * How the process's file descriptors are shared out, so that the server refuses a connection with a bye
 * ({@code server_full}) before the operating system refuses it with "Too many open files". Each client
 * connection takes one descriptor, each open journal one; what the process has open at start (the JVM's
 * files, its jars) is counted as it is, and a fixed reserve covers the rest: listeners, the metrics endpoint,
 * connections being refused, files opened later. With the web client on, its port gets
 * as many connections as the chat port (its WebSockets and page loads), so each gets half of what is left.
 */
public record DescriptorBudget(long limit, int connections, int journals) {

    /** Descriptors kept for the JVM (jars, logs, epoll), listeners, metrics and refusals in flight. */
    public static final int RESERVE = 100;
    /** Smallest number of journals kept open however tight the limit. */
    static final int MIN_JOURNALS = 8;

    /**
     * The process's descriptor limit, or -1 when the platform does not tell (not Unix, or a runtime
     * without the jdk.management module): then max-connections is taken as given.
     */
    public static long processLimit() {
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
                return unix.getMaxFileDescriptorCount();
            }
        } catch (LinkageError e) {
            // a trimmed runtime without jdk.management
        }
        return -1;
    }

    /** Descriptors the process has open now; 0 when the platform does not tell. */
    public static long processOpen() {
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
                return Math.max(0, unix.getOpenFileDescriptorCount());
            }
        } catch (LinkageError e) {
            // a trimmed runtime without jdk.management
        }
        return 0;
    }

    /**
     * Shares {@code limit} out. The journals get at most {@code maxOpenJournals} and at most an eighth of
     * what is left after the reserve; the connections get the rest, at most {@code maxConnections}. An
     * explicit {@code maxConnections} that cannot fit is a configuration error, said at start.
     *
     * @throws IllegalArgumentException when {@code maxConnections} was chosen and does not fit
     */
    public static DescriptorBudget of(long limit, int maxConnections, boolean maxConnectionsChosen, int maxOpenJournals,
                               boolean journaling) {
        return of(limit, 0, maxConnections, maxConnectionsChosen, maxOpenJournals, journaling, false);
    }

    /**
     * As above, for a process that has {@code open} descriptors open already; {@code web}: the web client's
     * port takes as many descriptors as the chat connections.
     */
    public static DescriptorBudget of(long limit, long open, int maxConnections, boolean maxConnectionsChosen,
                                      int maxOpenJournals, boolean journaling, boolean web) {
        if (limit <= 0) {
            return new DescriptorBudget(limit, maxConnections, maxOpenJournals);
        }
        long usable = limit - RESERVE - open;
        int journals = journaling ? (int) Math.max(MIN_JOURNALS, Math.min(maxOpenJournals, usable / 8)) : 0;
        long forConnections = web ? (usable - journals) / 2 : usable - journals;
        if (forConnections < 1) {
            throw new IllegalArgumentException("the process may open only " + limit + " files (ulimit -n); Loomchat needs "
                    + "at least " + (RESERVE + open + journals + 1) + ". Raise it with 'ulimit -n'.");
        }
        if (maxConnections > forConnections) {
            if (maxConnectionsChosen) {
                throw new IllegalArgumentException("max-connections=" + maxConnections + " needs about "
                        + ((web ? 2L : 1L) * maxConnections + RESERVE + open + journals) + " file descriptors"
                        + (web ? " (half of them for the web client's port)" : "") + ", but the process may open only "
                        + limit + " (ulimit -n). Raise the limit (ulimit -n, or LimitNOFILE= for systemd, --ulimit for "
                        + "docker) or lower --max-connections to " + forConnections + " or less"
                        + (web ? ", or turn the web client off (--web-port off)." : "."));
            }
            return new DescriptorBudget(limit, (int) forConnections, journals);
        }
        return new DescriptorBudget(limit, maxConnections, journals);
    }
}
