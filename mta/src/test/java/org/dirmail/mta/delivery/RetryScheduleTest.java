package org.dirmail.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    private final Instant birth = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void followsQmailSendForLocalDeliveries() {
        RetrySchedule local = new RetrySchedule(10);
        // qmail-send: next = birth + (floor(sqrt(age)) + 10)^2
        assertThat(local.next(birth, birth)).isEqualTo(birth.plusSeconds(100));
        assertThat(local.next(birth, birth.plusSeconds(100))).isEqualTo(birth.plusSeconds(400));
        assertThat(local.next(birth, birth.plusSeconds(400))).isEqualTo(birth.plusSeconds(900));
        assertThat(local.next(birth, birth.plusSeconds(401))).isEqualTo(birth.plusSeconds(900));
    }

    @Test
    void alwaysMovesForward() {
        RetrySchedule s = new RetrySchedule(1);
        Instant now = birth;
        for (int i = 0; i < 50; i++) {
            Instant next = s.next(birth, now);
            assertThat(next).isAfter(now);
            now = next;
        }
    }
}
