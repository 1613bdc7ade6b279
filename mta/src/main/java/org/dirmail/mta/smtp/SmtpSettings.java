package org.dirmail.mta.smtp;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.dirmail.mta.config.Cidr;

/**
 * The settings shared by the SMTP listeners, validated once when built. The configuration package
 * supplies the values from {@code dirmail.conf}; nothing here reads a file or trusts the network.
 *
 * @param hostname           our name in the greeting, replies and {@code Received:} lines
 * @param localDomains       domains whose recipients are resolved in the directory; compared
 *                           case-insensitively, stored lower-cased
 * @param maxMessageSize     largest message accepted, in octets after dot-unstuffing (advertised as SIZE)
 * @param maxRecipients      recipients per transaction; RFC 5321 4.5.3.1.8 requires at least 100
 * @param maxErrors          5xx replies in one session before we answer 421 and close
 * @param idleTimeout        how long a client may stay silent between commands; RFC 5321
 *                           4.5.3.2.7 asks for 5 minutes
 * @param dataTimeout        how long a client may stay silent inside DATA
 * @param greetingDelay      how long the MX listener waits before its greeting; a client that
 *                           talks first is a bot (Postfix postscreen's pregreet test); zero = greet at once
 * @param relayNetworks      client networks that may send to any domain without AUTH
 * @param strictSenderLogin  an authenticated client may only use its own addresses as MAIL FROM
 * @param allowPlaintextAuth offer AUTH on the MX listener without TLS (never on submission)
 * @param authFailureDelay   how long a failed AUTH waits before its 535
 */
public record SmtpSettings(
        String hostname,
        Set<String> localDomains,
        int maxMessageSize,
        int maxRecipients,
        int maxErrors,
        Duration idleTimeout,
        Duration dataTimeout,
        Duration greetingDelay,
        List<Cidr> relayNetworks,
        boolean strictSenderLogin,
        boolean allowPlaintextAuth,
        Duration authFailureDelay) {

    /** Long enough to catch bots that do not wait, short enough that no client gives up. */
    public static final Duration DEFAULT_GREETING_DELAY = Duration.ofMillis(300);

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
        if (maxErrors < 1) {
            throw new IllegalArgumentException("maxErrors must be positive: " + maxErrors);
        }
        requirePositive("idleTimeout", idleTimeout);
        requirePositive("dataTimeout", dataTimeout);
        requireNotNegative("greetingDelay", greetingDelay);
        requireNotNegative("authFailureDelay", authFailureDelay);
        localDomains = localDomains.stream()
                .map(d -> d.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        relayNetworks = List.copyOf(relayNetworks);
    }

    /** True when mail for {@code domain} is ours to resolve (case-insensitive, RFC 5321 2.4). */
    public boolean isLocalDomain(String domain) {
        return localDomains.contains(domain.toLowerCase(Locale.ROOT));
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    private static void requireNotNegative(String name, Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
    }
}
