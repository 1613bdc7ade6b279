package org.dirmail.mta.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;

/** RFC 5321 5.1 and RFC 7505 against a fake resolver on 127.0.0.1: no query leaves the machine. */
class MxResolverTest {

    private FakeDnsServer dns;
    private MxResolver resolver;

    @BeforeEach
    void start() throws Exception {
        dns = FakeDnsServer.start();
        resolver = MxResolver.create(dns.settings(Duration.ofMillis(500)));
    }

    @AfterEach
    void stop() throws Exception {
        dns.close();
    }

    @Test
    void mxHostsComeInPreferenceOrderWithAllTheirAddresses() throws Exception {
        dns.mx("example.net", 20, "mx2.example.net").mx("example.net", 10, "mx1.example.net")
                .a("mx2.example.net", "127.0.0.1").a("mx1.example.net", "127.0.0.1")
                .aaaa("mx1.example.net", "::1");
        assertThat(hosts(resolver.resolveMx("example.net")))
                .containsExactly("mx1.example.net[127.0.0.1]", "mx1.example.net[0:0:0:0:0:0:0:1]", "mx2.example.net[127.0.0.1]");
    }

    @Test
    void equalPreferencesAreTriedInRandomOrder() throws Exception {
        dns.mx("example.net", 10, "a.example.net").mx("example.net", 10, "b.example.net")
                .a("a.example.net", "127.0.0.1").a("b.example.net", "127.0.0.1");
        Set<String> firsts = new HashSet<>();
        for (int i = 0; i < 40 && firsts.size() < 2; i++) {
            firsts.add(hosts(resolver.resolveMx("example.net")).get(0));
        }
        assertThat(firsts).hasSize(2);
    }

    @Test
    void noMxMeansTheDomainItselfWithPreferenceZero() throws Exception {
        dns.a("example.org", "127.0.0.1");
        MxAnswer answer = get(resolver.resolveMx("example.org"));
        assertThat(answer).isInstanceOf(MxAnswer.Targets.class);
        MailTarget target = ((MxAnswer.Targets) answer).targets().get(0);
        assertThat(target.hostname()).isEqualTo("example.org");
        assertThat(target.preference()).isZero();
    }

    @Test
    void nullMxIsPermanent5110() throws Exception {
        dns.mx("nomail.example", 0, ".");
        assertThat(get(resolver.resolveMx("nomail.example")))
                .isEqualTo(new MxAnswer.PermFail("5.1.10", "domain nomail.example accepts no mail (null MX, RFC 7505)"));
    }

    @Test
    void nxdomainIsPermanent512() throws Exception {
        MxAnswer answer = get(resolver.resolveMx("nowhere.example"));
        assertThat(answer).isInstanceOf(MxAnswer.PermFail.class);
        assertThat(((MxAnswer.PermFail) answer).enhanced()).isEqualTo("5.1.2");
    }

    @Test
    void servfailIsTemporary443() throws Exception {
        dns.rcode("broken.example", Rcode.SERVFAIL);
        MxAnswer answer = get(resolver.resolveMx("broken.example"));
        assertThat(answer).isInstanceOf(MxAnswer.TempFail.class);
        assertThat(((MxAnswer.TempFail) answer).enhanced()).isEqualTo("4.4.3");
        assertThat(((MxAnswer.TempFail) answer).text()).contains("SERVFAIL");
    }

    @Test
    void aTimeoutIsTemporary() throws Exception {
        dns.silent("slow.example");
        assertThat(get(resolver.resolveMx("slow.example"))).isInstanceOf(MxAnswer.TempFail.class);
    }

    @Test
    void anMxPointingAtACnameOrAnAddressIsFollowed() throws Exception {
        dns.mx("example.net", 10, "alias.example.net").cname("alias.example.net", "real.example.net")
                .a("real.example.net", "127.0.0.1").mx("example.net", 20, "127.0.0.1");
        assertThat(hosts(resolver.resolveMx("example.net")))
                .containsExactly("alias.example.net[127.0.0.1]", "127.0.0.1[127.0.0.1]");
    }

    @Test
    void mxHostsWithoutAddressesArePermanentButAFailedLookupIsNot() throws Exception {
        dns.mx("example.net", 10, "gone.example.net");
        MxAnswer none = get(resolver.resolveMx("example.net"));
        assertThat(none).isInstanceOf(MxAnswer.PermFail.class);
        assertThat(((MxAnswer.PermFail) none).enhanced()).isEqualTo("5.4.4");

        dns.mx("example.com", 10, "gone.example.com").mx("example.com", 20, "sick.example.com")
                .rcode("sick.example.com", Rcode.SERVFAIL);
        assertThat(get(resolver.resolveMx("example.com"))).isInstanceOf(MxAnswer.TempFail.class);
    }

    @Test
    void aHostileDomainIsRefusedWithoutAQuery() throws Exception {
        MxAnswer answer = get(resolver.resolveMx("bad domain\r\n.example"));
        assertThat(answer).isInstanceOf(MxAnswer.PermFail.class);
        assertThat(dns.queries()).isEmpty();
    }

    @Test
    void unusableAddressesAreDropped() throws Exception {
        dns.mx("example.net", 10, "mx.example.net").a("mx.example.net", "0.0.0.0").a("mx.example.net", "127.0.0.1");
        assertThat(hosts(resolver.resolveMx("example.net"))).containsExactly("mx.example.net[127.0.0.1]");
    }

    private static MxAnswer get(java.util.concurrent.CompletionStage<MxAnswer> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static List<String> hosts(java.util.concurrent.CompletionStage<MxAnswer> stage) throws Exception {
        MxAnswer answer = get(stage);
        assertThat(answer).isInstanceOf(MxAnswer.Targets.class);
        return ((MxAnswer.Targets) answer).targets().stream().map(MailTarget::toString).toList();
    }
}
