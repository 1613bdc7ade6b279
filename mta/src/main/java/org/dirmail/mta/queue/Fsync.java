package org.dirmail.mta.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Forces a directory's entries to disk, so a rename or a new file in it survives a crash. */
public final class Fsync {

    private Fsync() {
    }

    /** fsync(2) on the directory itself (Linux allows opening a directory read-only for this). */
    public static void directory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Creates {@code dir/name} with {@code content} so that it appears whole or not at all and
     * survives a crash: written to {@code dir/.tmp-name}, forced, renamed atomically, and the
     * directory forced. Readers ignore dot files.
     */
    public static Path writeAtomically(Path dir, String name, byte[] content) throws IOException {
        Path tmp = dir.resolve(".tmp-" + name);
        Path target = dir.resolve(name);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        directory(dir);
        return target;
    }
}
