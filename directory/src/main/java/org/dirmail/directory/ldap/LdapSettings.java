package org.dirmail.directory.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import java.time.Duration;
import java.util.List;
import org.dirmail.schema.QmailAttributes;

/**
 * How to reach the directory: servers in failover order, bind credentials, search base and the
 * pool's timeouts. Validated once, here; holds the bind password, so {@link #toString()} masks it.
 *
 * @param urls                {@code ldap://} or {@code ldaps://} URLs, tried in order (qmail-ldap's
 *                            {@code ldapserver})
 * @param bindDn              bind DN; empty means anonymous ({@code ldaplogin})
 * @param bindPassword        bind password ({@code ldappassword}); required with a bind DN
 * @param baseDn              subtree search base ({@code ldapbasedn}); may be empty
 * @param objectClass         object class every filter is restricted to ({@code ldapobjectclass});
 *                            empty means no restriction
 * @param connectTimeout      TCP connect timeout per server
 * @param responseTimeout     how long one operation may take; also the search time limit
 * @param poolSize            most connections kept open, and most lookups running at once
 * @param healthCheckInterval how often idle connections are checked and broken ones replaced
 * @param maxConnectionAge    connections older than this are replaced (rebalances after failover)
 * @param tls                 StartTLS and the CA certificates the servers' certificates must chain to
 */
public record LdapSettings(
        List<String> urls,
        String bindDn,
        String bindPassword,
        String baseDn,
        String objectClass,
        Duration connectTimeout,
        Duration responseTimeout,
        int poolSize,
        Duration healthCheckInterval,
        Duration maxConnectionAge,
        LdapTls tls) {

    public static final String DEFAULT_OBJECT_CLASS = QmailAttributes.QMAIL_USER;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_POOL_SIZE = 8;
    public static final Duration DEFAULT_HEALTH_CHECK_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_MAX_CONNECTION_AGE = Duration.ofMinutes(15);

    public LdapSettings {
        if (urls == null || urls.isEmpty()) {
            throw new IllegalArgumentException("ldap urls: at least one ldap:// or ldaps:// URL is required");
        }
        urls = List.copyOf(urls);
        urls.forEach(LdapSettings::checkUrl);
        bindDn = bindDn == null ? "" : bindDn.trim();
        bindPassword = bindPassword == null ? "" : bindPassword;
        baseDn = baseDn == null ? "" : baseDn.trim();
        checkDn("ldap bindDn", bindDn);
        checkDn("ldap baseDn", baseDn);
        // A simple bind with a DN and an empty password is an unauthenticated bind (RFC 4513
        // 5.1.2): it would silently run anonymous, so refuse it.
        if (!bindDn.isEmpty() && bindPassword.isEmpty()) {
            throw new IllegalArgumentException("ldap bindPassword: required when bindDn is set");
        }
        if (objectClass == null) {
            throw new IllegalArgumentException("ldap objectClass: must not be null (empty = no restriction)");
        }
        objectClass = objectClass.trim();
        checkPositive("ldap connectTimeout", connectTimeout);
        checkPositive("ldap responseTimeout", responseTimeout);
        checkPositive("ldap healthCheckInterval", healthCheckInterval);
        checkPositive("ldap maxConnectionAge", maxConnectionAge);
        if (connectTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ldap connectTimeout: too large: " + connectTimeout);
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("ldap poolSize: must be at least 1, got " + poolSize);
        }
        if (tls == null) {
            throw new IllegalArgumentException("ldap tls: must not be null (LdapTls.NONE = no StartTLS, JVM trust)");
        }
        // StartTLS inside an ldaps:// session would be a second handshake the servers refuse.
        if (tls.startTls()) {
            for (String url : urls) {
                if (url.regionMatches(true, 0, "ldaps:", 0, 6)) {
                    throw new IllegalArgumentException("ldap starttls: cannot be combined with ldaps:// URL " + url
                            + " (use ldap:// URLs with StartTLS, or ldaps:// without it)");
                }
            }
        }
    }

    /** Settings with every default: objectClass qmailUser, timeouts 5 s / 10 s, 8 connections, no StartTLS. */
    public static LdapSettings defaults(List<String> urls, String bindDn, String bindPassword, String baseDn) {
        return new LdapSettings(urls, bindDn, bindPassword, baseDn, DEFAULT_OBJECT_CLASS,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT, DEFAULT_POOL_SIZE,
                DEFAULT_HEALTH_CHECK_INTERVAL, DEFAULT_MAX_CONNECTION_AGE, LdapTls.NONE);
    }

    /** A copy with another object class restriction (empty = none). */
    public LdapSettings withObjectClass(String newObjectClass) {
        return new LdapSettings(urls, bindDn, bindPassword, baseDn, newObjectClass,
                connectTimeout, responseTimeout, poolSize, healthCheckInterval, maxConnectionAge, tls);
    }

    /** A copy with other connect and response timeouts. */
    public LdapSettings withTimeouts(Duration newConnectTimeout, Duration newResponseTimeout) {
        return new LdapSettings(urls, bindDn, bindPassword, baseDn, objectClass,
                newConnectTimeout, newResponseTimeout, poolSize, healthCheckInterval, maxConnectionAge, tls);
    }

    /** A copy with another pool size, health check interval and connection age limit. */
    public LdapSettings withPool(int newPoolSize, Duration newHealthCheckInterval, Duration newMaxConnectionAge) {
        return new LdapSettings(urls, bindDn, bindPassword, baseDn, objectClass,
                connectTimeout, responseTimeout, newPoolSize, newHealthCheckInterval, newMaxConnectionAge, tls);
    }

    /** A copy with other TLS settings. */
    public LdapSettings withTls(LdapTls newTls) {
        return new LdapSettings(urls, bindDn, bindPassword, baseDn, objectClass,
                connectTimeout, responseTimeout, poolSize, healthCheckInterval, maxConnectionAge, newTls);
    }

    /** True when the pool binds; false means anonymous. */
    public boolean authenticated() {
        return !bindDn.isEmpty();
    }

    @Override
    public String toString() {
        return "LdapSettings[urls=" + urls + ", bindDn=" + bindDn
                + ", bindPassword=" + (bindPassword.isEmpty() ? "" : "***") + ", baseDn=" + baseDn
                + ", objectClass=" + objectClass + ", connectTimeout=" + connectTimeout
                + ", responseTimeout=" + responseTimeout + ", poolSize=" + poolSize
                + ", healthCheckInterval=" + healthCheckInterval + ", maxConnectionAge=" + maxConnectionAge
                + ", tls=" + tls + "]";
    }

    private static void checkUrl(String url) {
        LDAPURL parsed;
        try {
            parsed = new LDAPURL(url);
        } catch (LDAPException | NullPointerException e) {
            throw new IllegalArgumentException("ldap urls: not an LDAP URL: " + url, e);
        }
        String scheme = parsed.getScheme();
        if (!scheme.equals("ldap") && !scheme.equals("ldaps")) {
            throw new IllegalArgumentException("ldap urls: scheme must be ldap or ldaps: " + url);
        }
        if (!parsed.hostProvided()) {
            throw new IllegalArgumentException("ldap urls: no host in " + url);
        }
    }

    private static void checkDn(String setting, String dn) {
        if (!DN.isValidDN(dn)) {
            throw new IllegalArgumentException(setting + ": not a valid DN: " + dn);
        }
    }

    private static void checkPositive(String setting, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(setting + ": must be a positive duration, got " + value);
        }
    }
}
