package org.dirmail.mta.smtp;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.dirmail.mta.config.Cidr;

/** Builds {@link SmtpSettings} for tests: production defaults, no greeting delay, no AUTH delay, changes by name. */
final class TestSettings {

    private String hostname = "mx.example.org";
    private Set<String> localDomains = Set.of("Example.org", "example.net");
    private int maxMessageSize = 10_240_000;
    private int maxRecipients = 100;
    private int maxErrors = 20;
    private Duration idleTimeout = Duration.ofMinutes(5);
    private Duration dataTimeout = Duration.ofMinutes(10);
    private Duration greetingDelay = Duration.ZERO;
    private List<Cidr> relayNetworks = List.of();
    private boolean strictSenderLogin = true;
    private boolean allowPlaintextAuth;
    private Duration authFailureDelay = Duration.ZERO;

    static TestSettings defaults() {
        return new TestSettings();
    }

    TestSettings localDomains(String... domains) {
        localDomains = Set.of(domains);
        return this;
    }

    TestSettings maxMessageSize(int octets) {
        maxMessageSize = octets;
        return this;
    }

    TestSettings maxRecipients(int count) {
        maxRecipients = count;
        return this;
    }

    TestSettings maxErrors(int count) {
        maxErrors = count;
        return this;
    }

    TestSettings dataTimeout(Duration timeout) {
        dataTimeout = timeout;
        return this;
    }

    TestSettings greetingDelay(Duration delay) {
        greetingDelay = delay;
        return this;
    }

    TestSettings relayNetworks(String... networks) {
        relayNetworks = java.util.Arrays.stream(networks).map(Cidr::parse).toList();
        return this;
    }

    TestSettings strictSenderLogin(boolean strict) {
        strictSenderLogin = strict;
        return this;
    }

    TestSettings allowPlaintextAuth(boolean allow) {
        allowPlaintextAuth = allow;
        return this;
    }

    TestSettings authFailureDelay(Duration delay) {
        authFailureDelay = delay;
        return this;
    }

    SmtpSettings build() {
        return new SmtpSettings(hostname, localDomains, maxMessageSize, maxRecipients, maxErrors, idleTimeout,
                dataTimeout, greetingDelay, relayNetworks, strictSenderLogin, allowPlaintextAuth, authFailureDelay);
    }
}
