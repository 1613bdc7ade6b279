package org.dirmail.mta.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** admin_listen: loopback by default, "none" or empty turns it off, a bad value stops the start. */
class AdminConfigTest {

    @Test
    void listensOnLoopbackByDefault() throws Exception {
        assertThat(DirmailConfig.load(null, List.of()).admin().listen()).hasValue(new HostPort("127.0.0.1", 9025));
    }

    @Test
    void noneOrEmptyTurnsItOff() throws Exception {
        assertThat(DirmailConfig.load(null, List.of("admin_listen=none")).admin().listen()).isEmpty();
        assertThat(DirmailConfig.load(null, List.of("admin_listen= NONE ")).admin().listen()).isEmpty();
        assertThat(DirmailConfig.load(null, List.of("admin_listen=")).admin().listen()).isEmpty();
    }

    @Test
    void aBadValueNamesTheKey() {
        assertThatThrownBy(() -> DirmailConfig.load(null, List.of("admin_listen=nowhere")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("admin_listen");
    }
}
