package org.dirmail.mta.remote;

import java.util.Map;

/** How one connection to one address ended, as far as choosing what to do next goes. */
sealed interface AttemptOutcome permits AttemptOutcome.Finished, AttemptOutcome.TryNext, AttemptOutcome.RetryWithoutTls {

    /** A transaction ran (or was refused for good): these statuses are the answer; no other host is tried. */
    record Finished(Map<String, RecipientStatus> statuses) implements AttemptOutcome {
    }

    /** Nothing was sent: connection refused, 4xx/5xx greeting, TLS required but missing. Try the next address. */
    record TryNext(RecipientStatus.Deferred reason) implements AttemptOutcome {
    }

    /** The STARTTLS handshake failed under {@code may}: the same address again, in plaintext. */
    record RetryWithoutTls(RecipientStatus.Deferred reason) implements AttemptOutcome {
    }
}
