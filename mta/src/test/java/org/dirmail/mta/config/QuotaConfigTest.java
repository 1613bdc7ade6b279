package org.dirmail.mta.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.dirmail.mta.quota.QuotaLimits;
import org.dirmail.mta.quota.QuotaPolicy;
import org.junit.jupiter.api.Test;

/** The quota keys: defaults as qmail-ldap (unlimited, bounce), and the values they refuse. */
class QuotaConfigTest {

    @Test
    void defaultsAreUnlimitedBounceAndWarnAt80() throws Exception {
        assertThat(DirmailConfig.load(null, List.of()).quota()).isEqualTo(QuotaPolicy.DEFAULT);
    }

    @Test
    void everyKeyIsRead() throws Exception {
        QuotaPolicy quota = DirmailConfig.load(null, List.of("default_quota_size=1048576", "default_quota_count=500",
                "quota_exceeded=Defer", "quota_warning_percent=0")).quota();
        assertThat(quota).isEqualTo(new QuotaPolicy(new QuotaLimits(1_048_576, 500), false, 0));
        assertThat(quota.warns(100)).isFalse();
    }

    @Test
    void badValuesAreRefusedWithTheirKey() {
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("quota_exceeded=drop")))
                .hasMessageContaining("quota_exceeded: expected one of bounce, defer, got 'drop'");
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("quota_warning_percent=101")))
                .hasMessageContaining("quota_warning_percent: expected a percentage from 0 to 100");
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("default_quota_size=-1")))
                .hasMessageContaining("default_quota_size: expected a non-negative integer");
    }
}
