package org.dirmail.mta.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.dirmail.mta.config.ConfigKey;
import org.dirmail.mta.config.DirmailConfig;
import org.junit.jupiter.api.Test;

class ReloadPlanTest {

    private static DirmailConfig config(String... overrides) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("hostname=mx.test.example"));
        all.addAll(List.of(overrides));
        return DirmailConfig.load(null, all);
    }

    @Test
    void liveKeysAreAppliedAndOthersNamedAsNeedingARestart() throws Exception {
        DirmailConfig started = config();
        ReloadPlan plan = ReloadPlan.between(started, started,
                config("relay_networks=10.0.0.0/8", "ldap_pool_size=2", "smtp_listen=127.0.0.1:2626"));

        assertThat(plan.live()).containsExactly(ConfigKey.SMTP_LISTEN, ConfigKey.RELAY_NETWORKS);
        assertThat(plan.restart()).containsExactly(ConfigKey.LDAP_POOL_SIZE);
        assertThat(plan.describe())
                .isEqualTo("changed smtp_listen, relay_networks; needs a restart: ldap_pool_size");
    }

    @Test
    void aRestartKeyIsNamedAgainUntilTheRestartButALiveKeyOnlyWhenItChanges() throws Exception {
        DirmailConfig started = config();
        DirmailConfig applied = config("ldap_pool_size=2", "smtp_max_errors=5");
        ReloadPlan plan = ReloadPlan.between(started, applied, config("ldap_pool_size=2", "smtp_max_errors=5"));

        assertThat(plan.live()).isEmpty();
        assertThat(plan.restart()).containsExactly(ConfigKey.LDAP_POOL_SIZE);
    }

    @Test
    void nothingChangedSaysSo() throws Exception {
        DirmailConfig started = config();
        assertThat(ReloadPlan.between(started, started, config()).describe()).isEqualTo("no setting changed");
    }
}
