package org.dirmail.directory;

/**
 * The directory's three-way answer to "who is this address?". Only {@link NotFound} may lead to
 * a permanent failure (550 or a bounce); every error, timeout or ambiguity is {@link TempFail}.
 */
public sealed interface Lookup permits Lookup.Found, Lookup.NotFound, Lookup.TempFail {

    /**
     * Exactly one entry matched.
     *
     * @param user      the entry
     * @param candidate the address that matched (the original, or {@code catchall@domain})
     */
    record Found(MailUser user, String candidate) implements Lookup {
    }

    /** No entry matched any candidate. */
    record NotFound() implements Lookup {
    }

    /**
     * The directory could not answer now: down, timed out, busy, or more than one entry matched.
     *
     * @param reason a short text for logs and the 4xx reply
     */
    record TempFail(String reason) implements Lookup {
    }
}
