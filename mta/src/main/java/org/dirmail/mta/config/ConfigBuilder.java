package org.dirmail.mta.config;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.dirmail.directory.auth.AuthMethod;
import org.dirmail.directory.auth.LoginLookup;
import org.dirmail.directory.ldap.ResolutionRules;
import org.dirmail.mta.delivery.ConcurrencyLimits;
import org.dirmail.mta.delivery.ProgramPolicy;
import org.dirmail.mta.dns.DnsSettings;
import org.dirmail.mta.pop3.Pop3ProxySettings;
import org.dirmail.mta.quota.QuotaLimits;
import org.dirmail.mta.quota.QuotaPolicy;
import org.dirmail.mta.remote.DomainMap;
import org.dirmail.mta.remote.RelayCredentials;
import org.dirmail.mta.remote.RemoteTimeouts;
import org.dirmail.mta.remote.RemoteTlsPolicy;
import org.dirmail.mta.remote.Route;
import org.dirmail.mta.remote.RouteTable;

/** Turns raw settings into the typed {@link DirmailConfig}, naming the source and key of the first bad one. */
final class ConfigBuilder {

    private final Map<ConfigKey, ConfigFile.Setting> settings;
    private final Map<String, String> effective = new LinkedHashMap<>();

    ConfigBuilder(Map<ConfigKey, ConfigFile.Setting> settings) {
        this.settings = settings;
        for (ConfigKey key : ConfigKey.values()) {
            effective.put(key.key(), settings.get(key).value());
        }
    }

    DirmailConfig build() throws ConfigException {
        String hostname = get(ConfigKey.HOSTNAME, ConfigBuilder::hostname);
        Path dataDir = get(ConfigKey.DATA_DIR, Path::of);
        Path queueDir = derivedPath(ConfigKey.QUEUE_DIR, dataDir.resolve("queue"));
        Path mailRoot = derivedPath(ConfigKey.MAIL_ROOT, dataDir.resolve("mail"));
        effective.put(ConfigKey.HOSTNAME.key(), hostname);
        Set<String> localDomains = get(ConfigKey.LOCAL_DOMAINS, ConfigBuilder::domains);
        return new DirmailConfig(hostname, dataDir, queueDir, mailRoot, localDomains, addresses(localDomains),
                smtp(), tls(dataDir), auth(), pop3(), cluster(hostname), ldap(), delivery(hostname), remote(), quota(),
                admin(), effective);
    }

    private ResolutionRules addresses(Set<String> localDomains) throws ConfigException {
        String delimiter = get(ConfigKey.RECIPIENT_DELIMITER, ResolutionRules::separator);
        String separator = get(ConfigKey.DASH_SEPARATOR, ResolutionRules::separator);
        Map<String, String> aliases = get(ConfigKey.ALIAS_DOMAINS, ConfigBuilder::aliasDomains);
        for (String alias : aliases.keySet()) {
            // As in qmail-ldap, an alias domain must be local: mail to it is accepted at all.
            if (!localDomains.contains(alias)) {
                throw error(ConfigKey.ALIAS_DOMAINS, "alias domain '" + alias + "' must also be in local_domains");
            }
        }
        try {
            return new ResolutionRules(delimiter, separator, aliases);
        } catch (IllegalArgumentException e) {
            throw error(ConfigKey.ALIAS_DOMAINS, e.getMessage());
        }
    }

