package org.dirmail.mta.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which senders each auto-replying recipient has answered, and when: one small file per recipient
 * under {@code <data_dir>/autoreply}, named by a hash of the address, rewritten through a
 * temporary file and an atomic rename so a crash leaves the old or the new file, never half of
 * one. Records older than the interval are dropped whenever a file is rewritten, files untouched
 * for longer at start, and a file keeps at most {@link #MAX_RECORDS}. As qmail-reply's database,
 * a file starts over when the reply text changes. Senders are checked addresses; thread-safe.
 */
final class AutoReplyMemory {

    /** Newest records kept per recipient: bounded growth even under a flood of distinct senders. */
    static final int MAX_RECORDS = 1000;

    private static final String MAGIC = "dirmail-autoreply-1";
    private static final String TEMP_SUFFIX = ".tmp";

    private final Path dir;
    private final Duration interval;
    private final Clock clock;

    private AutoReplyMemory(Path dir, Duration interval, Clock clock) {
        this.dir = dir;
        this.interval = interval;
        this.clock = clock;
    }

    /** Opens (creating) {@code dir} and deletes what has expired or was left half-written. */
    static AutoReplyMemory open(Path dir, Duration interval, Clock clock) throws IOException {
        Files.createDirectories(dir);
        AutoReplyMemory memory = new AutoReplyMemory(dir, interval, clock);
        memory.sweep();
        return memory;
    }

    /** True when {@code recipient} answered {@code sender} with this {@code text} within the interval. */
    synchronized boolean answeredRecently(String recipient, String sender, String text) throws IOException {
        Instant last = read(recipient, text).get(key(sender));
        return last != null && last.isAfter(clock.instant().minus(interval));
    }

    /** Records that {@code recipient} answered {@code sender} now. */
    synchronized void remember(String recipient, String sender, String text) throws IOException {
        Map<String, Instant> records = read(recipient, text);
        Instant now = clock.instant();
        Instant oldest = now.minus(interval);
        records.values().removeIf(when -> !when.isAfter(oldest));
        records.remove(key(sender));
        records.put(key(sender), now);
        StringBuilder out = new StringBuilder(MAGIC).append(' ').append(hash(text)).append('\n');
        int skip = Math.max(0, records.size() - MAX_RECORDS);
        for (Map.Entry<String, Instant> e : records.entrySet()) {
            if (skip-- > 0) {
                continue; // insertion order is oldest first
            }
            out.append(e.getValue().getEpochSecond()).append(' ').append(e.getKey()).append('\n');
        }
        Path file = file(recipient);
        Path temp = file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
        Files.writeString(temp, out, StandardCharsets.UTF_8);
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The records of {@code recipient} for {@code text}, oldest first; empty when the text changed. */
    private Map<String, Instant> read(String recipient, String text) throws IOException {
        Map<String, Instant> records = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file(recipient), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return records;
        }
        if (lines.isEmpty() || !lines.get(0).equals(MAGIC + " " + hash(text))) {
            return records;
        }
        for (String line : lines.subList(1, lines.size())) {
            int space = line.indexOf(' ');
            try {
                records.put(line.substring(space + 1), Instant.ofEpochSecond(Long.parseLong(line.substring(0, space))));
            } catch (RuntimeException e) {
                // A line we did not write: ignore it, the next rewrite drops it.
            }
        }
        return records;
    }

    private void sweep() throws IOException {
        Instant oldest = clock.instant().minus(interval);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                if (f.getFileName().toString().endsWith(TEMP_SUFFIX)
                        || Files.getLastModifiedTime(f).toInstant().isBefore(oldest)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private Path file(String recipient) {
        return dir.resolve(hash(recipient.toLowerCase(Locale.ROOT)));
    }

    private static String key(String sender) {
        return sender.toLowerCase(Locale.ROOT);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }
}
