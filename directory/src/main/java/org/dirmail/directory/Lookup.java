package org.dirmail.directory;

/**
 * The directory's three-way answer to "who is this address?". Only {@link NotFound} may lead to
 * a permanent failure at SMTP time (550); every error, timeout or ambiguity is {@link TempFail}.
 * At delivery an ambiguous answer is permanent (qmail-ldap.md §2.4), so {@link TempFail} says
 * whether it was one.
 */
public sealed interface Lookup permits Lookup.Found, Lookup.NotFound, Lookup.TempFail {

    /**
     * Exactly one entry matched.
     *
     * @param user      the entry
     * @param candidate the address that matched, lower-cased, with the real domain: the address
     *                  itself, {@code alice@d} for {@code alice+tag@d}, {@code a-catchall@d},
     *                  or {@code catchall@d}
     * @param extension what the match left over, for delivery ({@code $EXT}): empty for an
     *                  exact match, {@code tag} for {@code alice+tag}, the rest of the local part
     *                  after a dash catch-all's prefix, the whole local part for the catch-all
     */
    record Found(MailUser user, String candidate, String extension) implements Lookup {

        public Found {
            extension = extension == null ? "" : extension;
        }

        /** An exact match: no extension. */
        public Found(MailUser user, String candidate) {
            this(user, candidate, "");
        }
    }

    /** No entry matched any candidate. */
    record NotFound() implements Lookup {
    }

    /**
     * The directory could not answer now: down, timed out, busy, or more than one entry matched.
     *
     * @param reason    a short text for logs and the 4xx reply
     * @param ambiguous true when more than one entry matched one candidate: SMTP still answers
     *                  451, but delivery bounces (5.3.5) as qmail-lspawn does
     */
    record TempFail(String reason, boolean ambiguous) implements Lookup {

        /** A failure of the directory itself (down, timeout, error): not an ambiguity. */
        public TempFail(String reason) {
            this(reason, false);
        }
    }
}