    private SmtpConfig smtp() throws ConfigException {
        return new SmtpConfig(
                get(ConfigKey.SMTP_LISTEN, ValueParsers::hostPort),
                optional(ConfigKey.SUBMISSION_LISTEN, ValueParsers::hostPort),
                optional(ConfigKey.SMTPS_LISTEN, ValueParsers::hostPort),
                get(ConfigKey.MESSAGE_SIZE_LIMIT, ValueParsers::positiveInt),
                get(ConfigKey.SMTP_MAX_RECIPIENTS, ValueParsers::positiveInt),
                get(ConfigKey.SMTP_MAX_ERRORS, ValueParsers::positiveInt),
                get(ConfigKey.SMTP_IDLE_TIMEOUT, ConfigBuilder::positiveDuration),
                get(ConfigKey.SMTP_DATA_TIMEOUT, ConfigBuilder::positiveDuration),
                get(ConfigKey.SMTP_GREETING_DELAY, ValueParsers::duration),
                get(ConfigKey.SMTP_MAX_CONNECTIONS, ValueParsers::positiveInt),
                get(ConfigKey.SMTP_MAX_CONNECTIONS_PER_IP, ValueParsers::positiveInt),
                get(ConfigKey.RELAY_NETWORKS, v -> ValueParsers.list(v).stream().map(Cidr::parse).toList()),
                get(ConfigKey.SENDER_LOGIN_CHECK, v -> oneOf(v, "strict", "off").equals("strict")),
                get(ConfigKey.SHUTDOWN_GRACE, ValueParsers::duration));
    }

    private TlsConfig tls(Path dataDir) throws ConfigException {
        Optional<Path> cert = optional(ConfigKey.TLS_CERT_FILE, Path::of);
        Optional<Path> key = optional(ConfigKey.TLS_KEY_FILE, Path::of);
        if (cert.isPresent() != key.isPresent()) {
            throw error(cert.isPresent() ? ConfigKey.TLS_KEY_FILE : ConfigKey.TLS_CERT_FILE,
                    "tls_cert_file and tls_key_file must be set together");
        }
        return new TlsConfig(cert, key, optional(ConfigKey.TLS_KEY_PASSPHRASE_FILE, Path::of),
                get(ConfigKey.TLS_SNI_CERTIFICATES, ConfigBuilder::sniCertificates), dataDir.resolve("tls"));
    }

    private AuthConfig auth() throws ConfigException {
        return new AuthConfig(
                get(ConfigKey.ALLOW_PLAINTEXT_AUTH, ValueParsers::bool),
                get(ConfigKey.AUTH_METHOD, v -> AuthMethod.valueOf(oneOf(v, "bind", "compare").toUpperCase(Locale.ROOT))),
                get(ConfigKey.AUTH_LOGIN_LOOKUP,
                        v -> LoginLookup.valueOf(oneOf(v, "auto", "uid", "mail").toUpperCase(Locale.ROOT))),
                get(ConfigKey.AUTH_FAILURE_DELAY, ValueParsers::duration),
                get(ConfigKey.AUTH_MAX_FAILURES, ValueParsers::positiveInt),
                get(ConfigKey.AUTH_FAILURE_WINDOW, ConfigBuilder::positiveDuration));
    }

    private Pop3Config pop3() throws ConfigException {
        Duration idle = get(ConfigKey.POP3_IDLE_TIMEOUT, ConfigBuilder::positiveDuration);
        if (idle.compareTo(Duration.ofMinutes(10)) < 0) {
            throw error(ConfigKey.POP3_IDLE_TIMEOUT, "RFC 1939 requires at least 10m");
        }
        return new Pop3Config(optional(ConfigKey.POP3_LISTEN, ValueParsers::hostPort),
                optional(ConfigKey.POP3S_LISTEN, ValueParsers::hostPort), idle);
    }

    /** qmail-ldap.md §6: "me" is control/me plus control/ldapclusterhosts. */
    private ClusterConfig cluster(String hostname) throws ConfigException {
        Set<String> names = new LinkedHashSet<>();
        names.add(hostname);
        names.addAll(get(ConfigKey.CLUSTER_HOSTS, ConfigBuilder::domains));
        return new ClusterConfig(names,
                get(ConfigKey.CLUSTER_SMTP_PORT, ConfigBuilder::port),
                get(ConfigKey.POP3_PROXY, ValueParsers::bool),
                get(ConfigKey.POP3_PROXY_PORT, ConfigBuilder::port),
                get(ConfigKey.POP3_PROXY_TLS,
                        v -> Pop3ProxySettings.Tls.valueOf(oneOf(v, "may", "encrypt", "none").toUpperCase(Locale.ROOT))),
                optional(ConfigKey.POP3_PROXY_CA_FILE, Path::of));
    }

