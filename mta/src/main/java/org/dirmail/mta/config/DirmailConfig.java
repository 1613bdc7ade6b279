package org.dirmail.mta.config;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The whole configuration, typed and validated once at start. Nothing else in dirmail looks a
 * setting up by name. Built from built-in defaults, then an optional file, then command-line
 * overrides; every error names where the bad value came from and its key.
 */
public record DirmailConfig(
        String hostname,
        Path dataDir,
        Path queueDir,
        Path mailRoot,
        Set<String> localDomains,
        HostPort smtpListen,
        long messageSizeLimit,
        int smtpMaxRecipients,
        Duration smtpIdleTimeout,
        boolean embeddedDirectory,
        HostPort embeddedDirectoryListen,
        List<String> ldapUrls,
        String ldapBindDn,
        Optional<Path> ldapBindPasswordFile,
        String ldapBaseDn,
        String ldapObjectClass,
        Duration ldapConnectTimeout,
        Duration ldapResponseTimeout,
        int ldapPoolSize,
        int localDeliveryConcurrency,
        int localRetryConstant) {

    /** Where the embedded directory keeps its instance. */
    public Path embeddedDirectoryDir() {
        return dataDir.resolve("directory");
    }

    /**
     * Loads the configuration.
     *
     * @param file      a {@code dirmail.conf}, or null for the built-in defaults (the embedded default)
     * @param overrides {@code key=value} settings from the command line, applied last
     */
    public static DirmailConfig load(Path file, List<String> overrides) throws ConfigException {
        Map<ConfigKey, ConfigFile.Setting> settings = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) {
            settings.put(key, new ConfigFile.Setting(key.defaultValue(), "default"));
        }
        if (file != null) {
            ConfigFile.read(file, settings);
        }
        for (String override : overrides) {
            ConfigFile.override(override, settings);
        }
        return new Builder(settings).build();
    }

    /** The effective configuration as {@code key = value} pairs, like {@code postconf}. */
    public Map<String, String> effective() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(ConfigKey.HOSTNAME.key(), hostname);
        out.put(ConfigKey.DATA_DIR.key(), dataDir.toString());
        out.put(ConfigKey.QUEUE_DIR.key(), queueDir.toString());
        out.put(ConfigKey.MAIL_ROOT.key(), mailRoot.toString());
        out.put(ConfigKey.LOCAL_DOMAINS.key(), String.join(", ", localDomains));
        out.put(ConfigKey.SMTP_LISTEN.key(), smtpListen.toString());
        out.put(ConfigKey.MESSAGE_SIZE_LIMIT.key(), Long.toString(messageSizeLimit));
        out.put(ConfigKey.SMTP_MAX_RECIPIENTS.key(), Integer.toString(smtpMaxRecipients));
        out.put(ConfigKey.SMTP_IDLE_TIMEOUT.key(), smtpIdleTimeout.toSeconds() + "s");
        out.put(ConfigKey.EMBEDDED_DIRECTORY.key(), embeddedDirectory ? "yes" : "no");
        out.put(ConfigKey.EMBEDDED_DIRECTORY_LISTEN.key(), embeddedDirectoryListen.toString());
        out.put(ConfigKey.LDAP_URLS.key(), ldapUrls.isEmpty() ? "(the embedded directory)" : String.join(" ", ldapUrls));
        out.put(ConfigKey.LDAP_BIND_DN.key(), ldapBindDn.isEmpty() && embeddedDirectory ? "(the embedded admin)" : ldapBindDn);
        out.put(ConfigKey.LDAP_BIND_PASSWORD_FILE.key(), ldapBindPasswordFile.map(Path::toString)
                .orElse(embeddedDirectory ? "(the embedded admin's)" : ""));
        out.put(ConfigKey.LDAP_BASE_DN.key(), ldapBaseDn);
        out.put(ConfigKey.LDAP_OBJECT_CLASS.key(), ldapObjectClass);
        out.put(ConfigKey.LDAP_CONNECT_TIMEOUT.key(), ldapConnectTimeout.toMillis() + "ms");
        out.put(ConfigKey.LDAP_RESPONSE_TIMEOUT.key(), ldapResponseTimeout.toMillis() + "ms");
        out.put(ConfigKey.LDAP_POOL_SIZE.key(), Integer.toString(ldapPoolSize));
        out.put(ConfigKey.LOCAL_DELIVERY_CONCURRENCY.key(), Integer.toString(localDeliveryConcurrency));
        out.put(ConfigKey.LOCAL_RETRY_CONSTANT.key(), Integer.toString(localRetryConstant));
        return out;
    }

    /** Turns raw settings into typed values, naming the source and key of the first bad one. */
    private static final class Builder {
        private final Map<ConfigKey, ConfigFile.Setting> settings;

        Builder(Map<ConfigKey, ConfigFile.Setting> settings) {
            this.settings = settings;
        }

        DirmailConfig build() throws ConfigException {
            Path dataDir = get(ConfigKey.DATA_DIR, Path::of);
            String queueDir = raw(ConfigKey.QUEUE_DIR);
            String mailRoot = raw(ConfigKey.MAIL_ROOT);
            boolean embedded = get(ConfigKey.EMBEDDED_DIRECTORY, ValueParsers::bool);
            List<String> urls = get(ConfigKey.LDAP_URLS, Builder::ldapUrls);
            if (!embedded && urls.isEmpty()) {
                throw error(ConfigKey.LDAP_URLS, "required when embedded_directory = no");
            }
            String passwordFile = raw(ConfigKey.LDAP_BIND_PASSWORD_FILE);
            return new DirmailConfig(
                    get(ConfigKey.HOSTNAME, Builder::hostname),
                    dataDir,
                    queueDir.isEmpty() ? dataDir.resolve("queue") : Path.of(queueDir),
                    mailRoot.isEmpty() ? dataDir.resolve("mail") : Path.of(mailRoot),
                    get(ConfigKey.LOCAL_DOMAINS, Builder::domains),
                    get(ConfigKey.SMTP_LISTEN, ValueParsers::hostPort),
                    get(ConfigKey.MESSAGE_SIZE_LIMIT, ValueParsers::positiveInt),
                    get(ConfigKey.SMTP_MAX_RECIPIENTS, ValueParsers::positiveInt),
                    get(ConfigKey.SMTP_IDLE_TIMEOUT, ValueParsers::duration),
                    embedded,
                    get(ConfigKey.EMBEDDED_DIRECTORY_LISTEN, ValueParsers::hostPort),
                    urls,
                    get(ConfigKey.LDAP_BIND_DN, Builder::dnOrEmpty),
                    passwordFile.isEmpty() ? Optional.empty() : Optional.of(Path.of(passwordFile)),
                    get(ConfigKey.LDAP_BASE_DN, Builder::dn),
                    raw(ConfigKey.LDAP_OBJECT_CLASS),
                    get(ConfigKey.LDAP_CONNECT_TIMEOUT, Builder::positiveDuration),
                    get(ConfigKey.LDAP_RESPONSE_TIMEOUT, Builder::positiveDuration),
                    get(ConfigKey.LDAP_POOL_SIZE, ValueParsers::positiveInt),
                    get(ConfigKey.LOCAL_DELIVERY_CONCURRENCY, ValueParsers::positiveInt),
                    get(ConfigKey.LOCAL_RETRY_CONSTANT, ValueParsers::positiveInt));
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

        private ConfigException error(ConfigKey key, String problem) {
            return new ConfigException(settings.get(key).source() + ": " + key.key() + ": " + problem);
        }

        private static String hostname(String value) {
            if (!value.isEmpty()) {
                return ValueParsers.domain(value);
            }
            try {
                return InetAddress.getLocalHost().getCanonicalHostName().toLowerCase(java.util.Locale.ROOT);
            } catch (UnknownHostException e) {
                return "localhost";
            }
        }

        private static Set<String> domains(String value) {
            Set<String> domains = new LinkedHashSet<>();
            for (String item : ValueParsers.list(value)) {
                domains.add(ValueParsers.domain(item));
            }
            return java.util.Collections.unmodifiableSet(domains);
        }

        private static List<String> ldapUrls(String value) {
            List<String> urls = new ArrayList<>();
            for (String item : ValueParsers.list(value)) {
                try {
                    LDAPURL url = new LDAPURL(item);
                    if (!url.hostProvided()) {
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
            if (!DN.isValidDN(value) || value.isEmpty()) {
                throw new IllegalArgumentException("'" + value + "' is not a DN");
            }
            return value;
        }

        private static String dnOrEmpty(String value) {
            return value.isEmpty() ? value : dn(value);
        }

        private static Duration positiveDuration(String value) {
            Duration d = ValueParsers.duration(value);
            if (d.isZero()) {
                throw new IllegalArgumentException("must be greater than zero");
            }
            return d;
        }
    }
}
