package org.dirmail.directory.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * An exclusive lock on an instance directory, taken before anything in it is touched, so two
 * processes (or two {@link EmbeddedDirectory} objects in one JVM) never share one database.
 * It trusts the operating system's advisory file locks; ApacheDS's own lock comes too late,
 * after the schema has been extracted and read.
 */
final class InstanceLock implements AutoCloseable {

    private static final String LOCK_FILE = "dirmail.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private InstanceLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates the instance directory (mode 0700: it holds password hashes) if needed and locks it.
     *
     * @throws IOException if another process or another object in this JVM holds the lock
     */
    static InstanceLock acquire(Path instanceDir) throws IOException {
        if (!Files.isDirectory(instanceDir)) {
            Files.createDirectories(instanceDir,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        FileChannel channel = FileChannel.open(instanceDir.resolve(LOCK_FILE),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("directory instance " + instanceDir
                    + " is locked by another process (or another EmbeddedDirectory in this JVM)");
        }
        return new InstanceLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
