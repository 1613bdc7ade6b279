package org.dirmail.mta.delivery;

import java.time.Duration;
import java.time.Instant;

/**
 * qmail-send's retry schedule: the next attempt is at {@code birth + (⌊√age⌋ + C)²} seconds,
 * so attempts fall near (k·C)² s after arrival (C = 10 for local: 0, 100 s, 400 s, 900 s …).
 * It needs no stored attempt counter: the arrival time is enough, so it survives restarts.
 */
public record RetrySchedule(int constant) {

    public RetrySchedule {
        if (constant <= 0) {
            throw new IllegalArgumentException("retry constant must be positive");
        }
    }

    /** When to try again, given the message's arrival and the time of the failed attempt. */
    public Instant next(Instant birth, Instant now) {
        long age = Math.max(0, Duration.between(birth, now).toSeconds());
        long root = (long) Math.floor(Math.sqrt(age));
        long offset = (root + constant) * (root + constant);
        return birth.plusSeconds(offset);
    }
}
