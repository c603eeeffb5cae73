package io.loomchat.server.guard;

import java.net.InetAddress;
import java.time.Clock;

/**
 * Limits how fast one address may open connections (ergo: 32 per 10 minutes), so that a reconnect loop or a
 * scan cannot churn the server: a bucket per address that holds a minute's allowance and refills steadily.
 * A refused attempt costs nothing, so an address that stops hammering may connect again as soon as one
 * token has come back (60 s divided by the allowance), not when some fixed minute is over: a person behind
 * the same NAT as a scanner is kept out only while the scan goes on. Shared by every door (the chat port's
 * acceptor, the web port's).
 */
public final class ConnectThrottle {

    private final TokenBuckets<InetAddress> rate;
    private final int perMinute;

    public ConnectThrottle(Clock clock, int perMinute) {
        this.rate = new TokenBuckets<>(clock, perMinute / 60.0, perMinute);
        this.perMinute = perMinute;
    }

    /** Counts a connection from {@code address}; false if it has used up its allowance for now. */
    public boolean admit(InetAddress address) {
        return rate.allow(address);
    }

    /** The allowance, for the refusals' detail. */
    public int perMinute() {
        return perMinute;
    }
}
