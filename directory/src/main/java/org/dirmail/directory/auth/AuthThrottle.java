package org.dirmail.directory.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Counts failed logins per client IP and per login name within a sliding window, so SMTP AUTH and
 * POP3 can refuse guessing before it reaches the directory. In memory only; keys are untrusted
 * strings, so memory is bounded: at most {@code maxFailures} times per key, expired keys swept
 * once per window, and beyond {@value #MAX_KEYS} keys per map the least recently used goes.
 * Thread-safe.
 */
public final class AuthThrottle {

    // About 20 MB per map at most. An attacker spraying new keys evicts the keys idle longest;
    // its own IP stays, since every failure touches it.
    static final int MAX_KEYS = 100_000;

    private final int maxFailures;
    private final long windowMillis;
    private final Clock clock;
    // Separate maps, so an IP address and a login with the same text never share a count.
    private final Map<String, ArrayDeque<Long>> byIp = lruMap();
    private final Map<String, ArrayDeque<Long>> byLogin = lruMap();
    private long lastSweep;

    /**
     * @param maxFailures failures within {@code window} after which an IP or a login is blocked
     * @param window      how long a failure counts
     * @param clock       the time source (a fixed one in tests)
     */
    public AuthThrottle(int maxFailures, Duration window, Clock clock) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures: must be at least 1, got " + maxFailures);
        }
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window: must be a positive duration, got " + window);
        }
        this.maxFailures = maxFailures;
        this.windowMillis = window.toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.lastSweep = clock.millis();
    }

    /** True when the IP or the login (case-insensitively) has reached the failure limit. */
    public synchronized boolean blocked(String clientIp, String login) {
        long now = clock.millis();
        return reached(byIp, ipKey(clientIp), now) || reached(byLogin, loginKey(login), now);
    }

    /** Counts one failure against both the IP and the login. */
    public synchronized void recordFailure(String clientIp, String login) {
        long now = clock.millis();
        if (now - lastSweep >= windowMillis) {
            sweep(byIp, now);
            sweep(byLogin, now);
            lastSweep = now;
        }
        record(byIp, ipKey(clientIp), now);
        record(byLogin, loginKey(login), now);
    }

    /**
     * Clears the login's count. The IP keeps its count: one right password from an address that
     * also guesses at other logins must not reset its budget.
     */
    public synchronized void recordSuccess(String clientIp, String login) {
        String key = loginKey(login);
        if (key != null) {
            byLogin.remove(key);
        }
    }

    private boolean reached(Map<String, ArrayDeque<Long>> counts, String key, long now) {
        if (key == null) {
            return false;
        }
        ArrayDeque<Long> times = counts.get(key);
        if (times == null) {
            return false;
        }
        expire(times, now);
        if (times.isEmpty()) {
            counts.remove(key);
            return false;
        }
        return times.size() >= maxFailures;
    }

    private void record(Map<String, ArrayDeque<Long>> counts, String key, long now) {
        if (key == null) {
            return;
        }
        ArrayDeque<Long> times = counts.computeIfAbsent(key, k -> new ArrayDeque<>());
        expire(times, now);
        times.addLast(now);
        // Only the newest maxFailures times can decide "blocked", so older ones are dropped.
        while (times.size() > maxFailures) {
            times.removeFirst();
        }
    }

    private void sweep(Map<String, ArrayDeque<Long>> counts, long now) {
        counts.values().removeIf(times -> {
            expire(times, now);
            return times.isEmpty();
        });
    }

    private void expire(ArrayDeque<Long> times, long now) {
        while (!times.isEmpty() && now - times.peekFirst() >= windowMillis) {
            times.removeFirst();
        }
    }

    private static Map<String, ArrayDeque<Long>> lruMap() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Long>> eldest) {
                return size() > MAX_KEYS;
            }
        };
    }

    private static String ipKey(String clientIp) {
        return clientIp == null || clientIp.isEmpty() ? null : clientIp;
    }

    // An empty login (e.g. undecodable AUTH data) counts only against the IP.
    private static String loginKey(String login) {
        return login == null || login.isEmpty() ? null : login.toLowerCase(Locale.ROOT);
    }
}
