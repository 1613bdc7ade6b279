package org.dirmail.mta.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The queue's size and the age of its oldest message, read from the file states the queue
 * package documents: one {@code msg/ID} file per queued message, its modification time the
 * commit. Read at scrape time and cached a few seconds, so scrapes never walk a big queue often.
 * Trusts only that the directory is the queue's; files vanishing mid-scan are expected.
 */
final class QueueGauges {

    static final Duration CACHE = Duration.ofSeconds(5);

    private final Path msgDir;
    private final Clock clock;
    private Snapshot snapshot;

    private record Snapshot(Instant taken, long messages, Instant oldest) {
    }

    QueueGauges(Path queueDir) {
        this(queueDir, Clock.systemUTC());
    }

    QueueGauges(Path queueDir, Clock clock) {
        this.msgDir = queueDir.resolve("msg");
        this.clock = clock;
    }

    synchronized double messages() {
        return current().messages();
    }

    /** 0 when the queue is empty. */
    synchronized double oldestAgeSeconds() {
        Snapshot s = current();
        return s.oldest() == null ? 0 : Math.max(0, Duration.between(s.oldest(), clock.instant()).toMillis() / 1000.0);
    }

    private Snapshot current() {
        Instant now = clock.instant();
        if (snapshot == null || Duration.between(snapshot.taken(), now).compareTo(CACHE) >= 0) {
            snapshot = scan(now);
        }
        return snapshot;
    }

    private Snapshot scan(Instant now) {
        long count = 0;
        Instant oldest = null;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(msgDir)) {
            for (Path file : files) {
                Instant modified;
                try {
                    modified = Files.readAttributes(file, BasicFileAttributes.class).lastModifiedTime().toInstant();
                } catch (NoSuchFileException e) {
                    continue; // delivered and removed while we looked
                }
                count++;
                oldest = oldest == null || modified.isBefore(oldest) ? modified : oldest;
            }
        } catch (NoSuchFileException e) {
            return new Snapshot(now, 0, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // Micrometer reports the gauge as NaN
        }
        return new Snapshot(now, count, oldest);
    }
}
