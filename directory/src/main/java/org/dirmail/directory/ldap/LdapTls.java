package org.dirmail.directory.ldap;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How dirmail protects its LDAP connections: StartTLS on {@code ldap://} URLs or not, and which
 * CA certificates the directory's certificate must chain to. Host names are always verified.
 *
 * @param startTls upgrade every {@code ldap://} connection with StartTLS (RFC 4511 4.14) before
 *                 the bind; never combined with {@code ldaps://} URLs (checked by {@link LdapSettings})
 * @param caFile   PEM file with the trusted CA certificate(s); empty means the JVM trust store
 */
public record LdapTls(boolean startTls, Optional<Path> caFile) {

    /** No StartTLS; {@code ldaps://} URLs are checked against the JVM trust store. */
    public static final LdapTls NONE = new LdapTls(false, Optional.empty());

    public LdapTls {
        Objects.requireNonNull(caFile, "caFile");
    }

    /** What the directory's certificate is checked against, for log lines. */
    public String trustSource() {
        return caFile.map(file -> "ldap_tls_ca_file " + file).orElse("the JVM trust store");
    }
}
