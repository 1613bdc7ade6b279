package org.dirmail.mta.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue's directories, the lock that keeps a second process out, and recovery after a
 * crash (see {@code package-info.java} for what each file state means).
 */
final class QueueDirectory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueueDirectory.class);

    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private QueueDirectory(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    Path tmp() {
        return root.resolve("tmp");
    }

    Path msg() {
        return root.resolve("msg");
    }

    Path state() {
        return root.resolve("state");
    }

    Path corrupt() {
        return root.resolve("corrupt");
    }

    /** Where {@code dirmail sendmail} drops messages for the server to pick up (see {@link Maildrop}). */
    Path maildrop() {
        return root.resolve("maildrop");
    }

    /** Where {@code dirmail queue} leaves requests for the running server (see {@link ControlChannel}). */
    Path control() {
        return root.resolve("control");
    }

    /**
     * Whether a process (a running server) holds the queue lock. Only probes: takes and releases
     * the lock at once when it is free. A queue that was never created is not in use.
     */
    static boolean inUse(Path root) throws IOException {
        Path lockFile = root.resolve("lock");
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock probe = ch.tryLock();
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // held by this very process
        }
    }

    /** Creates the layout if needed, takes the lock, and cleans what a crash left behind. */
    static QueueDirectory openAndRecover(Path root) throws IOException {
        Files.createDirectories(root);
        FileChannel ch = FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            throw new IOException("queue " + root + " is in use by another dirmail process");
        }
        QueueDirectory dirs = new QueueDirectory(root, ch, lock);
        for (Path dir : new Path[] {dirs.tmp(), dirs.msg(), dirs.state(), dirs.corrupt(), dirs.maildrop(),
                dirs.control()}) {
            Files.createDirectories(dir);
        }
        Fsync.directory(root);
        dirs.recover();
        return dirs;
    }

    /** tmp/ files were never acknowledged; a state file without its message is finished. */
    private void recover() throws IOException {
        try (var files = Files.list(tmp())) {
            for (Path p : (Iterable<Path>) files::iterator) {
                log.info("removing unacknowledged queue file {} left by a crash", p.getFileName());
                Files.deleteIfExists(p);
            }
        }
        try (var files = Files.list(state())) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (!Files.exists(msg().resolve(p.getFileName()))) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    void quarantine(String id) throws IOException {
        Files.move(msg().resolve(id), corrupt().resolve(id), StandardCopyOption.ATOMIC_MOVE);
        Fsync.directory(corrupt());
        log.error("{}: queue file is corrupt; moved to {}", id, corrupt().resolve(id));
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            log.warn("cannot release queue lock: {}", e.toString());
        }
    }
}
