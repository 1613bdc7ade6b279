package org.dirmail.mta.quota;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.dirmail.mta.queue.Fsync;

/**
 * The Maildir++ {@code maildirsize} file at a Maildir's root, read and written so that Courier,
 * Dovecot and qmail-ldap can share the mailbox: a definition line ({@link QuotaLimits}), then
 * {@code <bytes> <count>} lines whose sum is the usage, each appended by one O_APPEND write.
 * The file's content is untrusted: anything odd makes it "unusable", which means recalculate.
 */
public final class Maildirsize {

    /** The file name, at the Maildir root. */
    public static final String FILE = "maildirsize";

    /** Courier and Dovecot recalculate a file this large or larger instead of summing it. */
    static final int MAX_BYTES = 5120;

    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final long PID = ProcessHandle.current().pid();

    private Maildirsize() {
    }

    /**
     * What a readable file says.
     *
     * @param limits     the definition line
     * @param usage      the sum of the usage lines
     * @param usageLines how many usage lines there are (1 right after a recalculation)
     * @param modified   the file's modification time
     */
    public record Contents(QuotaLimits limits, QuotaUsage usage, int usageLines, Instant modified) {
    }

    /**
     * Reads {@code maildir/maildirsize}. Empty when it is missing or unusable: too large, a
     * definition or usage line that does not parse, a NUL, or a negative sum. A last line without
     * its LF is another writer's append in progress and is left out, as Dovecot does.
     */
    public static Optional<Contents> read(Path maildir) throws IOException {
        Path file = maildir.resolve(FILE);
        byte[] bytes;
        Instant modified;
        try (InputStream in = Files.newInputStream(file)) {
            modified = Files.getLastModifiedTime(file).toInstant();
            bytes = in.readNBytes(MAX_BYTES);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (bytes.length >= MAX_BYTES) {
            return Optional.empty();
        }
        return parse(new String(bytes, StandardCharsets.ISO_8859_1), modified);
    }

    static Optional<Contents> parse(String text, Instant modified) {
        int end = text.lastIndexOf('\n');
        if (end < 0 || text.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        String[] lines = text.substring(0, end).split("\n", -1);
        Optional<QuotaLimits> limits = QuotaLimits.parse(lines[0].strip());
        if (limits.isEmpty()) {
            return Optional.empty();
        }
        long bytes = 0;
        long count = 0;
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].strip().split("[ \t]+");
            if (fields.length != 2) {
                return Optional.empty();
            }
            try {
                bytes = Math.addExact(bytes, Long.parseLong(fields[0]));
                count = Math.addExact(count, Long.parseLong(fields[1]));
            } catch (NumberFormatException | ArithmeticException e) {
                return Optional.empty();
            }
        }
        if (bytes < 0 || count < 0) {
            return Optional.empty(); // corrupt, as Dovecot judges it
        }
        return Optional.of(new Contents(limits.get(), new QuotaUsage(bytes, count), lines.length - 1, modified));
    }

    /**
     * Appends {@code <bytes> <count>} (negative for removals) in one O_APPEND write, so that
     * concurrent writers never interleave within a line, and forces it to disk. Does nothing when
     * there is no file: the next check recalculates anyway.
     *
     * @return false when there was no file
     */
    public static boolean append(Path maildir, long bytes, long count) throws IOException {
        byte[] line = (bytes + " " + count + "\n").getBytes(StandardCharsets.US_ASCII);
        if (!maildir.resolve(FILE).toFile().exists()) {
            return false; // most Maildirs have none: a stat, not a failed open and its exception
        }
        try (FileChannel ch = FileChannel.open(maildir.resolve(FILE), StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            int written = ch.write(ByteBuffer.wrap(line));
            if (written != line.length) {
                throw new IOException("short append to " + maildir.resolve(FILE) + ": " + written + " of " + line.length);
            }
            ch.force(true);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Replaces the file with a definition line and one usage line, the Maildir++ way: written in
     * {@code tmp/}, forced, then renamed over the old file, so a reader sees the old or the new.
     * Does nothing when the Maildir has no {@code tmp/} (it does not exist yet).
     */
    public static void write(Path maildir, QuotaLimits limits, QuotaUsage usage) throws IOException {
        Path tmpDir = maildir.resolve("tmp");
        if (!Files.isDirectory(tmpDir)) {
            return;
        }
        Path tmp = tmpDir.resolve(FILE + "." + System.currentTimeMillis() + "." + PID + "." + SEQUENCE.incrementAndGet());
        byte[] content = (limits.definition() + "\n" + usage.bytes() + " " + usage.count() + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
            Files.move(tmp, maildir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        Fsync.directory(maildir);
    }
}
