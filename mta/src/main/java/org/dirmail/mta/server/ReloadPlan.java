package org.dirmail.mta.server;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.dirmail.mta.config.ConfigKey;
import org.dirmail.mta.config.DirmailConfig;

/**
 * Which keys a reload changes, split into those the running server applies at once (SMTP
 * listeners, limits and policy; server certificates) and those that need a restart (everything
 * that shaped the directory pools, the queue, delivery or POP3 at start). Compares effective
 * values only; the configs it is given are already validated.
 *
 * @param live    changed keys applied by the reload
 * @param restart changed keys that keep their running value until a restart
 */
record ReloadPlan(List<ConfigKey> live, List<ConfigKey> restart) {

    /** The keys a reload applies; README's "Reload" section lists the same. */
    static final Set<ConfigKey> LIVE = EnumSet.of(
            ConfigKey.SMTP_LISTEN, ConfigKey.SUBMISSION_LISTEN, ConfigKey.SMTPS_LISTEN,
            ConfigKey.MESSAGE_SIZE_LIMIT, ConfigKey.SMTP_MAX_RECIPIENTS, ConfigKey.SMTP_MAX_ERRORS,
            ConfigKey.SMTP_IDLE_TIMEOUT, ConfigKey.SMTP_DATA_TIMEOUT, ConfigKey.SMTP_GREETING_DELAY,
            ConfigKey.SMTP_MAX_CONNECTIONS, ConfigKey.SMTP_MAX_CONNECTIONS_PER_IP,
            ConfigKey.RELAY_NETWORKS, ConfigKey.SENDER_LOGIN_CHECK,
            ConfigKey.TLS_CERT_FILE, ConfigKey.TLS_KEY_FILE, ConfigKey.TLS_KEY_PASSPHRASE_FILE,
            ConfigKey.TLS_SNI_CERTIFICATES);

    ReloadPlan {
        live = List.copyOf(live);
        restart = List.copyOf(restart);
    }

    /**
     * @param started the configuration the server started with: a restart-only key differing
     *                from it is reported on every reload until the restart
     * @param applied the configuration of the last reload (or the start)
     * @param fresh   the configuration just read
     */
    static ReloadPlan between(DirmailConfig started, DirmailConfig applied, DirmailConfig fresh) {
        List<ConfigKey> live = new ArrayList<>();
        List<ConfigKey> restart = new ArrayList<>();
        for (ConfigKey key : ConfigKey.values()) {
            if (LIVE.contains(key)) {
                if (changed(applied, fresh, key)) {
                    live.add(key);
                }
            } else if (changed(started, fresh, key)) {
                restart.add(key);
            }
        }
        return new ReloadPlan(live, restart);
    }

    private static boolean changed(DirmailConfig before, DirmailConfig after, ConfigKey key) {
        return !Objects.equals(before.effective().get(key.key()), after.effective().get(key.key()));
    }

    /** "changed message_size_limit, relay_networks; needs a restart: ldap_urls", or "no changes". */
    String describe() {
        List<String> parts = new ArrayList<>();
        if (!live.isEmpty()) {
            parts.add("changed " + names(live));
        }
        if (!restart.isEmpty()) {
            parts.add("needs a restart: " + names(restart));
        }
        return parts.isEmpty() ? "no setting changed" : String.join("; ", parts);
    }

    private static String names(List<ConfigKey> keys) {
        return String.join(", ", keys.stream().map(ConfigKey::key).toList());
    }
}
