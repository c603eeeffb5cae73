package io.loomchat.server.delivery;

/** One outbox's share of the server's {@link OutboxBudget}: what it counts there now. Used under its outbox's lock. */
final class BudgetShare {

    private final OutboxBudget budget;
    private final int maxBytes;
    private final long step; // what this outbox counts in the budget moves in these steps
    private long counted; // what this outbox adds to the budget now

    BudgetShare(OutboxBudget budget, int maxBytes) {
        this.budget = budget;
        this.maxBytes = maxBytes;
        this.step = Math.max(1, maxBytes / 32);
    }

    /**
     * Brings what this outbox counts in the server's budget up to date, now that {@code pendingBytes} wait: only what
     * it holds beyond an eighth of its limit, so that clients that keep up (whose outboxes hold a few lines) never
     * touch the shared counter, and the fan-out path pays nothing for it. Under the outbox's lock.
     *
     * <p>Counted in steps of a 32nd of the limit, rounded up: a client that is behind then moves the shared counter
     * once per step, not once per line. At full-speed fan-out to 1,000 that counter, which every core writes, took more
     * than a quarter of the server's samples, all inside {@link #offer}. Rounding up keeps the budget from ever
     * counting less than the outboxes hold.
     */
    void update(long pendingBytes) {
        long beyond = Math.max(0, pendingBytes - maxBytes / 8);
        long now = beyond == 0 ? 0 : (beyond + step - 1) / step * step;
        if (now != counted) {
            budget.add(now - counted);
            counted = now;
        }
    }
}
