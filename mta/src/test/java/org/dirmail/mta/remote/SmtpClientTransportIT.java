package org.dirmail.mta.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.dirmail.mta.dns.FakeDnsServer;
import org.dirmail.mta.dns.MxResolver;
import org.dirmail.tls.ServerTls;
import org.dirmail.tls.TlsSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;

/**
 * The SMTP client end to end: a fake resolver and scripted SMTP destinations, all on 127.0.0.1
 * (the refused "first MX" is 127.0.0.2, also loopback, where nothing listens).
 */
class SmtpClientTransportIT {

    private static final byte[] MESSAGE = "Subject: hi\r\n\r\nHello.\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final RemoteTimeouts FAST = new RemoteTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3),
            Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(3));

    @TempDir
    Path dir;
    private FakeDnsServer dns;
    private FakeSmtpServer smtp;
    private SmtpClientTransport transport;
    private ServerTls serverTls;

    @BeforeEach
    void start() throws Exception {
        dns = FakeDnsServer.start();
        smtp = FakeSmtpServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (transport != null) {
            transport.close();
        }
        if (serverTls != null) {
            serverTls.close();
        }
        smtp.close();
        dns.close();
    }

    @Test
    void theBestMxRefusesSoTheNextOneGetsTheMessage() throws Exception {
        dns.mx("example.net", 20, "mx2.example.net").mx("example.net", 10, "mx1.example.net")
                .a("mx1.example.net", "127.0.0.2").a("mx2.example.net", "127.0.0.1");
        RemoteResult result = deliver(transport(RemoteTlsPolicy.MAY), tx("example.net", "a@example.net", "b@example.net"));
        assertThat(result.remoteMta()).isEqualTo("mx2.example.net[127.0.0.1]:" + smtp.port());
        assertThat(result.perRecipient().values()).allSatisfy(s -> assertThat(s).isInstanceOf(RecipientStatus.Delivered.class));
        assertThat(smtp.sessions).hasSize(1);
        assertThat(smtp.sessions.get(0).commands).contains("MAIL FROM:<sender@example.com> SIZE=" + MESSAGE.length,
                "RCPT TO:<a@example.net>", "RCPT TO:<b@example.net>", "DATA");
        awaitCommand(smtp.sessions.get(0), "QUIT"); // the result comes first, then the polite QUIT
    }

    @Test
    void withoutMxTheDomainsOwnAddressIsUsed() throws Exception {
        dns.a("example.org", "127.0.0.1");
        RemoteResult result = deliver(transport(RemoteTlsPolicy.MAY), tx("example.org", "a@example.org"));
        assertThat(result.remoteMta()).isEqualTo("example.org[127.0.0.1]:" + smtp.port());
        assertThat(result.perRecipient().get("a@example.org")).isInstanceOf(RecipientStatus.Delivered.class);
    }

    @Test
    void dnsDecidesWithoutConnecting() throws Exception {
        dns.mx("nomail.example", 0, ".").rcode("broken.example", Rcode.SERVFAIL);
        SmtpClientTransport t = transport(RemoteTlsPolicy.MAY);
        assertThat(deliver(t, tx("nomail.example", "a@nomail.example")).perRecipient().get("a@nomail.example"))
                .isEqualTo(new RecipientStatus.Failed(556, "5.1.10",
                        "domain nomail.example accepts no mail (null MX, RFC 7505)"));
        RecipientStatus nx = deliver(t, tx("nowhere.example", "a@nowhere.example")).perRecipient().get("a@nowhere.example");
        assertThat(nx).isInstanceOf(RecipientStatus.Failed.class);
        assertThat(nx.enhanced()).isEqualTo("5.1.2");
        RecipientStatus servfail = deliver(t, tx("broken.example", "a@broken.example")).perRecipient().get("a@broken.example");
        assertThat(servfail).isInstanceOf(RecipientStatus.Deferred.class);
        assertThat(servfail.enhanced()).isEqualTo("4.4.3");
        assertThat(smtp.sessions).isEmpty();
    }

    @Test
    void aBusyGreetingMovesOnToTheNextMx() throws Exception {
        dns.mx("example.net", 10, "mx1.example.net").mx("example.net", 20, "mx2.example.net")
                .a("mx1.example.net", "127.0.0.1").a("mx2.example.net", "127.0.0.1");
        smtp.greeting = n -> n == 0 ? "421 4.3.2 Too busy" : "220 fake.example ESMTP";
        RemoteResult result = deliver(transport(RemoteTlsPolicy.MAY), tx("example.net", "a@example.net"));
        assertThat(result.remoteMta()).startsWith("mx2.example.net[127.0.0.1]");
        assertThat(result.perRecipient().get("a@example.net")).isInstanceOf(RecipientStatus.Delivered.class);
        assertThat(smtp.sessions.get(0).commands).containsExactly("QUIT");
    }

    @Test
    void oneRecipientRefusedTheOtherDelivered() throws Exception {
        dns.a("example.net", "127.0.0.1");
        smtp.rcptReply = rcpt -> rcpt.startsWith("nobody") ? "550 5.1.1 <" + rcpt + ">: Recipient address rejected"
                : "250 2.1.5 Ok";
        RemoteResult result = deliver(transport(RemoteTlsPolicy.MAY), tx("example.net", "nobody@example.net", "a@example.net"));
        RecipientStatus refused = result.perRecipient().get("nobody@example.net");
        assertThat(refused).isInstanceOf(RecipientStatus.Failed.class);
        assertThat(refused.code()).isEqualTo(550);
        assertThat(refused.enhanced()).isEqualTo("5.1.1");
        assertThat(refused.text()).contains("Recipient address rejected");
        assertThat(result.perRecipient().get("a@example.net"))
                .isEqualTo(new RecipientStatus.Delivered(250, "2.0.0",
                        "example.net[127.0.0.1]:" + smtp.port() + " said: 250 2.0.0 Ok: queued as 4F2A"));
    }

    @Test
    void pipeliningSendsMailRcptAndDataInOneBatch() throws Exception {
        dns.a("example.net", "127.0.0.1");
        smtp.holdRepliesUntilData = true; // a client waiting for the MAIL reply would time out
        RemoteResult result = deliver(transport(RemoteTlsPolicy.MAY), tx("example.net", "a@example.net", "b@example.net"));
        assertThat(result.perRecipient().values()).allSatisfy(s -> assertThat(s).isInstanceOf(RecipientStatus.Delivered.class));
        assertThat(smtp.sessions.get(0).commandsBatchedBeforeReplies).isTrue();
    }

    @Test
    void withoutPipeliningOneCommandAtATimeAndHeloAfterARefusedEhlo() throws Exception {
        dns.a("example.net", "127.0.0.1");
        smtp.refuseEhlo = true;
        RemoteResult result = deliver(transport(RemoteTlsPolicy.MAY), tx("example.net", "a@example.net"));
        assertThat(result.perRecipient().get("a@example.net")).isInstanceOf(RecipientStatus.Delivered.class);
        // HELO means no extensions: no SIZE parameter either.
        assertThat(smtp.sessions.get(0).commands).containsSubsequence("EHLO client.example", "HELO client.example",
                "MAIL FROM:<sender@example.com>", "RCPT TO:<a@example.net>", "DATA");
    }

    @Test
    void aMessageOverTheServersSizeLimitFailsBeforeMail() throws Exception {
        dns.a("example.net", "127.0.0.1");
        smtp.extensions = List.of("PIPELINING", "SIZE 10");
        RecipientStatus s = deliver(transport(RemoteTlsPolicy.MAY), tx("example.net", "a@example.net"))
                .perRecipient().get("a@example.net");
        assertThat(s).isInstanceOf(RecipientStatus.Failed.class);
        assertThat(s.code()).isEqualTo(552);
        assertThat(s.enhanced()).isEqualTo("5.3.4");
        assertThat(smtp.sessions.get(0).commands).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    void replyToMailOrToTheDataAppliesToEveryone() throws Exception {
        dns.a("example.net", "127.0.0.1");
        smtp.mailReply = "451 4.3.0 Try later";
        RemoteResult deferred = deliver(transport(RemoteTlsPolicy.MAY), tx("example.net", "a@example.net", "b@example.net"));
        assertThat(deferred.perRecipient().values()).allSatisfy(s -> assertThat(s.enhanced()).isEqualTo("4.3.0"))
                .allSatisfy(s -> assertThat(s).isInstanceOf(RecipientStatus.Deferred.class));
        smtp.mailReply = "250 2.1.0 Ok";
        smtp.finalReply = "554 5.7.1 Spam";
        RemoteResult failed = deliver(transport, tx("example.net", "a@example.net", "b@example.net"));
        assertThat(failed.perRecipient().values()).allSatisfy(s -> assertThat(s).isInstanceOf(RecipientStatus.Failed.class));
    }

    @Test
    void dataIsDotStuffedAndCarriesNoBareLineEnds() throws Exception {
        dns.a("example.net", "127.0.0.1");
        byte[] message = "Subject: dots\r\n\r\n.leading dot\r\nbare\nLF and bare\rCR\r\n..two\r\n.\r\nno final CRLF"
                .getBytes(StandardCharsets.US_ASCII);
        RemoteResult result = deliver(transport(RemoteTlsPolicy.MAY),
                new RemoteTransaction("example.net", "sender@example.com", List.of("a@example.net"), message, "Q1"));
        assertThat(result.perRecipient().get("a@example.net")).isInstanceOf(RecipientStatus.Delivered.class);
        FakeSmtpServer.Session session = smtp.sessions.get(0);
        assertThat(new String(session.data, StandardCharsets.US_ASCII)).isEqualTo(
                "Subject: dots\r\n\r\n..leading dot\r\nbare\r\nLF and bare\r\nCR\r\n...two\r\n..\r\nno final CRLF\r\n.\r\n");
        assertThat(session.bareLineEnd).isFalse();
    }

    @Test
    void opportunisticTlsAcceptsASelfSignedCertificate() throws Exception {
        dns.mx("example.net", 10, "mx.example.org").a("mx.example.org", "127.0.0.1");
        smtp.tls = serverTls().sslContext();
        RemoteResult result = deliver(transport(RemoteTlsPolicy.MAY), tx("example.net", "a@example.net"));
        assertThat(result.perRecipient().get("a@example.net")).isInstanceOf(RecipientStatus.Delivered.class);
        FakeSmtpServer.Session session = smtp.sessions.get(0);
        assertThat(session.tls).isTrue();
        assertThat(session.commands).containsSubsequence("EHLO client.example", "STARTTLS", "EHLO client.example",
                "MAIL FROM:<sender@example.com> SIZE=" + MESSAGE.length);
    }

    @Test
    void aFailedHandshakeUnderMayIsRetriedInPlaintextButNotUnderEncrypt() throws Exception {
        dns.a("example.net", "127.0.0.1");
        smtp.brokenTls = true;
        RemoteResult result = deliver(transport(RemoteTlsPolicy.MAY), tx("example.net", "a@example.net"));
        assertThat(result.perRecipient().get("a@example.net")).isInstanceOf(RecipientStatus.Delivered.class);
        assertThat(smtp.sessions).hasSize(2);
        assertThat(smtp.sessions.get(0).commands).endsWith("STARTTLS");
        assertThat(smtp.sessions.get(1).commands).doesNotContain("STARTTLS").contains("DATA");
        transport.close();

        RecipientStatus s = deliver(transport(RemoteTlsPolicy.ENCRYPT), tx("example.net", "a@example.net"))
                .perRecipient().get("a@example.net");
        assertThat(s).isInstanceOf(RecipientStatus.Deferred.class);
        assertThat(s.enhanced()).isEqualTo("4.7.5");
        assertThat(smtp.sessions).hasSize(3);
    }

    @Test
    void verifyRefusesAnUntrustedCertificateAndAcceptsATrustedOne() throws Exception {
        dns.mx("example.net", 10, "mx.example.org").a("mx.example.org", "127.0.0.1");
        smtp.tls = serverTls().sslContext();
        RecipientStatus refused = deliver(transport(RemoteTlsPolicy.VERIFY), tx("example.net", "a@example.net"))
                .perRecipient().get("a@example.net");
        assertThat(refused).isInstanceOf(RecipientStatus.Deferred.class);
        assertThat(refused.enhanced()).isEqualTo("4.7.5");
        assertThat(smtp.sessions.get(0).commands).noneMatch(c -> c.startsWith("MAIL"));
        transport.close();

        transport = SmtpClientTransport.start(settings(RemoteTlsPolicy.VERIFY, RouteTable.direct(),
                Optional.of(dir.resolve("tls/cert.pem")), Optional.empty()), resolver());
        assertThat(deliver(transport, tx("example.net", "a@example.net")).perRecipient().get("a@example.net"))
                .isInstanceOf(RecipientStatus.Delivered.class);
    }

    @Test
    void encryptWithoutStarttlsDefers() throws Exception {
        dns.a("example.net", "127.0.0.1");
        RecipientStatus s = deliver(transport(RemoteTlsPolicy.ENCRYPT), tx("example.net", "a@example.net"))
                .perRecipient().get("a@example.net");
        assertThat(s).isInstanceOf(RecipientStatus.Deferred.class);
        assertThat(s.enhanced()).isEqualTo("4.7.4");
        assertThat(smtp.sessions.get(0).commands).noneMatch(c -> c.startsWith("MAIL"));
    }

    @Test
    void aStaticRouteSkipsTheMxLookup() throws Exception {
        dns.a("mx.example.net", "127.0.0.1");
        RouteTable routes = RouteTable.parse(List.of("example.net:[mx.example.net]:" + smtp.port()), "");
        // Port 1 for MX hosts: only the route's own port can work.
        transport = SmtpClientTransport.start(new RemoteSettings("client.example", 1, FAST, routes, RemoteTlsPolicy.MAY,
                DomainMap.empty(), Optional.empty(), Optional.empty()), resolver());
        RemoteResult result = deliver(transport, tx("example.net", "a@example.net"));
        assertThat(result.remoteMta()).isEqualTo("mx.example.net[127.0.0.1]:" + smtp.port());
        assertThat(dns.queries()).noneMatch(q -> q.endsWith("/MX"));
    }

    @Test
    void theSmarthostGetsAuthPlainOnlyAfterStarttls() throws Exception {
        dns.a("relay.example", "127.0.0.1");
        smtp.tls = serverTls().sslContext();
        smtp.authUser = "dirmail";
        smtp.authPassword = "s3cret";
        RouteTable routes = RouteTable.parse(List.of(), "[relay.example]:" + smtp.port());
        transport = SmtpClientTransport.start(settings(RemoteTlsPolicy.MAY, routes, Optional.empty(),
                Optional.of(new RelayCredentials("dirmail", "s3cret"))), resolver());
        RemoteResult result = deliver(transport, tx("far.example", "a@far.example"));
        assertThat(result.perRecipient().get("a@far.example")).isInstanceOf(RecipientStatus.Delivered.class);
        FakeSmtpServer.Session session = smtp.sessions.get(0);
        assertThat(session.authenticatedAs).isEqualTo("dirmail");
        assertThat(session.commands).containsSubsequence("STARTTLS", "EHLO client.example",
                "MAIL FROM:<sender@example.com> SIZE=" + MESSAGE.length);
        assertThat(session.commands.indexOf("STARTTLS")).isLessThan(indexOfPrefix(session.commands, "AUTH PLAIN"));

        // Without STARTTLS on offer the credentials stay home and the mail waits.
        smtp.tls = null;
        RecipientStatus s = deliver(transport, tx("far.example", "a@far.example")).perRecipient().get("a@far.example");
        assertThat(s).isInstanceOf(RecipientStatus.Deferred.class);
        assertThat(smtp.sessions.get(1).commands).noneMatch(c -> c.startsWith("AUTH"));
    }

    @Test
    void aSilentServerTimesOutAndDefers() throws Exception {
        dns.a("example.net", "127.0.0.1");
        smtp.greeting = n -> null;
        RecipientStatus s = deliver(transport(RemoteTlsPolicy.MAY), tx("example.net", "a@example.net"))
                .perRecipient().get("a@example.net");
        assertThat(s).isInstanceOf(RecipientStatus.Deferred.class);
        assertThat(s.text()).contains("timeout waiting for the reply to greeting");
    }

    @Test
    void anAddressLiteralNeedsNoDns() throws Exception {
        RemoteResult result = deliver(transport(RemoteTlsPolicy.MAY), tx("[127.0.0.1]", "a@[127.0.0.1]"));
        assertThat(result.perRecipient().get("a@[127.0.0.1]")).isInstanceOf(RecipientStatus.Delivered.class);
        assertThat(dns.queries()).isEmpty();
    }

    @Test
    void hostileAddressesNeverReachTheWire() throws Exception {
        dns.a("example.net", "127.0.0.1");
        RemoteResult result = deliver(transport(RemoteTlsPolicy.MAY),
                tx("example.net", "a@example.net", "b@example.net>\r\nRCPT TO:<c@example.net"));
        assertThat(result.perRecipient().get("b@example.net>\r\nRCPT TO:<c@example.net"))
                .isInstanceOf(RecipientStatus.Failed.class);
        assertThat(result.perRecipient().get("a@example.net")).isInstanceOf(RecipientStatus.Delivered.class);
        assertThat(smtp.sessions.get(0).commands).noneMatch(c -> c.contains("c@example.net"));
    }

    private SmtpClientTransport transport(RemoteTlsPolicy policy) throws Exception {
        transport = SmtpClientTransport.start(settings(policy, RouteTable.direct(), Optional.empty(), Optional.empty()),
                resolver());
        return transport;
    }

    private MxResolver resolver() {
        return MxResolver.create(dns.settings(Duration.ofMillis(500)));
    }

    private RemoteSettings settings(RemoteTlsPolicy policy, RouteTable routes, Optional<Path> ca,
                                    Optional<RelayCredentials> credentials) {
        return new RemoteSettings("client.example", smtp.port(), FAST, routes, policy, DomainMap.empty(), ca, credentials);
    }

    private ServerTls serverTls() throws Exception {
        serverTls = ServerTls.start(TlsSettings.selfSigned(dir.resolve("tls"), "mx.example.org"));
        return serverTls;
    }

    private static RemoteTransaction tx(String domain, String... recipients) {
        return new RemoteTransaction(domain, "sender@example.com", List.of(recipients), MESSAGE, "Q1");
    }

    private static RemoteResult deliver(SmtpClientTransport t, RemoteTransaction tx) throws Exception {
        RemoteResult result = t.deliver(tx).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(result.perRecipient().keySet()).containsExactlyElementsOf(tx.recipients());
        return result;
    }

    private static void awaitCommand(FakeSmtpServer.Session session, String command) throws InterruptedException {
        for (int i = 0; i < 100 && !session.commands.contains(command); i++) {
            Thread.sleep(50);
        }
        assertThat(session.commands).contains(command);
    }

    private static int indexOfPrefix(List<String> commands, String prefix) {
        for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }
}
