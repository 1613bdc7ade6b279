package org.dirmail.mta.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void matchesInsideThePrefixOnly() throws Exception {
        Cidr net = Cidr.parse("192.0.2.0/23");
        assertThat(net.contains(InetAddress.getByName("192.0.3.255"))).isTrue();
        assertThat(net.contains(InetAddress.getByName("192.0.4.0"))).isFalse();
        assertThat(net.contains(InetAddress.getByName("::ffff:1.2.3.4"))).isFalse();
        assertThat(Cidr.parse("2001:db8::/32").contains(InetAddress.getByName("2001:db8:1::5"))).isTrue();
        assertThat(Cidr.parse("2001:db8::/32").contains(InetAddress.getByName("192.0.2.1"))).isFalse();
        assertThat(Cidr.parse("127.0.0.1").contains(InetAddress.getByName("127.0.0.2"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("203.0.113.9"))).isTrue();
    }

    @Test
    void refusesNamesAndBadPrefixes() {
        for (String bad : new String[] {"example.com", "10.0.0.0/33", "10.0.0.0/x", "::/129", "1.2.3.4/-1", "12"}) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
