package org.dirmail.mta.pop3;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.dirmail.mta.pop3.MailboxLock.LockedException;
import org.dirmail.mta.queue.Fsync;

/**
 * One POP3 session's view of a locked Maildir: the messages in {@code new/} and {@code cur/} as
 * they were at login, numbered from 1 in delivery order, with deletion marks that reach the disk
 * only at {@link #commit} (RFC 1939 6). The Maildir path has already been confined under the mail
 * root; file names inside it are parsed, not trusted.
 *
 * <p>Threading: the blocking methods ({@link #open}, {@link #read}, {@link #markSeen},
 * {@link #commit}, {@link #close}) run one at a time off the event loop; the marks and counts
 * belong to the event loop. Each message's path is touched by the blocking side only.
 */
final class Pop3Mailbox implements AutoCloseable {

    /** Maildir++: the quota file, updated when it exists. */
    static final String MAILDIRSIZE = "maildirsize";

    /** One message as listed at login. */
    static final class Message {
        private final int number;
        private final String uid;
        private final long size;
        private final long diskSize;
        private Path path;
        private boolean deleted;

        private Message(int number, Candidate candidate) {
            this.number = number;
            this.uid = candidate.uid;
            this.size = candidate.size;
            this.diskSize = candidate.diskSize;
            this.path = candidate.path;
        }

        int number() {
            return number;
        }

        String uid() {
            return uid;
        }

        /** Octets the client receives (CRLF line ends, before byte-stuffing): STAT, LIST, RETR. */
        long size() {
            return size;
        }

        boolean deleted() {
            return deleted;
        }
    }

    private final Path maildir;
    private final MailboxLock lock;
    private final List<Message> messages;

    private Pop3Mailbox(Path maildir, MailboxLock lock, List<Message> messages) {
        this.maildir = maildir;
        this.lock = lock;
        this.messages = messages;
    }

