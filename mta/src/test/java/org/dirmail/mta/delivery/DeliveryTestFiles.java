package org.dirmail.mta.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

/** What the delivery tests look at on disk, and how they wait for work done on other threads. */
final class DeliveryTestFiles {

    private DeliveryTestFiles() {
    }

    /** The files in {@code dir}; none when it does not exist (yet). */
    static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The messages in {@code uid}'s Maildir {@code new/} under the mail root {@code root/mail}. */
    static List<Path> maildir(Path root, String uid) {
        return files(root.resolve("mail/example.com/" + uid + "/Maildir/new"));
    }

    /** A condition the test waits for. */
    interface Check {
        boolean holds() throws Exception;
    }

    /** Waits up to 15 s for {@code check}, polling; fails naming {@code what}. */
    static void await(Check check, String what) throws Exception {
        Instant deadline = Instant.now().plusSeconds(15);
        while (!check.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.sleep(20);
        }
    }
}
