package org.dirmail.mta.queue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The maildrop, as Postfix's: {@code dirmail sendmail} writes a complete queue-format file into
 * {@code maildrop/} (durably, whole or not at all) and the running server picks it up. Whoever
 * may write there may send mail; the server trusts nothing in the file and re-checks it all.
 */
public final class Maildrop {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Maildrop() {
    }

    /** The maildrop directory of the queue under {@code queueRoot}. */
    public static Path directory(Path queueRoot) {
        return queueRoot.resolve("maildrop");
    }

    /**
     * Writes a message for pickup and returns only once it is durable (file and directory forced).
     * Creates the directory when no server has run yet.
     */
    public static Path drop(Path queueRoot, Envelope envelope, byte[] message) throws IOException {
        Path dir = directory(queueRoot);
        Files.createDirectories(dir);
        byte[] header = QueueFileFormat.header(envelope, message.length);
        byte[] file = new byte[header.length + message.length];
        System.arraycopy(header, 0, file, 0, header.length);
        System.arraycopy(message, 0, file, header.length, message.length);
        byte[] nonce = new byte[6];
        RANDOM.nextBytes(nonce);
        String name = System.currentTimeMillis() + "." + ProcessHandle.current().pid() + "."
                + HexFormat.of().formatHex(nonce);
        return Fsync.writeAtomically(dir, name, file);
    }

    /** Whether {@code file} is a finished drop (dot files are still being written). */
    public static boolean isReady(Path file) {
        return !file.getFileName().toString().startsWith(".");
    }

    /**
     * Reads a dropped file as hostile input: a regular file only (a symlink could make the server
     * mail out a file the user cannot read), at most {@code maxBytes}, in the queue format.
     */
    public static QueuedMessage read(Path file, long maxBytes) throws IOException, CorruptQueueFileException {
        String name = file.getFileName().toString();
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isRegularFile()) {
            throw new CorruptQueueFileException(name, "not a regular file");
        }
        try (SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
             InputStream in = Channels.newInputStream(ch)) {
            if (ch.size() > maxBytes) {
                throw new CorruptQueueFileException(name, "larger than " + maxBytes + " bytes");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) ch.size());
            if (in.transferTo(out) > maxBytes) {
                throw new CorruptQueueFileException(name, "larger than " + maxBytes + " bytes");
            }
            return QueueFileFormat.parse(name, out.toByteArray());
        }
    }
}
