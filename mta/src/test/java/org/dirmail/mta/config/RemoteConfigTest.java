package org.dirmail.mta.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.dirmail.mta.remote.RelayCredentials;
import org.dirmail.mta.remote.RemoteTimeouts;
import org.dirmail.mta.remote.RemoteTlsPolicy;
import org.dirmail.mta.remote.Route;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The remote delivery keys: routes, relayhost, its credentials file, DNS servers, TLS policy. */
class RemoteConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreMxDeliveryWithOpportunisticTlsAndRfcTimeouts() throws Exception {
        RemoteConfig remote = DirmailConfig.load(null, List.of()).remote();
        assertThat(remote.dns().servers()).isEmpty();
        assertThat(remote.smtpPort()).isEqualTo(25);
        assertThat(remote.tlsPolicy()).isEqualTo(RemoteTlsPolicy.MAY);
        assertThat(remote.timeouts()).isEqualTo(RemoteTimeouts.RFC_5321);
        assertThat(remote.routes().lookup("example.net")).isEqualTo(Route.DIRECT);
        assertThat(remote.relayCredentials()).isEmpty();
    }

    @Test
    void routesResolversAndPolicies() throws Exception {
        RemoteConfig remote = DirmailConfig.load(null, List.of(
                "transport_routes=example.net:[mx.example.net]:2525, .sub.example:relay.example:587",
                "relayhost=[smtp.provider.example]:587",
                "dns_resolvers=127.0.0.1:5353 [::1]:53 192.0.2.1",
                "remote_tls_policy_map=example.net:verify, .bank.example:encrypt",
                "remote_data_done_timeout=1m")).remote();
        assertThat(remote.routes().lookup("example.net")).isEqualTo(new Route("mx.example.net", 2525, false, false));
        assertThat(remote.routes().lookup("other.example")).isEqualTo(new Route("smtp.provider.example", 587, false, true));
        assertThat(remote.dns().servers()).containsExactly(new InetSocketAddress("127.0.0.1", 5353),
                new InetSocketAddress("::1", 53), new InetSocketAddress("192.0.2.1", 53));
        assertThat(remote.tlsPolicies().lookup("www.bank.example")).contains(RemoteTlsPolicy.ENCRYPT);
        assertThat(remote.timeouts().dataDone()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void theCredentialsFileMustBePrivateAndNeedsARelayhost() throws Exception {
        Path file = dir.resolve("relay.auth");
        Files.writeString(file, "dirmail@example.com:pass:with:colons\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("relayhost=[relay.example]", "relayhost_auth_file=" + file)))
                .hasMessageContaining("relayhost_auth_file").hasMessageContaining("chmod 600");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        RemoteConfig remote = DirmailConfig.load(null, List.of("relayhost=[relay.example]",
                "relayhost_auth_file=" + file)).remote();
        assertThat(remote.relayCredentials()).contains(new RelayCredentials("dirmail@example.com", "pass:with:colons"));
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("relayhost_auth_file=" + file)))
                .hasMessageContaining("relayhost_auth_file: needs relayhost");
        assertThat(DirmailConfig.load(null, List.of("relayhost=[relay.example]", "relayhost_auth_file=" + file))
                .effective().get("relayhost_auth_file")).isEqualTo(file.toString());
        assertThat(Optional.of(remote.relayCredentials().get().toString())).get().asString().doesNotContain("colons");
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("remote_tls_policy=sometimes")))
                .hasMessageContaining("remote_tls_policy: expected none, may, encrypt or verify");
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("dns_resolvers=dns.example")))
                .hasMessageContaining("dns_resolvers: expected an IP address");
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("transport_routes=example.net")))
                .hasMessageContaining("transport_routes: expected domain:host[:port]");
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("remote_smtp_port=0")))
                .hasMessageContaining("remote_smtp_port");
    }
}
