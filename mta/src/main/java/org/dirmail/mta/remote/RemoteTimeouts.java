package org.dirmail.mta.remote;

import java.time.Duration;

/**
 * How long the SMTP client waits, by step; the defaults are RFC 5321 4.5.3.2's minimums.
 *
 * @param connect   TCP connect
 * @param greeting  the 220 greeting (4.5.3.2.1: 5 minutes)
 * @param command   replies to EHLO, STARTTLS, AUTH, MAIL, RCPT, QUIT (4.5.3.2.2-3: 5 minutes)
 * @param dataInit  the 354 reply to DATA (4.5.3.2.4: 2 minutes)
 * @param dataBlock each write of message data (4.5.3.2.5: 3 minutes)
 * @param dataDone  the reply to the final dot (4.5.3.2.6: 10 minutes)
 */
public record RemoteTimeouts(Duration connect, Duration greeting, Duration command, Duration dataInit,
                             Duration dataBlock, Duration dataDone) {

    public static final RemoteTimeouts RFC_5321 = new RemoteTimeouts(Duration.ofSeconds(30), Duration.ofMinutes(5),
            Duration.ofMinutes(5), Duration.ofMinutes(2), Duration.ofMinutes(3), Duration.ofMinutes(10));

    public RemoteTimeouts {
        for (Duration d : new Duration[] {connect, greeting, command, dataInit, dataBlock, dataDone}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive");
            }
        }
    }
}
