package org.dirmail.directory.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The failure counter on a hand-driven clock: limits per IP and per login, expiry, reset on success. */
class AuthThrottleTest {

    private final MutableClock clock = new MutableClock();
    private final AuthThrottle throttle = new AuthThrottle(3, Duration.ofMinutes(10), clock);

    @Test
    void blocksAnIpAtTheLimitWhateverTheLogin() {
        throttle.recordFailure("192.0.2.1", "alice");
        throttle.recordFailure("192.0.2.1", "bob");
        assertThat(throttle.blocked("192.0.2.1", "carol")).isFalse();

        throttle.recordFailure("192.0.2.1", "carol");

        assertThat(throttle.blocked("192.0.2.1", "dave")).isTrue();
        assertThat(throttle.blocked("192.0.2.2", "dave")).isFalse();
    }

    @Test
    void blocksALoginAtTheLimitFromAnyIpIgnoringCase() {
        throttle.recordFailure("192.0.2.1", "alice");
        throttle.recordFailure("192.0.2.2", "Alice");
        assertThat(throttle.blocked("192.0.2.3", "alice")).isFalse();

        throttle.recordFailure("192.0.2.3", "ALICE");

        assertThat(throttle.blocked("198.51.100.7", "alice")).isTrue();
        assertThat(throttle.blocked("198.51.100.7", "aLiCe")).isTrue();
        assertThat(throttle.blocked("198.51.100.7", "bob")).isFalse();
    }

    @Test
    void failuresExpireAfterTheWindow() {
        throttle.recordFailure("192.0.2.1", "alice");
        clock.advance(Duration.ofMinutes(5));
        throttle.recordFailure("192.0.2.1", "alice");
        throttle.recordFailure("192.0.2.1", "alice");
        assertThat(throttle.blocked("192.0.2.1", "alice")).isTrue();

        // The first failure is now exactly one window old and no longer counts.
        clock.advance(Duration.ofMinutes(5));
        assertThat(throttle.blocked("192.0.2.1", "alice")).isFalse();

        throttle.recordFailure("192.0.2.1", "alice");
        assertThat(throttle.blocked("192.0.2.1", "alice")).isTrue();
        clock.advance(Duration.ofMinutes(10));
        assertThat(throttle.blocked("192.0.2.1", "alice")).isFalse();
    }

    @Test
    void successClearsTheLoginButNotTheIp() {
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("192.0.2.1", "alice");
        }
        throttle.recordFailure("192.0.2.9", "bob");
        throttle.recordFailure("192.0.2.9", "bob");

        throttle.recordSuccess("192.0.2.1", "Alice");
        throttle.recordSuccess("192.0.2.9", "bob");

        assertThat(throttle.blocked("198.51.100.7", "alice")).isFalse();
        assertThat(throttle.blocked("192.0.2.1", "alice")).isTrue();
        // bob's slate is clean: three new failures are needed to block him again.
        throttle.recordFailure("198.51.100.8", "bob");
        throttle.recordFailure("198.51.100.9", "bob");
        assertThat(throttle.blocked("198.51.100.10", "bob")).isFalse();
    }

    @Test
    void anIpAndALoginWithTheSameTextAreCountedApart() {
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("192.0.2.1", "login" + i);
        }

        assertThat(throttle.blocked("198.51.100.7", "192.0.2.1")).isFalse();
    }

    @Test
    void emptyLoginCountsOnlyAgainstTheIp() {
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("192.0.2.1", "");
        }

        assertThat(throttle.blocked("198.51.100.7", "")).isFalse();
        assertThat(throttle.blocked("192.0.2.1", "")).isTrue();
    }

    @Test
    void sprayingNewLoginsEvictsIdleKeysButNeverTheSprayer() {
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("198.51.100." + i, "victim");
        }
        assertThat(throttle.blocked("203.0.113.1", "victim")).isTrue();

        for (int i = 0; i < AuthThrottle.MAX_KEYS; i++) {
            throttle.recordFailure("192.0.2.1", "user" + i);
        }

        assertThat(throttle.blocked("203.0.113.1", "victim")).isFalse();
        assertThat(throttle.blocked("192.0.2.1", "anyone")).isTrue();
    }

    @Test
    void expiredKeysAreForgottenWhileNewOnesCount() {
        for (int i = 0; i < 1000; i++) {
            throttle.recordFailure("10.0." + (i / 256) + "." + (i % 256), "user" + i);
        }
        clock.advance(Duration.ofMinutes(11));
        for (int i = 0; i < 3; i++) {
            throttle.recordFailure("192.0.2.1", "alice");
        }

        assertThat(throttle.blocked("192.0.2.1", "x")).isTrue();
        assertThat(throttle.blocked("10.0.0.0", "user0")).isFalse();
    }

    @Test
    void refusesNonsenseSettings() {
        assertThatThrownBy(() -> new AuthThrottle(0, Duration.ofMinutes(1), clock))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AuthThrottle(3, Duration.ZERO, clock))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2025-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