    private LdapConfig ldap() throws ConfigException {
        boolean embedded = get(ConfigKey.EMBEDDED_DIRECTORY, ValueParsers::bool);
        List<String> urls = get(ConfigKey.LDAP_URLS, ConfigBuilder::ldapUrls);
        if (!embedded && urls.isEmpty()) {
            throw error(ConfigKey.LDAP_URLS, "required when embedded_directory = no");
        }
        boolean startTls = get(ConfigKey.LDAP_STARTTLS, ValueParsers::bool);
        Optional<Path> caFile = optional(ConfigKey.LDAP_TLS_CA_FILE, RemoteValues::readableFile);
        checkLdapTls(urls, startTls, caFile);
        return new LdapConfig(embedded,
                get(ConfigKey.EMBEDDED_DIRECTORY_LISTEN, ValueParsers::hostPort),
                urls,
                get(ConfigKey.LDAP_BIND_DN, ConfigBuilder::dnOrEmpty),
                optional(ConfigKey.LDAP_BIND_PASSWORD_FILE, Path::of),
                get(ConfigKey.LDAP_BASE_DN, ConfigBuilder::dn),
                raw(ConfigKey.LDAP_OBJECT_CLASS),
                get(ConfigKey.LDAP_CONNECT_TIMEOUT, ConfigBuilder::positiveDuration),
                get(ConfigKey.LDAP_RESPONSE_TIMEOUT, ConfigBuilder::positiveDuration),
                get(ConfigKey.LDAP_POOL_SIZE, ValueParsers::positiveInt),
                get(ConfigKey.LDAP_AUTH_POOL_SIZE, ValueParsers::positiveInt),
                startTls, caFile);
    }

    // The embedded directory speaks plain LDAP on loopback; TLS settings only make sense for ldap_urls.
    private void checkLdapTls(List<String> urls, boolean startTls, Optional<Path> caFile) throws ConfigException {
        if (urls.isEmpty() && startTls) {
            throw error(ConfigKey.LDAP_STARTTLS, "needs ldap_urls (the embedded directory has no TLS)");
        }
        if (urls.isEmpty() && caFile.isPresent()) {
            throw error(ConfigKey.LDAP_TLS_CA_FILE, "needs ldap_urls (the embedded directory has no TLS)");
        }
        if (startTls) {
            for (String url : urls) {
                if (url.regionMatches(true, 0, "ldaps:", 0, 6)) {
                    throw error(ConfigKey.LDAP_STARTTLS, "cannot be combined with the ldaps:// URL " + url
                            + " in ldap_urls: use ldap:// URLs with StartTLS, or ldaps:// without it");
                }
            }
        }
    }

    private DeliveryConfig delivery(String hostname) throws ConfigException {
        String postmaster = raw(ConfigKey.POSTMASTER_ADDRESS).isEmpty() ? "postmaster@" + hostname
                : get(ConfigKey.POSTMASTER_ADDRESS, ConfigBuilder::mailbox);
        effective.put(ConfigKey.POSTMASTER_ADDRESS.key(), postmaster);
        return new DeliveryConfig(new ConcurrencyLimits(get(ConfigKey.LOCAL_DELIVERY_CONCURRENCY, ValueParsers::positiveInt),
                        get(ConfigKey.REMOTE_CONCURRENCY, ValueParsers::positiveInt),
                        get(ConfigKey.REMOTE_DOMAIN_CONCURRENCY, ValueParsers::positiveInt)),
                get(ConfigKey.LOCAL_RETRY_CONSTANT, ValueParsers::positiveInt),
                get(ConfigKey.REMOTE_RETRY_CONSTANT, ValueParsers::positiveInt),
                get(ConfigKey.QUEUE_LIFETIME, ValueParsers::duration),
                get(ConfigKey.BOUNCE_SIZE_LIMIT, ValueParsers::positiveInt),
                postmaster,
                new ProgramPolicy(get(ConfigKey.ALLOW_PROGRAMS, ValueParsers::bool),
                        get(ConfigKey.PROGRAM_TIMEOUT, ConfigBuilder::positiveDuration)),
                get(ConfigKey.AUTOREPLY_INTERVAL, ConfigBuilder::positiveDuration),
                get(ConfigKey.INLINE_DELIVERY, ValueParsers::bool));
    }

