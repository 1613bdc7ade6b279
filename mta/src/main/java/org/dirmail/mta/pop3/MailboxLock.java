package org.dirmail.mta.pop3;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive POP3 lock on one Maildir for one session (RFC 1939 4: "exclusive-access lock on
 * the maildrop"): an in-process set keyed by the Maildir's real path, plus an advisory
 * {@link FileLock} on {@value #LOCK_FILE} inside it so another process (a second dirmail, a
 * cooperating tool) sees it too. Delivery never takes it: Maildir needs no lock to deliver.
 * Thread-safe.
 */
final class MailboxLock implements AutoCloseable {

    static final String LOCK_FILE = "dirmail-pop3.lock";

    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    /** Another session holds the lock. */
    static final class LockedException extends Exception {
        LockedException(Path maildir) {
            super("mailbox " + maildir + " is locked by another POP3 session");
        }
    }

    private final Path key;
    private final FileChannel channel;

    private MailboxLock(Path key, FileChannel channel) {
        this.key = key;
        this.channel = channel;
    }

    /**
     * Takes the lock without waiting. A missing Maildir is locked in-process only (there is
     * nothing to delete in it, and creating it is delivery's job).
     */
    static MailboxLock acquire(Path maildir) throws IOException, LockedException {
        boolean exists = Files.isDirectory(maildir);
        Path key = exists ? maildir.toRealPath() : maildir.toAbsolutePath().normalize();
        if (!HELD.add(key)) {
            throw new LockedException(maildir);
        }
        if (!exists) {
            return new MailboxLock(key, null);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(key.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (channel.tryLock() == null) {
                throw new LockedException(maildir);
            }
            return new MailboxLock(key, channel);
        } catch (IOException | LockedException | RuntimeException e) {
            HELD.remove(key);
            if (channel != null) {
                channel.close();
            }
            throw e;
        }
    }

    /** Releases both locks. The lock file stays: unlinking a lock file races with its next user. */
    @Override
    public void close() throws IOException {
        try {
            if (channel != null) {
                channel.close();
            }
        } finally {
            HELD.remove(key);
        }
    }
}
