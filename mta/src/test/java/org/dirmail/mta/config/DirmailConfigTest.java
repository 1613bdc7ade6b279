package org.dirmail.mta.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dirmail.mta.pop3.Pop3ProxySettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirmailConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreTheEmbeddedDefault() throws Exception {
        DirmailConfig c = DirmailConfig.load(null, List.of());
        assertThat(c.ldap().embedded()).isTrue();
        assertThat(c.smtp().listen()).isEqualTo(new HostPort("127.0.0.1", 2525));
        assertThat(c.ldap().embeddedListen()).isEqualTo(new HostPort("127.0.0.1", 10389));
        assertThat(c.queueDir()).isEqualTo(Path.of("./var/queue"));
        assertThat(c.mailRoot()).isEqualTo(Path.of("./var/mail"));
        assertThat(c.localDomains()).containsExactly("example.com", "example.org");
        assertThat(c.smtp().messageSizeLimit()).isEqualTo(10_240_000);
        assertThat(c.smtp().idleTimeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void fileThenCommandLineOverrides() throws Exception {
        Path file = write("# comment\n\nsmtp_listen = 0.0.0.0:25\nlocal_domains = Corp.Example, other.example\n"
                + "ldap_connect_timeout = 500ms\n");
        DirmailConfig c = DirmailConfig.load(file, List.of("data_dir=/srv/dirmail", "smtp_listen=[::1]:2525"));
        assertThat(c.smtp().listen()).isEqualTo(new HostPort("::1", 2525));
        assertThat(c.localDomains()).containsExactly("corp.example", "other.example");
        assertThat(c.ldap().connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.queueDir()).isEqualTo(Path.of("/srv/dirmail/queue"));
    }

    @Test
    void thisNodeIsTheHostnameAndTheClusterHosts() throws Exception {
        DirmailConfig c = DirmailConfig.load(null,
                List.of("hostname=Node1.Example", "cluster_hosts=mx1.example, pop1.example"));
        assertThat(c.cluster().nodeNames()).containsExactlyInAnyOrder("node1.example", "mx1.example", "pop1.example");
        assertThat(c.cluster().pop3Proxy()).isTrue();
        assertThat(c.cluster().pop3ProxyPort()).isEqualTo(110);
        assertThat(c.cluster().pop3ProxyTls()).isEqualTo(Pop3ProxySettings.Tls.MAY);
        assertThat(c.cluster().pop3ProxyCaFile()).isEmpty();

        DirmailConfig off = DirmailConfig.load(null, List.of("pop3_proxy=no", "pop3_proxy_tls=encrypt",
                "pop3_proxy_port=1110", "pop3_proxy_ca_file=/etc/dirmail/cluster-ca.pem"));
        assertThat(off.cluster().pop3Proxy()).isFalse();
        assertThat(off.cluster().pop3ProxyTls()).isEqualTo(Pop3ProxySettings.Tls.ENCRYPT);
        assertThat(off.cluster().pop3ProxyPort()).isEqualTo(1110);
        assertThat(off.cluster().pop3ProxyCaFile()).contains(Path.of("/etc/dirmail/cluster-ca.pem"));

        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("pop3_proxy_port=70000")))
                .hasMessageContaining("pop3_proxy_port: '70000' is not a TCP port");
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("pop3_proxy_tls=always")))
                .hasMessageContaining("pop3_proxy_tls: expected one of may, encrypt, none");
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("cluster_hosts=bad_name!")))
                .hasMessageContaining("cluster_hosts");
    }

    @Test
    void unknownKeyNamesFileLineAndKey() throws Exception {
        Path file = write("hostname = mx.example.com\nsmtpd_banner = hi\n");
        assertThatThrownBy(() -> DirmailConfig.load(file, List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(file + ":2: unknown key 'smtpd_banner'");
    }

    @Test
    void badValueNamesFileLineAndKey() throws Exception {
        Path file = write("\n\nmessage_size_limit = ten megs\n");
        assertThatThrownBy(() -> DirmailConfig.load(file, List.of()))
                .hasMessage(file + ":3: message_size_limit: expected a non-negative integer, got 'ten megs'");
    }

    @Test
    void otherBadValues() {
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("smtp_listen=localhost")))
                .hasMessageContaining("command line: smtp_listen: expected host:port");
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("ldap_urls=http://x")))
                .hasMessageContaining("ldap_urls: 'http://x' is not an LDAP URL");
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("embedded_directory=maybe")))
                .hasMessageContaining("embedded_directory: expected yes or no");
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("embedded_directory=no")))
                .hasMessageContaining("ldap_urls: required when embedded_directory = no");
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("local_domains=exa mple..com")))
                .hasMessageContaining("local_domains: 'mple..com' is not a domain name");
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("ldap_response_timeout=0s")))
                .hasMessageContaining("ldap_response_timeout: must be greater than zero");
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("nonsense")))
                .hasMessageContaining("unknown or malformed setting 'nonsense'");
    }

    @Test
    void listenersTlsAuthAndRelaySettings() throws Exception {
        DirmailConfig c = DirmailConfig.load(null, List.of("submission_listen=", "relay_networks=10.0.0.0/8, ::1",
                "auth_method=compare", "auth_login_lookup=uid", "tls_cert_file=/etc/c.pem", "tls_key_file=/etc/k.pem",
                "tls_sni_certificates=mail.example.org:/etc/o.pem:/etc/o.key"));
        assertThat(c.smtp().submissionListen()).isEmpty();
        assertThat(c.smtp().smtpsListen()).contains(new HostPort("127.0.0.1", 2465));
        assertThat(c.smtp().relayNetworks()).containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1"));
        assertThat(c.auth().method()).isEqualTo(org.dirmail.directory.auth.AuthMethod.COMPARE);
        assertThat(c.auth().loginLookup()).isEqualTo(org.dirmail.directory.auth.LoginLookup.UID);
        assertThat(c.tls().sniCertificates()).containsExactly(
                new TlsConfig.SniCertificate("mail.example.org", Path.of("/etc/o.pem"), Path.of("/etc/o.key")));
        assertThat(c.pop3().listen()).contains(new HostPort("127.0.0.1", 2110));

        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("tls_cert_file=/etc/c.pem")))
                .hasMessageContaining("tls_key_file: tls_cert_file and tls_key_file must be set together");
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("auth_method=guess")))
                .hasMessageContaining("auth_method: expected one of bind, compare, got 'guess'");
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("relay_networks=intranet")))
                .hasMessageContaining("relay_networks: 'intranet' is not a network in CIDR notation");
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("pop3_idle_timeout=1m")))
                .hasMessageContaining("pop3_idle_timeout: RFC 1939 requires at least 10m");
    }

    @Test
    void effectiveConfigurationShowsDerivedValues() throws Exception {
        DirmailConfig c = DirmailConfig.load(null, List.of("data_dir=/srv/d", "hostname=mx.example.com"));
        assertThat(c.effective()).containsEntry("queue_dir", "/srv/d/queue").containsEntry("hostname", "mx.example.com")
                .containsEntry("smtp_listen", "127.0.0.1:2525").hasSize(ConfigKey.values().length);
    }

    @Test
    void readmeConfigurationReferenceNamesEveryKey() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String reference = readme.substring(readme.indexOf("## Configuration reference"));
        for (ConfigKey key : ConfigKey.values()) {
            assertThat(reference).as("README documents %s", key.key()).contains("`" + key.key() + "`");
        }
    }

    @Test
    void repeatedKeyIsAnError() throws Exception {
        Path file = write("hostname = a.example\nhostname = b.example\n");
        assertThatThrownBy(() -> DirmailConfig.load(file, List.of()))
                .hasMessage(file + ":2: key 'hostname' already set at " + file + ":1");
    }

    @Test
    void shippedConfigDocumentsEveryKeyWithItsDefault() throws Exception {
        Path shipped = Path.of("..", "conf", "dirmail.conf");
        String text = Files.readString(shipped);
        for (ConfigKey key : ConfigKey.values()) {
            Matcher m = Pattern.compile("(?m)^#" + key.key() + " =(.*)$").matcher(text);
            assertThat(m.find()).as("conf/dirmail.conf documents %s", key.key()).isTrue();
            assertThat(m.group(1).strip()).as("documented default of %s", key.key()).isEqualTo(key.defaultValue());
        }
        // And the shipped file itself loads (every line is a comment or valid).
        assertThat(DirmailConfig.load(shipped, List.of()).ldap().embedded()).isTrue();
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("dirmail.conf");
        Files.writeString(file, text);
        return file;
    }
}