    /** A plain {@code local@domain}: it goes into envelopes and headers. */
    private static String mailbox(String value) {
        String v = value.trim();
        int at = v.lastIndexOf('@');
        if (at <= 0 || !v.substring(0, at).matches("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+")) {
            throw new IllegalArgumentException("expected an address such as postmaster@example.com, got '" + value + "'");
        }
        return v.substring(0, at) + "@" + ValueParsers.domain(v.substring(at + 1));
    }

    private RemoteConfig remote() throws ConfigException {
        Optional<Route> relayhost = optional(ConfigKey.RELAYHOST, v -> Route.parse(v.trim(), true));
        if (relayhost.isPresent() && relayhost.get().host().isEmpty()) {
            throw error(ConfigKey.RELAYHOST, "must name a host");
        }
        DomainMap<Route> routes = get(ConfigKey.TRANSPORT_ROUTES, v -> RouteTable.parse(ValueParsers.list(v), "").routes());
        Optional<Path> authFile = optional(ConfigKey.RELAYHOST_AUTH_FILE, Path::of);
        if (authFile.isPresent() && relayhost.isEmpty()) {
            throw error(ConfigKey.RELAYHOST_AUTH_FILE, "needs relayhost");
        }
        Optional<RelayCredentials> credentials = optional(ConfigKey.RELAYHOST_AUTH_FILE, v -> RelayCredentials.read(Path.of(v)));
        return new RemoteConfig(
                new DnsSettings(get(ConfigKey.DNS_RESOLVERS, RemoteValues::resolvers),
                        get(ConfigKey.DNS_TIMEOUT, ConfigBuilder::positiveDuration)),
                get(ConfigKey.REMOTE_SMTP_PORT, RemoteValues::port),
                new RemoteTimeouts(
                        get(ConfigKey.REMOTE_CONNECT_TIMEOUT, ConfigBuilder::positiveDuration),
                        get(ConfigKey.REMOTE_GREETING_TIMEOUT, ConfigBuilder::positiveDuration),
                        get(ConfigKey.REMOTE_COMMAND_TIMEOUT, ConfigBuilder::positiveDuration),
                        get(ConfigKey.REMOTE_DATA_INIT_TIMEOUT, ConfigBuilder::positiveDuration),
                        get(ConfigKey.REMOTE_DATA_BLOCK_TIMEOUT, ConfigBuilder::positiveDuration),
                        get(ConfigKey.REMOTE_DATA_DONE_TIMEOUT, ConfigBuilder::positiveDuration)),
                new RouteTable(routes, relayhost),
                get(ConfigKey.REMOTE_TLS_POLICY, RemoteTlsPolicy::parse),
                get(ConfigKey.REMOTE_TLS_POLICY_MAP, RemoteValues::tlsPolicies),
                optional(ConfigKey.REMOTE_TLS_CA_FILE, RemoteValues::readableFile),
                authFile,
                credentials);
    }

    private QuotaPolicy quota() throws ConfigException {
        QuotaLimits defaults = new QuotaLimits(get(ConfigKey.DEFAULT_QUOTA_SIZE, ValueParsers::nonNegativeLong),
                get(ConfigKey.DEFAULT_QUOTA_COUNT, ValueParsers::nonNegativeLong));
        int percent = get(ConfigKey.QUOTA_WARNING_PERCENT, v -> {
            long p = ValueParsers.nonNegativeLong(v);
            if (p > 100) {
                throw new IllegalArgumentException("expected a percentage from 0 to 100, got '" + v + "'");
            }
            return (int) p;
        });
        return new QuotaPolicy(defaults,
                get(ConfigKey.QUOTA_EXCEEDED, v -> oneOf(v, "bounce", "defer").equals("bounce")), percent);
    }

    private String raw(ConfigKey key) {
        return settings.get(key).value();
    }

    private <T> T get(ConfigKey key, Function<String, T> parser) throws ConfigException {
        try {
            return parser.apply(raw(key));
        } catch (IllegalArgumentException e) {
            throw error(key, e.getMessage());
        }
    }

