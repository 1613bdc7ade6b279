package org.dirmail.directory.lint;

import java.util.Optional;

/**
 * The delivery side's rule for a {@code mailMessageStore} value: the mta passes the same check
 * its Maildir delivery applies, so the linter and delivery never disagree about a path.
 */
@FunctionalInterface
public interface StoreRule {

    /** Why delivery would refuse {@code store}, or empty when it is usable. */
    Optional<String> problem(String store);
}
