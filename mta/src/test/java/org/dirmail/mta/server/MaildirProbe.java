package org.dirmail.mta.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** Waits for messages to appear in a Maildir's new/ directory, or for the queue to drain. */
final class MaildirProbe {

    private MaildirProbe() {
    }

    /** The files in {@code maildir/new}, waiting up to {@code timeout} for at least {@code count}. */
    static List<Path> awaitMessages(Path maildir, int count, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            List<Path> files = list(maildir.resolve("new"));
            if (files.size() >= count || Instant.now().isAfter(deadline)) {
                return files;
            }
            Thread.sleep(50);
        }
    }

    /** The files left in {@code dir} once it is empty or {@code timeout} has passed. */
    static List<Path> awaitEmpty(Path dir, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        List<Path> files = list(dir);
        while (!files.isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            files = list(dir);
        }
        return files;
    }

    static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
