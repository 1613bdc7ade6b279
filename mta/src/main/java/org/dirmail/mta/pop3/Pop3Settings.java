package org.dirmail.mta.pop3;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The settings of one POP3 listener, validated once when built. Nothing here reads a file or
 * trusts the network.
 *
 * @param hostnames      the names of this node: a user whose {@code mailHost} is not one of them
 *                       is sent to that host (qmail-ldap.md §6); compared case-insensitively
 * @param mailRoot       every Maildir from the directory must lie under it
 * @param idleTimeout    how long a client may stay silent; RFC 1939 3 asks for at least 10 minutes
 *                       (the configuration enforces that; tests may use less)
 * @param allowPlaintext offer USER/PASS and AUTH PLAIN on connections without TLS
 * @param failureDelay   delay before a failed login is answered
 * @param maxBadCommands erroneous commands in a row before we answer -ERR and close
 * @param proxy          how logins for users on other nodes are proxied; empty = they are refused
 */
public record Pop3Settings(
        Set<String> hostnames,
        Path mailRoot,
        Duration idleTimeout,
        boolean allowPlaintext,
        Duration failureDelay,
        int maxBadCommands,
        Optional<Pop3ProxySettings> proxy) {

    /** Dovecot closes after 20 bad commands in a row (CLIENT_MAX_BAD_COMMANDS). */
    public static final int DEFAULT_MAX_BAD_COMMANDS = 20;

    public Pop3Settings {
        Objects.requireNonNull(mailRoot, "mailRoot");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
        }
        if (failureDelay.isNegative()) {
            throw new IllegalArgumentException("failureDelay must not be negative: " + failureDelay);
        }
        if (maxBadCommands < 1) {
            throw new IllegalArgumentException("maxBadCommands must be positive: " + maxBadCommands);
        }
        hostnames = hostnames.stream()
                .map(h -> h.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        mailRoot = mailRoot.toAbsolutePath().normalize();
        Objects.requireNonNull(proxy, "proxy");
    }

    /** Settings without a proxy: users on other nodes are told to connect there. */
    public Pop3Settings(Set<String> hostnames, Path mailRoot, Duration idleTimeout, boolean allowPlaintext,
            Duration failureDelay, int maxBadCommands) {
        this(hostnames, mailRoot, idleTimeout, allowPlaintext, failureDelay, maxBadCommands, Optional.empty());
    }

    /** True when a user whose {@code mailHost} is {@code host} is served here. */
    public boolean isThisNode(String host) {
        return hostnames.contains(host.trim().toLowerCase(Locale.ROOT));
    }
}