    /** "none" (or empty) turns the admin listener off. */
    private AdminConfig admin() throws ConfigException {
        return new AdminConfig(raw(ConfigKey.ADMIN_LISTEN).trim().equalsIgnoreCase("none") ? Optional.empty()
                : optional(ConfigKey.ADMIN_LISTEN, ValueParsers::hostPort));
    }

    /** An empty value means "off" / "not set". */
    private <T> Optional<T> optional(ConfigKey key, Function<String, T> parser) throws ConfigException {
        return raw(key).isEmpty() ? Optional.empty() : Optional.of(get(key, parser));
    }

    /** An empty value means the given derived default, which {@code dirmail config} then shows. */
    private Path derivedPath(ConfigKey key, Path derived) {
        Path path = raw(key).isEmpty() ? derived : Path.of(raw(key));
        effective.put(key.key(), path.toString());
        return path;
    }

    private ConfigException error(ConfigKey key, String problem) {
        return new ConfigException(settings.get(key).source() + ": " + key.key() + ": " + problem);
    }

    private static String oneOf(String value, String... allowed) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new IllegalArgumentException("expected one of " + String.join(", ", allowed) + ", got '" + value + "'");
    }

    private static String hostname(String value) {
        if (!value.isEmpty()) {
            return ValueParsers.domain(value);
        }
        try {
            return InetAddress.getLocalHost().getCanonicalHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static Set<String> domains(String value) {
        Set<String> domains = new LinkedHashSet<>();
        for (String item : ValueParsers.list(value)) {
            domains.add(ValueParsers.domain(item));
        }
        return Collections.unmodifiableSet(domains);
    }

    private static Map<String, String> aliasDomains(String value) {
        Map<String, String> aliases = new LinkedHashMap<>();
        for (String item : ValueParsers.list(value)) {
            String[] parts = item.split(":", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("expected alias:real such as example.net:example.com, got '" + item + "'");
            }
            String alias = ValueParsers.domain(parts[0]);
            if (aliases.put(alias, ValueParsers.domain(parts[1])) != null) {
                throw new IllegalArgumentException("alias domain '" + alias + "' is mapped twice");
            }
        }
        return aliases;
    }

    private static List<TlsConfig.SniCertificate> sniCertificates(String value) {
        List<TlsConfig.SniCertificate> out = new ArrayList<>();
        for (String item : ValueParsers.list(value)) {
            String[] parts = item.split(":");
            if (parts.length != 3 || parts[1].isEmpty() || parts[2].isEmpty()) {
                throw new IllegalArgumentException("expected hostname:certfile:keyfile, got '" + item + "'");
            }
            out.add(new TlsConfig.SniCertificate(ValueParsers.domain(parts[0]), Path.of(parts[1]), Path.of(parts[2])));
        }
        return out;
    }

    private static List<String> ldapUrls(String value) {
        List<String> urls = new ArrayList<>();
        for (String item : ValueParsers.list(value)) {
            try {
                if (!new LDAPURL(item).hostProvided()) {
                    throw new IllegalArgumentException("'" + item + "' names no host");
                }
            } catch (LDAPException e) {
                throw new IllegalArgumentException("'" + item + "' is not an LDAP URL: " + e.getMessage());
            }
            urls.add(item);
        }
        return List.copyOf(urls);
    }

    private static String dn(String value) {
        if (value.isEmpty() || !DN.isValidDN(value)) {
            throw new IllegalArgumentException("'" + value + "' is not a DN");
        }
        return value;
    }

    private static String dnOrEmpty(String value) {
        return value.isEmpty() ? value : dn(value);
    }

    private static int port(String value) {
        int port = ValueParsers.positiveInt(value);
        if (port > 65535) {
            throw new IllegalArgumentException("'" + value + "' is not a TCP port");
        }
        return port;
    }

    private static Duration positiveDuration(String value) {
        Duration d = ValueParsers.duration(value);
        if (d.isZero()) {
            throw new IllegalArgumentException("must be greater than zero");
        }
        return d;
    }
}
