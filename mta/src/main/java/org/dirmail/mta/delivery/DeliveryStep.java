package org.dirmail.mta.delivery;

import java.nio.file.Path;

/**
 * One delivery instruction for one recipient, from the directory entry or from a {@code .qmail}
 * line (dot-qmail(5)): the same four kinds either way. Paths are already resolved under the mail
 * root; addresses are already checked as envelope addresses.
 */
sealed interface DeliveryStep permits DeliveryStep.Maildir, DeliveryStep.Mbox, DeliveryStep.Forward,
        DeliveryStep.Program {

    /** Store in a Maildir. */
    record Maildir(Path dir) implements DeliveryStep {
    }

    /** Append to an mbox file. */
    record Mbox(Path file) implements DeliveryStep {
    }

    /** Forward a copy; queued after every other step has succeeded, as qmail-local does. */
    record Forward(String address) implements DeliveryStep {
    }

    /** Run a command through {@code /bin/sh -c}. */
    record Program(String command) implements DeliveryStep {
    }
}
