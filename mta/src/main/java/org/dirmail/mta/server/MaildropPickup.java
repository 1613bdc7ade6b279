package org.dirmail.mta.server;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dirmail.mta.queue.CorruptQueueFileException;
import org.dirmail.mta.queue.Envelope;
import org.dirmail.mta.queue.FileQueue;
import org.dirmail.mta.queue.Maildrop;
import org.dirmail.mta.queue.QueuedMessage;
import org.dirmail.mta.smtp.MailPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves locally injected messages from {@code maildrop/} into the queue, as Postfix's pickup. A
 * maildrop file may come from any local user, so it is hostile input: the addresses are checked
 * with the SMTP path rules, the size with {@code smtp_max_message_size}, the line ends must be
 * CRLF; a file that fails is moved to {@code corrupt/} and logged, never dropped. Recipients are
 * not limited: local users may send anywhere, as with Postfix's sendmail.
 */
final class MaildropPickup {

    private static final Logger log = LoggerFactory.getLogger(MaildropPickup.class);

    /** RFC 5322 3.3 date-time with a numeric zone. */
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);
    /** Room for the records before the message: many recipients of up to 256 bytes each. */
    private static final int MAX_RECORDS = 4 * 1024 * 1024;
    private static final long ENQUEUE_TIMEOUT_SECONDS = 60;

    private final FileQueue queue;
    private final String hostname;
    private final int maxMessageSize;
    private final Clock clock;

    MaildropPickup(FileQueue queue, String hostname, int maxMessageSize, Clock clock) {
        this.queue = queue;
        this.hostname = hostname;
        this.maxMessageSize = maxMessageSize;
        this.clock = clock;
    }

    /** Picks up every finished file now in the maildrop (at start, and after a missed event). */
    void pickUpAll() {
        List<Path> files = new ArrayList<>();
        try (var list = Files.list(queue.maildropDir())) {
            list.filter(Maildrop::isReady).sorted().forEach(files::add);
        } catch (IOException e) {
            log.error("cannot list maildrop {}: {}", queue.maildropDir(), e.toString());
        }
        files.forEach(this::pickUp);
    }

    /** Validates and enqueues one file, then removes it; a broken file is moved aside. */
    void pickUp(Path file) {
        if (!Maildrop.isReady(file)) {
            return;
        }
        QueuedMessage dropped;
        try {
            dropped = Maildrop.read(file, (long) maxMessageSize + MAX_RECORDS);
            Optional<String> problem = problem(dropped);
            if (problem.isPresent()) {
                throw new CorruptQueueFileException(file.getFileName().toString(), problem.get());
            }
        } catch (NoSuchFileException e) {
            return; // picked up already (a scan and an event for the same file)
        } catch (CorruptQueueFileException e) {
            moveAside(file, e.getMessage());
            return;
        } catch (IOException e) {
            log.error("maildrop {}: cannot read: {}; left for the next start", file.getFileName(), e.toString());
            return;
        }
        String user = owner(file);
        Envelope envelope = new Envelope(dropped.envelope().sender(), dropped.envelope().recipients(),
                "pickup", clock.instant());
        byte[] received = received(user);
        try {
            String id = queue.enqueue(envelope, Unpooled.wrappedBuffer(received, dropped.message()))
                    .toCompletableFuture().get(ENQUEUE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Files.deleteIfExists(file); // a crash before this line queues the message twice, never zero times
            log.info("{}: picked up from maildrop {} (local user {})", id, file.getFileName(), user);
        } catch (ExecutionException | TimeoutException | IOException e) {
            log.error("maildrop {}: cannot enqueue: {}; left for the next start", file.getFileName(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Why the file must not be queued, if it must not. */
    private Optional<String> problem(QueuedMessage dropped) {
        Envelope env = dropped.envelope();
        if (MailPath.parseAddress(env.sender(), true).isEmpty()) {
            return Optional.of("invalid sender address");
        }
        for (String rcpt : env.recipients()) {
            if (MailPath.parseAddress(rcpt, false).isEmpty()) {
                return Optional.of("invalid recipient address");
            }
        }
        if (dropped.message().length > maxMessageSize) {
            return Optional.of("message larger than smtp_max_message_size (" + maxMessageSize + " bytes)");
        }
        return lineEndProblem(dropped.message());
    }

    /** Only CRLF may end a line and no NUL may appear, as on the wire (no smuggling via the queue). */
    static Optional<String> lineEndProblem(byte[] m) {
        for (int i = 0; i < m.length; i++) {
            if (m[i] == 0) {
                return Optional.of("NUL byte in the message");
            }
            boolean crlf = m[i] == '\r' && i + 1 < m.length && m[i + 1] == '\n';
            if (crlf) {
                i++;
            } else if (m[i] == '\r' || m[i] == '\n') {
                return Optional.of("bare CR or LF in the message");
            }
        }
        return Optional.empty();
    }

    private void moveAside(Path file, String why) {
        try {
            Path target = queue.quarantineMaildrop(file);
            log.error("maildrop {}: refused ({}); moved to {}", file.getFileName(), why, target);
        } catch (IOException e) {
            log.error("maildrop {}: refused ({}) and cannot be moved aside: {}", file.getFileName(), why, e.toString());
        }
    }

    /** The file's owner is who wrote it (the maildrop is not chown-able by users); the file's text is not. */
    private static String owner(Path file) {
        try {
            String name = Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName();
            String safe = name.replaceAll("[^A-Za-z0-9._-]", "?");
            return safe.isEmpty() || safe.length() > 64 ? "unknown" : safe;
        } catch (IOException | UnsupportedOperationException e) {
            return "unknown";
        }
    }

    /** The trace field for local pickup, as Postfix writes it (RFC 5321 4.4 leaves "from" out). */
    private byte[] received(String user) {
        String field = "Received: by " + hostname + " (dirmail pickup, from local user " + user + ");\r\n\t"
                + DATE.format(ZonedDateTime.now(clock)) + "\r\n";
        return field.getBytes(StandardCharsets.US_ASCII);
    }
}
