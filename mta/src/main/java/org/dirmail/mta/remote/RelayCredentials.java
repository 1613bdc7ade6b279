package org.dirmail.mta.remote;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * The user name and password dirmail gives the relayhost with AUTH PLAIN or LOGIN (RFC 4954),
 * read from a file only its owner can read. Never printed: {@link #toString()} hides the password.
 *
 * @param user     the login
 * @param password the password
 */
public record RelayCredentials(String user, String password) {

    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    public RelayCredentials {
        if (user.isEmpty() || hasControl(user) || hasControl(password)) {
            throw new IllegalArgumentException("user must not be empty; neither may contain control characters");
        }
    }

    /**
     * Reads {@code user:password} from the first line of {@code file}, which must not be readable
     * by group or others (mode 0600 or 0400), like ssh's private keys.
     *
     * @throws IllegalArgumentException the file is missing, too open or malformed (the message says which)
     */
    public static RelayCredentials read(Path file) {
        try {
            if (Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
                mode.retainAll(GROUP_OR_OTHER);
                if (!mode.isEmpty()) {
                    throw new IllegalArgumentException(file + " is accessible by group or others; chmod 600 it");
                }
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.indexOf('\n');
            String line = (end < 0 ? text : text.substring(0, end)).replaceFirst("\r$", "");
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(file + ": expected user:password on the first line");
            }
            return new RelayCredentials(line.substring(0, colon), line.substring(colon + 1));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }

    @Override
    public String toString() {
        return "RelayCredentials[user=" + user + ", password=***]";
    }
}
