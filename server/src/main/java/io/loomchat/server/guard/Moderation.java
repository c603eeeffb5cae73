package io.loomchat.server.guard;

import io.loomchat.protocol.Names;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What operators have decided: banned nicks and addresses, and who is muted in which room, each until an
 * expiry (or until the server restarts). Kept in memory; an expired entry is dropped when next looked at.
 */
public final class Moderation {

    /** Until when, and why; {@link Instant#MAX} until the server restarts. */
    public record Sanction(Instant until, String reason, String by, InetAddress address) {
        boolean expired(Instant now) {
            return !now.isBefore(until);
        }
    }

    private final Clock clock;
    private final ConcurrentHashMap<InetAddress, Sanction> bannedAddresses = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Sanction> bannedNicks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Sanction> mutes = new ConcurrentHashMap<>(); // "room nick-key"

    public Moderation(Clock clock) {
        this.clock = clock;
    }

    /** {@code length} of zero: until the server restarts. */
    public Sanction sanction(Duration length, String reason, String by) {
        Instant until = length.isZero() ? Instant.MAX : clock.instant().plus(length);
        return new Sanction(until, reason, by, null);
    }

    public void ban(InetAddress address, Sanction sanction) {
        bannedAddresses.put(address, sanction);
    }

    /**
     * Bans a nick and, when given, the address it connected from. An address ban that already lasts
     * longer is kept as it is: the nick's ban does not shorten it, and lifting the nick's ban later lifts
     * only the address ban made with it.
     */
    public void ban(String nick, InetAddress address, Sanction sanction) {
        Sanction withAddress = new Sanction(sanction.until(), sanction.reason(), sanction.by(), address);
        bannedNicks.put(Names.skeleton(nick), withAddress);
        if (address != null) {
            bannedAddresses.merge(address, withAddress,
                    (existing, fresh) -> existing.until().isAfter(fresh.until()) ? existing : fresh);
        }
    }

    /** Lifts the ban on an address; false if there was none. */
    public boolean unban(InetAddress address) {
        return bannedAddresses.remove(address) != null;
    }

    /**
     * Lifts the ban on a nick and the address ban made with it (not another one). Returns what was lifted
     * (its address set if the address ban made with it went too), or null if the nick was not banned.
     */
    public Sanction unban(String nick) {
        Sanction lifted = bannedNicks.remove(Names.skeleton(nick));
        if (lifted == null) {
            return null;
        }
        boolean addressToo = lifted.address() != null && bannedAddresses.remove(lifted.address(), lifted);
        return addressToo ? lifted : new Sanction(lifted.until(), lifted.reason(), lifted.by(), null);
    }

    /** An address as people write it: IPv6 in its short form ({@code ::1}, not {@code 0:0:0:0:0:0:0:1}). */
    public static String text(InetAddress address) {
        String full = address.getHostAddress();
        int scope = full.indexOf('%');
        if (scope >= 0) {
            full = full.substring(0, scope);
        }
        if (!(address instanceof Inet6Address)) {
            return full;
        }
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLength = 1; // RFC 5952: only a run of two or more zero groups becomes "::"
        for (int i = 0; i < groups.length; ) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(groups, bestStart + bestLength, groups.length));
        return head + "::" + tail;
    }

    public Sanction banOf(InetAddress address) {
        return live(bannedAddresses, address);
    }

    public Sanction banOf(String nick) {
        return live(bannedNicks, Names.skeleton(nick));
    }

    public void mute(String room, String nick, Sanction sanction) {
        mutes.put(muteKey(room, nick), sanction);
    }

    public boolean unmute(String room, String nick) {
        return mutes.remove(muteKey(room, nick)) != null;
    }

    /** Asked for every line said: free while nobody is muted. */
    public Sanction muteOf(String room, String nick) {
        return mutes.isEmpty() ? null : live(mutes, muteKey(room, nick));
    }

    /**
     * Someone changed nick: their mutes go with them, so a rename is no way out of one. The old nick stays
     * muted too, so that renaming, leaving and coming back under the old nick is no way out either.
     */
    public void renamed(String oldNick, String newNick) {
        if (mutes.isEmpty()) {
            return;
        }
        String oldSuffix = " " + Names.skeleton(oldNick);
        for (var entry : mutes.entrySet()) {
            String key = entry.getKey();
            if (key.endsWith(oldSuffix)) {
                String room = key.substring(0, key.length() - oldSuffix.length());
                mutes.merge(muteKey(room, newNick), entry.getValue(),
                        (existing, carried) -> existing.until().isAfter(carried.until()) ? existing : carried);
            }
        }
    }

    private static String muteKey(String room, String nick) {
        return room + " " + Names.skeleton(nick);
    }

    /** Time left, for people: "12 min", or "until the server restarts". */
    public String left(Sanction sanction) {
        if (sanction.until().equals(Instant.MAX)) {
            return "until the server restarts";
        }
        // Rounded to the nearest unit: a 10-minute mute told a few milliseconds later is "10 min", not "9".
        long millis = Math.max(1_000, Duration.between(clock.instant(), sanction.until()).toMillis());
        long seconds = (millis + 500) / 1_000;
        return seconds < 120 ? "for " + seconds + " s more"
                : seconds < 7_200 ? "for " + (seconds + 30) / 60 + " min more"
                : seconds < 172_800 ? "for " + (seconds + 1_800) / 3_600 + " h more"
                : "for " + (seconds + 43_200) / 86_400 + " d more";
    }

    private <K> Sanction live(ConcurrentHashMap<K, Sanction> map, K key) {
        Sanction sanction = map.get(key);
        if (sanction != null && sanction.expired(clock.instant())) {
            map.remove(key, sanction);
            return null;
        }
        return sanction;
    }
}
