package org.dirmail.mta.smtp;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.dirmail.directory.Lookup;

/**
 * Asks, at RCPT time, whether a recipient the directory found can take a message now, so a full
 * mailbox is refused with 452 instead of bounced later (no backscatter). Implementations do their
 * disk work off the event loop and may complete on any thread.
 */
@FunctionalInterface
public interface MailboxCheck {

    /** Every mailbox has room: for servers and tests without quotas. */
    MailboxCheck ALWAYS_ROOM = (recipient, declaredSize) -> CompletableFuture.completedFuture(true);

    /**
     * @param recipient    the directory's answer, status already checked
     * @param declaredSize the size MAIL FROM announced (RFC 1870), or 0 when it announced none
     * @return true when the message may be accepted for this mailbox; an exceptional completion
     *         means "unknown", and the recipient is accepted (delivery checks again)
     */
    CompletionStage<Boolean> hasRoom(Lookup.Found recipient, long declaredSize);
}
