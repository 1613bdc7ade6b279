package org.dirmail.directory.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Settings are validated once, and each error names the setting. */
class LdapSettingsTest {

    private static final List<String> URLS = List.of("ldap://127.0.0.1:10389", "ldaps://ldap2.example.com");

    @Test
    void defaults() {
        LdapSettings settings = LdapSettings.defaults(URLS, "", "", "dc=example,dc=com");

        assertThat(settings.objectClass()).isEqualTo("qmailUser");
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.responseTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.poolSize()).isEqualTo(8);
        assertThat(settings.healthCheckInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.maxConnectionAge()).isEqualTo(Duration.ofMinutes(15));
        assertThat(settings.authenticated()).isFalse();
    }

    @Test
    void rejectsBadValuesNamingTheSetting() {
        assertThatThrownBy(() -> LdapSettings.defaults(List.of(), "", "", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("urls");
        assertThatThrownBy(() -> LdapSettings.defaults(List.of("http://x"), "", "", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("urls");
        assertThatThrownBy(() -> LdapSettings.defaults(List.of("ldap:///"), "", "", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no host");
        assertThatThrownBy(() -> LdapSettings.defaults(URLS, "not a dn", "pw", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bindDn");
        assertThatThrownBy(() -> LdapSettings.defaults(URLS, "uid=admin,ou=system", "", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bindPassword");
        LdapSettings ok = LdapSettings.defaults(URLS, "", "", "");
        assertThatThrownBy(() -> ok.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> ok.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("responseTimeout");
        assertThatThrownBy(() -> ok.withPool(0, Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("poolSize");
        assertThatThrownBy(() -> ok.withPool(1, Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("healthCheckInterval");
    }

    @Test
    void toStringMasksThePassword() {
        LdapSettings settings = LdapSettings.defaults(URLS, "uid=admin,ou=system", "s3cret", "");

        assertThat(settings.toString()).doesNotContain("s3cret").contains("bindDn=uid=admin,ou=system");
    }
}
