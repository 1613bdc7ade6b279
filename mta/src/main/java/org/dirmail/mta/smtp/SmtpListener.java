package org.dirmail.mta.smtp;

import java.util.Objects;

/**
 * Where one SMTP listener binds and what it is for.
 *
 * @param role what the listener is for: MX, submission or SMTPS
 * @param host the address to bind
 * @param port the port to bind; 0 picks a free one (see {@link SmtpServer#port()})
 */
public record SmtpListener(SmtpRole role, String host, int port) {

    public SmtpListener {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
