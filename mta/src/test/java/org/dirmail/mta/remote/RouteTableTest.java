package org.dirmail.mta.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Static routes, suffixes and the relayhost, as qmail's smtproutes and Postfix's transport. */
class RouteTableTest {

    private final RouteTable table = RouteTable.parse(
            List.of("example.net:[mx.example.net]:2525", ".sub.example:relay.example:587", "direct.example:",
                    "v6.example:[2001:db8::25]"),
            "[smtp.provider.example]:587");

    @Test
    void exactSuffixRelayhostAndExemption() {
        assertThat(table.lookup("example.net")).isEqualTo(new Route("mx.example.net", 2525, false, false));
        assertThat(table.lookup("a.b.sub.example")).isEqualTo(new Route("relay.example", 587, true, false));
        assertThat(table.lookup("sub.example")).isEqualTo(new Route("smtp.provider.example", 587, false, true));
        assertThat(table.lookup("direct.example")).isEqualTo(Route.DIRECT);
        assertThat(table.lookup("v6.example")).isEqualTo(new Route("2001:db8::25", 0, false, false));
        assertThat(RouteTable.direct().lookup("anything.example")).isEqualTo(Route.DIRECT);
    }

    @Test
    void badRoutesAreRefused() {
        for (String bad : List.of("example.net", "exa mple:host", "example.net:host:99999", "example.net:[host",
                "x..y:host")) {
            assertThatThrownBy(() -> RouteTable.parse(List.of(bad), "")).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> RouteTable.parse(List.of("a.example:x", "a.example:y"), ""))
                .hasMessageContaining("routed twice");
    }

    @Test
    void credentialsRaiseTheRelayhostToEncrypt() {
        RemoteSettings settings = new RemoteSettings("me.example", 25, RemoteTimeouts.RFC_5321, table, RemoteTlsPolicy.MAY,
                DomainMap.of(java.util.Map.of(".bank.example", RemoteTlsPolicy.VERIFY)), Optional.empty(),
                Optional.of(new RelayCredentials("u", "p")));
        assertThat(settings.policyFor("far.example", table.lookup("far.example"))).isEqualTo(RemoteTlsPolicy.ENCRYPT);
        assertThat(settings.policyFor("example.net", table.lookup("example.net"))).isEqualTo(RemoteTlsPolicy.MAY);
        assertThat(settings.policyFor("www.bank.example", table.lookup("www.bank.example"))).isEqualTo(RemoteTlsPolicy.VERIFY);
        assertThat(new RelayCredentials("u", "p").toString()).doesNotContain("p]").contains("***");
    }
}
