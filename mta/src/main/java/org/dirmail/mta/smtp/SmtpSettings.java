package org.dirmail.mta.smtp;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The settings of one SMTP listener, validated once when built. The configuration package builds
 * it from {@code dirmail.conf}; nothing here reads a file or trusts the network.
 *
 * @param hostname       our name in the greeting, replies and {@code Received:} lines
 * @param maxMessageSize largest message accepted, in octets after dot-unstuffing (advertised as SIZE)
 * @param maxRecipients  recipients per transaction; RFC 5321 4.5.3.1.8 requires at least 100
 * @param localDomains   domains whose recipients are resolved in the directory; compared
 *                       case-insensitively, stored lower-cased
 * @param idleTimeout    how long a client may stay silent; RFC 5321 4.5.3.2.7 asks for 5 minutes
 * @param maxErrors      5xx replies in one session before we answer 421 and close
 */
public record SmtpSettings(
        String hostname,
        int maxMessageSize,
        int maxRecipients,
        Set<String> localDomains,
        Duration idleTimeout,
        int maxErrors) {

    public static final int DEFAULT_MAX_MESSAGE_SIZE = 10_240_000;
    /** RFC 5321 4.5.3.1.8: the minimum number of recipients a server must buffer. */
    public static final int DEFAULT_MAX_RECIPIENTS = 100;
    /** RFC 5321 4.5.3.2.7: server timeout. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** Postfix's smtpd_hard_error_limit. */
    public static final int DEFAULT_MAX_ERRORS = 20;

    public SmtpSettings {
        Objects.requireNonNull(hostname, "hostname");
        if (hostname.isEmpty() || !hostname.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("hostname must be printable ASCII, no spaces: " + hostname);
        }
        if (maxMessageSize < 1) {
            throw new IllegalArgumentException("maxMessageSize must be positive: " + maxMessageSize);
        }
        if (maxRecipients < 1) {
            throw new IllegalArgumentException("maxRecipients must be positive: " + maxRecipients);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
        }
        if (maxErrors < 1) {
            throw new IllegalArgumentException("maxErrors must be positive: " + maxErrors);
        }
        localDomains = localDomains.stream()
                .map(d -> d.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Settings with every default, for {@code hostname} serving {@code localDomains}. */
    public static SmtpSettings defaults(String hostname, Set<String> localDomains) {
        return new SmtpSettings(hostname, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_RECIPIENTS,
                localDomains, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_ERRORS);
    }

    /** True when mail for {@code domain} is ours to resolve (case-insensitive, RFC 5321 2.4). */
    public boolean isLocalDomain(String domain) {
        return localDomains.contains(domain.toLowerCase(Locale.ROOT));
    }
}
