package org.dirmail.mta.config;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dirmail.directory.ldap.ResolutionRules;
import org.dirmail.mta.quota.QuotaPolicy;

/**
 * The whole configuration, typed and validated once at start. Nothing else in dirmail looks a
 * setting up by name. Built from built-in defaults, then an optional file, then command-line
 * overrides; every error names where the bad value came from and its key. Grouped the way the
 * code is: SMTP, TLS, AUTH, POP3, cluster, LDAP, delivery, quota, remote delivery.
 *
 * @param hostname     this host's FQDN
 * @param dataDir      where state lives
 * @param queueDir     the queue
 * @param mailRoot     the root every Maildir must lie under
 * @param localDomains domains whose recipients are looked up in the directory (lower case)
 * @param addresses    how a recipient address becomes directory searches: delimiter, dash
 *                     separator, alias domains
 * @param quota        default quotas, over-quota action and warning threshold
 * @param admin        the metrics and health listener
 * @param effective    every key's effective value as text, for {@code dirmail config}
 */
public record DirmailConfig(
        String hostname,
        Path dataDir,
        Path queueDir,
        Path mailRoot,
        Set<String> localDomains,
        ResolutionRules addresses,
        SmtpConfig smtp,
        TlsConfig tls,
        AuthConfig auth,
        Pop3Config pop3,
        ClusterConfig cluster,
        LdapConfig ldap,
        DeliveryConfig delivery,
        RemoteConfig remote,
        QuotaPolicy quota,
        AdminConfig admin,
        Map<String, String> effective) {

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
        return new ConfigBuilder(settings).build();
    }

    public DirmailConfig {
        effective = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(effective));
    }
}
