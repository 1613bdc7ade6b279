package org.dirmail.mta.queue;

import java.io.IOException;
import java.nio.channels.FileChannel;
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
}
