package org.dirmail.mta.config;

import java.nio.file.Path;
import java.util.Optional;
import org.dirmail.mta.dns.DnsSettings;
import org.dirmail.mta.remote.DomainMap;
import org.dirmail.mta.remote.RelayCredentials;
import org.dirmail.mta.remote.RemoteSettings;
import org.dirmail.mta.remote.RemoteTimeouts;
import org.dirmail.mta.remote.RemoteTlsPolicy;
import org.dirmail.mta.remote.RouteTable;

/**
 * Delivery to other mail servers: DNS, routes, TLS policy, timeouts.
 *
 * @param dns               the resolvers and their timeout
 * @param smtpPort          the port of hosts found through MX records
 * @param timeouts          SMTP client timeouts per step
 * @param routes            static routes and the relayhost
 * @param tlsPolicy         the default TLS policy
 * @param tlsPolicies       TLS policy per domain or {@code .suffix}
 * @param tlsCaFile         CA certificates for {@code verify}; empty = the JDK's trust store
 * @param relayhostAuthFile where the relayhost credentials were read from
 * @param relayCredentials  the relayhost credentials, checked and read at start
 */
public record RemoteConfig(
        DnsSettings dns,
        int smtpPort,
        RemoteTimeouts timeouts,
        RouteTable routes,
        RemoteTlsPolicy tlsPolicy,
        DomainMap<RemoteTlsPolicy> tlsPolicies,
        Optional<Path> tlsCaFile,
        Optional<Path> relayhostAuthFile,
        Optional<RelayCredentials> relayCredentials) {

    /** What the SMTP client takes, greeting as {@code heloName}. */
    public RemoteSettings settings(String heloName) {
        return new RemoteSettings(heloName, smtpPort, timeouts, routes, tlsPolicy, tlsPolicies, tlsCaFile,
                relayCredentials);
    }
}
