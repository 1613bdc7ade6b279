package org.dirmail.directory.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
        assertThat(settings.tls()).isEqualTo(LdapTls.NONE);
    }

    @Test
    void startTlsIsRefusedWithAnLdapsUrlAndKeptAcrossCopies() {
        LdapTls startTls = new LdapTls(true, Optional.of(Path.of("/etc/dirmail/ldap-ca.pem")));
        LdapSettings plain = LdapSettings.defaults(List.of("ldap://ldap1.example.com"), "", "", "");

        assertThatThrownBy(() -> LdapSettings.defaults(URLS, "", "", "").withTls(startTls))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("starttls").hasMessageContaining("ldaps://ldap2.example.com");
        assertThat(plain.withTls(startTls).withPool(2, Duration.ofSeconds(1), Duration.ofSeconds(1))
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)).withObjectClass("").tls())
                .isEqualTo(startTls);
        assertThat(startTls.trustSource()).isEqualTo("ldap_tls_ca_file /etc/dirmail/ldap-ca.pem");
        assertThat(LdapTls.NONE.trustSource()).isEqualTo("the JVM trust store");
    }

    @Test
    void anUnreadableCaFileStopsTheOpenNamingTheFile() {
        LdapSettings settings = LdapSettings.defaults(List.of("ldaps://ldap1.example.com"), "", "", "")
                .withTls(new LdapTls(false, Optional.of(Path.of("/nonexistent/ldap-ca.pem"))));

        assertThatThrownBy(() -> LdapDirectory.open(settings))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("/nonexistent/ldap-ca.pem");
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
