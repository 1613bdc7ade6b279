package org.dirmail.mta.remote;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the SMTP client needs to know, typed and validated by the configuration.
 *
 * @param heloName         the name sent with EHLO/HELO (this host's FQDN)
 * @param smtpPort         the port of hosts found through MX records (25; tests change it)
 * @param timeouts         per-step timeouts
 * @param routes           static routes and the relayhost
 * @param tlsPolicy        the TLS policy of destinations not in {@code tlsPolicies}
 * @param tlsPolicies      TLS policy per recipient domain ({@code domain} or {@code .suffix})
 * @param tlsCaFile        PEM CA certificates for {@code verify}; empty = the JDK's trust store
 * @param relayCredentials AUTH credentials for the relayhost; with them, the relayhost gets at
 *                         least {@code encrypt}: credentials never travel in clear
 */
public record RemoteSettings(String heloName, int smtpPort, RemoteTimeouts timeouts, RouteTable routes,
                             RemoteTlsPolicy tlsPolicy, DomainMap<RemoteTlsPolicy> tlsPolicies,
                             Optional<Path> tlsCaFile, Optional<RelayCredentials> relayCredentials) {

    public RemoteSettings {
        Objects.requireNonNull(heloName, "heloName");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(routes, "routes");
        Objects.requireNonNull(tlsPolicy, "tlsPolicy");
        Objects.requireNonNull(tlsPolicies, "tlsPolicies");
        Objects.requireNonNull(tlsCaFile, "tlsCaFile");
        Objects.requireNonNull(relayCredentials, "relayCredentials");
        if (smtpPort < 1 || smtpPort > 65535) {
            throw new IllegalArgumentException("port out of range: " + smtpPort);
        }
    }

    /** The policy for one delivery: the domain's, raised to {@code encrypt} when credentials go to the relayhost. */
    public RemoteTlsPolicy policyFor(String domain, Route route) {
        RemoteTlsPolicy policy = tlsPolicies.lookup(domain).orElse(tlsPolicy);
        boolean authenticating = route.relayhost() && relayCredentials.isPresent();
        return authenticating && !policy.requiresTls() ? RemoteTlsPolicy.ENCRYPT : policy;
    }
}
