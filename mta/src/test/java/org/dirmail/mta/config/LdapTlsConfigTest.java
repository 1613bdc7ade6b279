package org.dirmail.mta.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.dirmail.directory.ldap.LdapSettings;
import org.dirmail.directory.ldap.LdapTls;
import org.dirmail.mta.server.DirectoryAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ldap_starttls and ldap_tls_ca_file: validated at load, each error naming the key, and passed to the LDAP pool. */
class LdapTlsConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreNoStartTlsAndTheJvmTrustStore() throws Exception {
        DirmailConfig config = DirmailConfig.load(null, List.of());

        assertThat(config.ldap().startTls()).isFalse();
        assertThat(config.ldap().tlsCaFile()).isEmpty();
        assertThat(config.effective()).containsEntry("ldap_starttls", "no").containsEntry("ldap_tls_ca_file", "");
    }

    @Test
    void startTlsAndTheCaFileReachTheLdapSettings() throws Exception {
        Path ca = Files.writeString(dir.resolve("corp-ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        Path password = Files.writeString(dir.resolve("ldap.pw"), "secret\n");
        DirmailConfig config = DirmailConfig.load(null, List.of("embedded_directory=no",
                "ldap_urls=ldap://ldap1.corp.example ldap://ldap2.corp.example", "ldap_starttls=yes",
                "ldap_tls_ca_file=" + ca, "ldap_bind_dn=cn=dirmail,dc=corp,dc=example",
                "ldap_bind_password_file=" + password));

        LdapSettings settings = DirectoryAccess.settings(config, null);

        assertThat(settings.tls()).isEqualTo(new LdapTls(true, Optional.of(ca)));
        assertThat(settings.withPool(2, settings.healthCheckInterval(), settings.maxConnectionAge()).tls())
                .as("the AUTH bind pool").isEqualTo(settings.tls());
    }

    @Test
    void startTlsWithAnLdapsUrlIsRefused() {
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("embedded_directory=no",
                "ldap_urls=ldap://ldap1.corp.example ldaps://ldap2.corp.example", "ldap_starttls=yes")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ldap_starttls: cannot be combined with the ldaps:// URL")
                .hasMessageContaining("ldaps://ldap2.corp.example");
    }

    @Test
    void aMissingCaFileNamesTheKeyAndTheFile() {
        Path missing = dir.resolve("no-such-ca.pem");

        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("embedded_directory=no",
                "ldap_urls=ldaps://ldap1.corp.example", "ldap_tls_ca_file=" + missing)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ldap_tls_ca_file").hasMessageContaining(missing.toString());
    }

    @Test
    void tlsKeysWithoutLdapUrlsAreRefused() {
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("ldap_starttls=yes")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ldap_starttls: needs ldap_urls");
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("ldap_starttls=maybe")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ldap_starttls: expected yes or no");
    }
}
