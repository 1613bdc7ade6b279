package org.dirmail.mta.quota;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * A Maildir's quota usage, from {@code maildirsize} when it can be trusted and from a scan of the
 * Maildir otherwise, with the recalculation rule Courier, Dovecot and qmail-local share. Safe to
 * call from many threads; it blocks on the disk, so never on an event loop.
 */
public final class MaildirQuota {

    /** A file this old is not trusted to say "over quota" (Courier, Dovecot: 15 minutes). */
    static final Duration STALE = Duration.ofMinutes(15);

    /** Courier and qmail-ldap leave this folder out of the usage; see package-info. */
    static final String TRASH = ".Trash";

    private final Clock clock;

    public MaildirQuota(Clock clock) {
        this.clock = clock;
    }

    /**
     * The usage against which a message of {@code size} bytes is judged. The file is summed when
     * it exists, parses, is small, and was written for these {@code limits}; it is recalculated
     * when it is missing or unusable, when it was written for other limits (the directory
     * changed the quota), and when the message would not fit but the file has more than one
     * usage line or is older than 15 minutes. A Maildir that does not exist uses nothing.
     */
    public QuotaUsage usage(Path maildir, QuotaLimits limits, long size) throws IOException {
        Optional<Maildirsize.Contents> file = Maildirsize.read(maildir);
        if (file.isEmpty() || !file.get().limits().equals(limits)) {
            return recalculate(maildir, limits);
        }
        Maildirsize.Contents contents = file.get();
        boolean trusted = contents.usageLines() <= 1
                && contents.modified().isAfter(clock.instant().minus(STALE));
        if (contents.usage().wouldExceed(limits, size) && !trusted) {
            return recalculate(maildir, limits);
        }
        return contents.usage();
    }

    /** Scans the Maildir and rewrites {@code maildirsize} with the result. */
    public QuotaUsage recalculate(Path maildir, QuotaLimits limits) throws IOException {
        QuotaUsage usage = scan(maildir);
        Maildirsize.write(maildir, limits, usage);
        return usage;
    }

    /**
     * Counts the messages in {@code cur/} and {@code new/} of the Maildir and of each Maildir++
     * folder ({@code .Name/}) except {@code .Trash}. Sizes come from {@code ,S=} in the name when
     * there is one, else from the file; files that vanish meanwhile are skipped.
     */
    static QuotaUsage scan(Path maildir) throws IOException {
        long[] total = new long[2];
        sumMessages(maildir, total);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(maildir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".") && !name.equals(".") && !name.equals("..") && !name.equals(TRASH)
                        && Files.isDirectory(entry)) {
                    sumMessages(entry, total);
                }
            }
        } catch (NoSuchFileException | NotDirectoryException e) {
            return QuotaUsage.NONE;
        }
        return new QuotaUsage(total[0], total[1]);
    }

    private static void sumMessages(Path folder, long[] total) throws IOException {
        for (String sub : new String[] {"cur", "new"}) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(folder.resolve(sub))) {
                for (Path file : files) {
                    String name = file.getFileName().toString();
                    if (name.startsWith(".")) {
                        continue; // maildir(5): not a message
                    }
                    long size = sizeField(name);
                    if (size < 0) {
                        try {
                            size = Files.size(file);
                        } catch (NoSuchFileException e) {
                            continue; // moved or expunged while we looked
                        }
                    }
                    total[0] += size;
                    total[1]++;
                }
            } catch (NoSuchFileException | NotDirectoryException e) {
                // no such subdirectory: nothing to count
            }
        }
    }

    /** The value of {@code ,S=<digits>} ended by {@code ,}, {@code :} or the end, or -1 (as Dovecot reads it). */
    static long sizeField(String name) {
        int at = name.indexOf(",S=");
        if (at < 0) {
            return -1;
        }
        int start = at + 3;
        int end = start;
        while (end < name.length() && end - start < 18 && Character.isDigit(name.charAt(end))) {
            end++;
        }
        boolean terminated = end == name.length() || name.charAt(end) == ',' || name.charAt(end) == ':';
        return end == start || !terminated ? -1 : Long.parseLong(name.substring(start, end));
    }
}