    /** Locks the Maildir and lists it; a missing Maildir is an empty mailbox. */
    static Pop3Mailbox open(Path maildir) throws IOException, LockedException {
        MailboxLock lock = MailboxLock.acquire(maildir);
        try {
            List<Candidate> found = new ArrayList<>();
            Set<String> uids = new HashSet<>();
            for (String sub : new String[] {"new", "cur"}) {
                scan(maildir.resolve(sub), found, uids);
            }
            found.sort(Comparator.comparingLong((Candidate c) -> c.seconds)
                    .thenComparingLong(c -> c.micros)
                    .thenComparing(c -> c.path.getFileName().toString()));
            List<Message> messages = new ArrayList<>(found.size());
            for (Candidate candidate : found) {
                messages.add(new Message(messages.size() + 1, candidate));
            }
            return new Pop3Mailbox(maildir, lock, List.copyOf(messages));
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    Path maildir() {
        return maildir;
    }

    /** Every message listed at login, deleted or not; message {@code n} is at index {@code n - 1}. */
    List<Message> messages() {
        return messages;
    }

    int liveCount() {
        return (int) messages.stream().filter(m -> !m.deleted).count();
    }

    long liveSize() {
        return messages.stream().filter(m -> !m.deleted).mapToLong(Message::size).sum();
    }

    /** DELE: marks only (RFC 1939 5). */
    void delete(Message message) {
        message.deleted = true;
    }

    /** RSET: unmarks every message. */
    void reset() {
        messages.forEach(m -> m.deleted = false);
    }

    int deletedCount() {
        return (int) messages.stream().filter(m -> m.deleted).count();
    }

    /** Opens a message for RETR ({@code bodyLines < 0}) or TOP, following it if another client moved it. */
    MessageReader read(Message message, long bodyLines) throws IOException {
        try {
            return open(message.path, bodyLines);
        } catch (NoSuchFileException e) {
            message.path = relocate(message).orElseThrow(() -> e);
            return open(message.path, bodyLines);
        }
    }

    /** After RETR, as Dovecot and Courier do: {@code new/NAME} → {@code cur/NAME:2,S}, or S added to the flags. */
    void markSeen(Message message) throws IOException {
        Path current = message.path;
        Path target = maildir.resolve("cur").resolve(MaildirName.seen(current.getFileName().toString()));
        if (target.equals(current)) {
            return;
        }
        try {
            Files.move(current, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return; // moved or removed by another client: its flags are its business
        }
        message.path = target;
    }

    /**
     * QUIT in UPDATE state: unlinks every marked message, fsyncs the directories and appends
     * {@code -<bytes> -<count>} to {@code maildirsize} when it exists. Messages already gone are
     * skipped. Throws after doing all it could when some could not be removed.
     *
     * @return how many messages this call removed
     */
    int commit() throws IOException {
        Set<Path> dirs = new LinkedHashSet<>();
        long bytes = 0;
        int count = 0;
        IOException failure = null;
        for (Message message : messages) {
            if (!message.deleted) {
                continue;
            }
            try {
                Optional<Path> removed = unlink(message);
                if (removed.isPresent()) {
                    dirs.add(removed.get().getParent());
                    bytes += message.diskSize;
                    count++;
                }
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        for (Path dir : dirs) {
            Fsync.directory(dir);
        }
        if (count > 0) {
            recordInMaildirsize(bytes, count);
        }
        if (failure != null) {
            throw failure;
        }
        return count;
    }

    /** Releases the lock; nothing marked is deleted. */
    @Override
    public void close() throws IOException {
        lock.close();
    }

    private Optional<Path> unlink(Message message) throws IOException {
        try {
            Files.delete(message.path);
            return Optional.of(message.path);
        } catch (NoSuchFileException e) {
            Optional<Path> moved = relocate(message);
            if (moved.isPresent()) {
                Files.deleteIfExists(moved.get());
            }
            return moved;
        }
    }

    private void recordInMaildirsize(long bytes, int count) throws IOException {
        Path file = maildir.resolve(MAILDIRSIZE);
        if (!Files.exists(file)) {
            return;
        }
        // Maildir++: one O_APPEND write per change, so concurrent writers never interleave a line.
        byte[] line = ("-" + bytes + " -" + count + "\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(line));
            ch.force(true);
        }
    }

    /** Finds the message by its unique base name in new/ or cur/. */
    private Optional<Path> relocate(Message message) throws IOException {
        for (String sub : new String[] {"cur", "new"}) {
            Path dir = maildir.resolve(sub);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    if (MaildirName.uid(entry.getFileName().toString()).equals(message.uid)) {
                        return Optional.of(entry);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static MessageReader open(Path file, long bodyLines) throws IOException {
        return bodyLines < 0 ? MessageReader.whole(file) : MessageReader.top(file, bodyLines);
    }

    private static void scan(Path dir, List<Candidate> found, Set<String> uids) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                // maildir(5): names starting with '.' are not messages; a uid seen twice is a racing move
                if (name.startsWith(".") || !Files.isRegularFile(entry) || !uids.add(MaildirName.uid(name))) {
                    continue;
                }
                try {
                    found.add(new Candidate(entry));
                } catch (NoSuchFileException e) {
                    uids.remove(MaildirName.uid(name)); // removed meanwhile by another client
                }
            }
        }
    }

    /** A file found while listing, with its sort keys and sizes. */
    private static final class Candidate {
        final Path path;
        final String uid;
        final long seconds;
        final long micros;
        final long size;
        final long diskSize;

        Candidate(Path path) throws IOException {
            String name = path.getFileName().toString();
            this.path = path;
            this.uid = MaildirName.uid(name);
            this.seconds = MaildirName.seconds(name).isPresent()
                    ? MaildirName.seconds(name).getAsLong()
                    : Files.getLastModifiedTime(path).toMillis() / 1000;
            this.micros = MaildirName.micros(name);
            // Dovecot's ,W= is exactly the CRLF size; otherwise the file has to be read once.
            this.size = MaildirName.sizeField(name, 'W').isPresent()
                    ? MaildirName.sizeField(name, 'W').getAsLong()
                    : MessageReader.transmittedSize(path);
            this.diskSize = MaildirName.sizeField(name, 'S').isPresent()
                    ? MaildirName.sizeField(name, 'S').getAsLong()
                    : Files.size(path);
        }
    }
}
