package org.dirmail.mta.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Appends one message to an mbox file the way qmail-local does (qmail-ldap.md §11.7), in the
 * mboxrd form: a {@code From } line, the prepended header lines, the message with LF line ends and
 * a {@code >} added to every line matching {@code ^>*From }, and a blank line. Holds a dotlock
 * ({@code FILE.lock}) and an fcntl lock while writing, so procmail, mutt and Dovecot can share
 * the file; on any failure the file is cut back to its old length. Trusts its caller for the path.
 */
class MboxWriter {

    /** asctime(3), as in the From line qmail-local and procmail write. */
    private static final DateTimeFormatter ASCTIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final long RETRY_MILLIS = 100;

    private final Duration lockWait;
    private final Duration staleLock;

    /**
     * @param lockWait  how long to wait for a lock held by someone else before giving up
     *                  (qmail-local waits 30 s)
     * @param staleLock a dotlock older than this was left by a crashed program and is removed
     */
    MboxWriter(Duration lockWait, Duration staleLock) {
        this.lockWait = lockWait;
        this.staleLock = staleLock;
    }

    /** Thrown when another program held the mailbox lock for the whole wait. */
    static final class LockedException extends IOException {
        private static final long serialVersionUID = 1L;

        LockedException(String message) {
            super(message);
        }
    }

    /**
     * Appends the message; returns the number of bytes added. Nothing is added when this throws.
     *
     * @param sender      the envelope sender ({@code MAILER-DAEMON} in the From line when empty)
     * @param headerLines lines to prepend, without line ends (Return-Path, Delivered-To)
     * @param message     the message with CRLF line ends
     */
    long append(Path mbox, String sender, String[] headerLines, byte[] message, Instant now) throws IOException {
        byte[] entry = entry(sender, headerLines, message, now);
        Files.createDirectories(mbox.getParent());
        Path dotlock = mbox.resolveSibling(mbox.getFileName() + ".lock");
        takeDotlock(dotlock);
        try (FileChannel ch = FileChannel.open(mbox, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
                FileLock lock = fcntlLock(ch, mbox)) {
            long original = ch.size();
            try {
                ch.position(original);
                write(ch, ByteBuffer.wrap(entry));
                ch.force(true);
            } catch (IOException | RuntimeException e) {
                // Never leave half a message: readers would take the rest for a new one.
                ch.truncate(original);
                ch.force(true);
                throw e;
            }
            return entry.length;
        } finally {
            Files.deleteIfExists(dotlock);
        }
    }

    /** Writes all of {@code buf}; a seam for tests that need a write to fail half-way. */
    void write(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** The bytes one message adds to an mbox. */
    static byte[] entry(String sender, String[] headerLines, byte[] message, Instant now) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + 512);
        String from = "From " + fromLineSender(sender) + " " + ASCTIME.format(now) + "\n";
        out.writeBytes(from.getBytes(StandardCharsets.US_ASCII));
        byte[] content = MaildirWriter.withLfLineEnds(headerLines, message);
        int start = 0;
        while (start < content.length) {
            int end = start;
            while (end < content.length && content[end] != '\n') {
                end++;
            }
            if (isFromLine(content, start, end)) {
                out.write('>');
            }
            out.write(content, start, end - start);
            out.write('\n'); // also ends a last line that had no line end
            start = end + 1;
        }
        out.write('\n');
        return out.toByteArray();
    }

    // mboxrd: ">*From " gets one more '>', so a reader can undo the quoting exactly.
    private static boolean isFromLine(byte[] data, int start, int end) {
        int i = start;
        while (i < end && data[i] == '>') {
            i++;
        }
        byte[] from = {'F', 'r', 'o', 'm', ' '};
        if (end - i < from.length) {
            return false;
        }
        for (int k = 0; k < from.length; k++) {
            if (data[i + k] != from[k]) {
                return false;
            }
        }
        return true;
    }

    // The sender comes from the network: a space or control character would split the From line.
    private static String fromLineSender(String sender) {
        if (sender.isEmpty()) {
            return "MAILER-DAEMON";
        }
        StringBuilder clean = new StringBuilder(sender.length());
        sender.codePoints().forEach(c -> clean.appendCodePoint(c <= ' ' || c == 0x7f ? '_' : c));
        return clean.toString();
    }

    private void takeDotlock(Path dotlock) throws IOException {
        long deadline = System.nanoTime() + lockWait.toNanos();
        while (true) {
            try {
                Files.newByteChannel(dotlock, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return;
            } catch (FileAlreadyExistsException e) {
                if (isStale(dotlock)) {
                    Files.deleteIfExists(dotlock);
                    continue;
                }
            }
            pause(deadline, dotlock + " has been held for " + lockWait.toSeconds() + " seconds");
        }
    }

    private boolean isStale(Path dotlock) throws IOException {
        try {
            Instant modified = Files.getLastModifiedTime(dotlock).toInstant();
            return modified.plus(staleLock).isBefore(Instant.now());
        } catch (NoSuchFileException e) {
            return true; // just released: try again at once
        }
    }

    // FileChannel locks are fcntl(2) locks on Linux: the kind Dovecot, mutt and procmail take.
    private FileLock fcntlLock(FileChannel ch, Path mbox) throws IOException {
        long deadline = System.nanoTime() + lockWait.toNanos();
        while (true) {
            try {
                FileLock lock = ch.tryLock();
                if (lock != null) {
                    return lock;
                }
            } catch (OverlappingFileLockException e) {
                // Another thread of this process holds it (after taking a stale dotlock): wait.
            }
            pause(deadline, mbox + " has been locked for " + lockWait.toSeconds() + " seconds");
        }
    }

    private static void pause(long deadline, String why) throws IOException {
        if (System.nanoTime() > deadline) {
            throw new LockedException(why);
        }
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a lock");
        }
    }
}
