package org.dirmail.mta.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queue size and oldest age come from msg/ files, and a scan is reused for a few seconds. */
class QueueGaugesTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    @TempDir
    Path queue;

    @Test
    void countsMessagesAndAgesTheOldest() throws Exception {
        Path msg = Files.createDirectories(queue.resolve("msg"));
        Files.setLastModifiedTime(Files.createFile(msg.resolve("A1")), FileTime.from(NOW.minusSeconds(90)));
        Files.setLastModifiedTime(Files.createFile(msg.resolve("B2")), FileTime.from(NOW.minusSeconds(10)));
        Files.createFile(Files.createDirectories(queue.resolve("tmp")).resolve("C3")); // not committed

        QueueGauges gauges = new QueueGauges(queue, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(gauges.messages()).isEqualTo(2);
        assertThat(gauges.oldestAgeSeconds()).isEqualTo(90);
    }

    @Test
    void anEmptyOrMissingQueueIsZero() {
        QueueGauges gauges = new QueueGauges(queue, Clock.fixed(NOW, ZoneOffset.UTC));
        assertThat(gauges.messages()).isZero();
        assertThat(gauges.oldestAgeSeconds()).isZero();
    }

    @Test
    void aScanIsReusedUntilItIsOlderThanTheCacheTime() throws Exception {
        Path msg = Files.createDirectories(queue.resolve("msg"));
        MutableClock clock = new MutableClock(NOW);
        QueueGauges gauges = new QueueGauges(queue, clock);
        assertThat(gauges.messages()).isZero();

        Files.createFile(msg.resolve("A1"));
        clock.now = NOW.plus(QueueGauges.CACHE).minusMillis(1);
        assertThat(gauges.messages()).isZero();
        clock.now = NOW.plus(QueueGauges.CACHE);
        assertThat(gauges.messages()).isEqualTo(1);
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
