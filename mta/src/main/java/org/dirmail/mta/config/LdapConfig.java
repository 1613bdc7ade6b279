package org.dirmail.mta.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The directory: the embedded one, or external servers.
 *
 * @param embedded          run the bundled ApacheDS
 * @param embeddedListen    where it listens
 * @param urls              external servers in failover order; empty = the embedded directory
 * @param bindDn            bind DN; empty = the embedded admin, or anonymous
 * @param bindPasswordFile  file with the bind password
 * @param baseDn            search base
 * @param objectClass       object class of mail entries; empty = any
 * @param connectTimeout    connect timeout
 * @param responseTimeout   operation timeout
 * @param poolSize          connections for lookups
 * @param authPoolSize      connections for password binds
 * @param startTls          StartTLS on every ldap:// connection, before the bind
 * @param tlsCaFile         PEM CA certificates the servers' certificates must chain to; empty = the JVM's
 */
public record LdapConfig(
        boolean embedded,
        HostPort embeddedListen,
        List<String> urls,
        String bindDn,
        Optional<Path> bindPasswordFile,
        String baseDn,
        String objectClass,
        Duration connectTimeout,
        Duration responseTimeout,
        int poolSize,
        int authPoolSize,
        boolean startTls,
        Optional<Path> tlsCaFile) {

    public LdapConfig {
        urls = List.copyOf(urls);
    }
}
