package org.dirmail.mta.delivery;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Turns a {@code mailMessageStore} value from the directory (or a {@code homeDirectory}, or a
 * path in a {@code .qmail} file) into a path under the mail root.
 * The value is untrusted: anything with a {@code ..} component, a NUL, or that lands outside the
 * root is refused, whatever the directory says.
 */
public final class MailStorePath {

    private MailStorePath() {
    }

    /** The problem with a store value, for the log and the deferral reason. */
    public static final class BadStoreException extends Exception {
        BadStoreException(String message) {
            super(message);
        }
    }

    /**
     * Resolves {@code store} (relative to {@code mailRoot}, or absolute inside it).
     *
     * @return the normalised absolute path
     */
    public static Path resolve(Path mailRoot, String store) throws BadStoreException {
        return resolve(mailRoot, store, "mailMessageStore");
    }

    /**
     * Resolves any path from the directory or a {@code .qmail} file under the same rules;
     * {@code what} names its source in the error ({@code homeDirectory}, {@code .qmail line 2}).
     */
    public static Path resolve(Path mailRoot, String store, String what) throws BadStoreException {
        if (store.isEmpty() || store.indexOf('\0') >= 0) {
            throw new BadStoreException(what + " is empty or contains NUL");
        }
        Path raw;
        try {
            raw = Path.of(store);
        } catch (InvalidPathException e) {
            throw new BadStoreException(what + " '" + store + "' is not a path");
        }
        for (Path element : raw) {
            if (element.toString().equals("..")) {
                throw new BadStoreException(what + " '" + store + "' contains '..'");
            }
        }
        Path root = mailRoot.toAbsolutePath().normalize();
        Path resolved = (raw.isAbsolute() ? raw : root.resolve(raw)).normalize();
        if (!resolved.startsWith(root) || resolved.equals(root)) {
            throw new BadStoreException(what + " '" + store + "' is outside the mail root " + root);
        }
        return resolved;
    }

    /** qmail's rule: a store ending in {@code /} is a Maildir, anything else an mbox file. */
    public static boolean isMaildir(String store) {
        return store.endsWith("/");
    }
}
