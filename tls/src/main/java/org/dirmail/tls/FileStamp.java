package org.dirmail.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * What a watched file looked like when last read: modification time, size and file key (inode), so an
 * atomic rename or a symlink switched to a new target counts as a change. Reads metadata only.
 *
 * @param exists   false when the file was missing (a half-done replacement), so its return is a change too
 * @param modified last modification time, or null when missing
 * @param fileKey  inode and device where the platform has them, or null
 */
record FileStamp(Path path, boolean exists, FileTime modified, long size, Object fileKey) {

    static FileStamp of(Path path) throws IOException {
        try {
            // Follows symlinks on purpose: certbot's live/ links point at a new archive/ file on renewal.
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return new FileStamp(path, true, attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
        } catch (NoSuchFileException e) {
            return new FileStamp(path, false, null, -1, null);
        }
    }

    static List<FileStamp> of(List<Path> paths) throws IOException {
        List<FileStamp> stamps = new ArrayList<>(paths.size());
        for (Path path : paths) {
            stamps.add(of(path));
        }
        return List.copyOf(stamps);
    }
}
