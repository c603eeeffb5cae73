package io.loomchat.server.connection;

import java.lang.management.ManagementFactory;

/**
 * How the process's file descriptors are shared out, so that the server refuses a connection with a bye
 * ({@code server_full}) before the operating system refuses it with "Too many open files". Each client
 * connection takes one descriptor, each open journal one; a fixed reserve covers the JVM's own files,
 * the listeners, the metrics endpoint and connections being refused.
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
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
                return unix.getMaxFileDescriptorCount();
            }
        } catch (LinkageError e) {
            // a trimmed runtime without jdk.management
        }
        return -1;
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
        if (limit <= 0) {
            return new DescriptorBudget(limit, maxConnections, maxOpenJournals);
        }
        long usable = limit - RESERVE;
        int journals = journaling ? (int) Math.max(MIN_JOURNALS, Math.min(maxOpenJournals, usable / 8)) : 0;
        long forConnections = usable - journals;
        if (forConnections < 1) {
            throw new IllegalArgumentException("the process may open only " + limit + " files (ulimit -n); Loomchat needs "
                    + "at least " + (RESERVE + journals + 1) + ". Raise it with 'ulimit -n'.");
        }
        if (maxConnections > forConnections) {
            if (maxConnectionsChosen) {
                throw new IllegalArgumentException("max-connections=" + maxConnections + " needs about "
                        + (maxConnections + RESERVE + journals) + " file descriptors, but the process may open only "
                        + limit + " (ulimit -n). Raise the limit (ulimit -n, or LimitNOFILE= for systemd, --ulimit for "
                        + "docker) or lower --max-connections to " + forConnections + " or less.");
            }
            return new DescriptorBudget(limit, (int) forConnections, journals);
        }
        return new DescriptorBudget(limit, maxConnections, journals);
    }
}
