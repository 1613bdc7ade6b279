package org.dirmail.mta.dns;

import java.util.List;

/**
 * Where mail for a domain goes, or why it cannot go anywhere. Only {@link PermFail} is permanent:
 * a server failure or a timeout is always {@link TempFail}, never a bounce.
 */
public sealed interface MxAnswer permits MxAnswer.Targets, MxAnswer.PermFail, MxAnswer.TempFail {

    /** The addresses to try, in order: MX preference, random among equals, the resolver's order within a host. */
    record Targets(List<MailTarget> targets) implements MxAnswer {
        public Targets {
            targets = List.copyOf(targets);
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("no targets");
            }
        }
    }

    /**
     * The domain cannot receive mail: it does not exist (5.1.2), it says so with a null MX (5.1.10,
     * RFC 7505), or none of its MX hosts has an address (5.4.4).
     *
     * @param enhanced the RFC 3463 status code
     */
    record PermFail(String enhanced, String text) implements MxAnswer {
    }

    /** Try again later: SERVFAIL, REFUSED, a timeout (4.4.3). */
    record TempFail(String enhanced, String text) implements MxAnswer {
    }
}
