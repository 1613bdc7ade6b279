package org.dirmail.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * A certificate or key file whose content cannot be used (no certificate, no key, wrong passphrase, key not
 * matching the certificate); the message names the file so an administrator can fix it.
 */
public final class TlsMaterialException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    TlsMaterialException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    TlsMaterialException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }
}
