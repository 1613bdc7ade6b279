package org.dirmail.mta.smtp;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.auth.AuthThrottle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Connection limits, the pregreet test, HTTP requests, and the idle and DATA timeouts. */
class SmtpLimitsTest {

    private static final InetSocketAddress OTHER = new InetSocketAddress("198.51.100.7", 40000);

    private final TestDirectory directory = new TestDirectory().user("alice@example.org", AccountStatus.ACTIVE);
    private final CapturingQueue queue = CapturingQueue.working();
    private final List<SmtpTranscript> open = new ArrayList<>();

    @AfterEach
    void leakCheck() {
        open.forEach(SmtpTranscript::finish);
    }

    private SmtpTranscript connect(SmtpSettings settings, SmtpServices services, InetSocketAddress client) {
        var smtp = new SmtpTranscript(SmtpRole.MX, settings, services, client);
        open.add(smtp);
        return smtp;
    }

    private SmtpTranscript connect(SmtpSettings settings) {
        return connect(settings, services(new ConnectionLimiter(100, 10)), SmtpTranscript.CLIENT);
    }

    private SmtpServices services(ConnectionLimiter limiter) {
        return new SmtpServices(directory, directory, queue, TestAuthenticator.standard(),
                new AuthThrottle(3, Duration.ofMinutes(15), Clock.systemUTC()), Optional.empty(), limiter);
    }

    @Test
    void connectionsPerAddressAreLimited() {
        var services = services(new ConnectionLimiter(100, 2));
        var settings = SmtpTranscript.settings();
        var first = connect(settings, services, SmtpTranscript.CLIENT).expect("220 ");
        connect(settings, services, SmtpTranscript.CLIENT).expect("220 ");
        connect(settings, services, SmtpTranscript.CLIENT).expect("421 4.7.0 Too many connections").expectClosed();
        connect(settings, services, OTHER).expect("220 ");
        first.send("QUIT").expect("221").expectClosed();
        connect(settings, services, SmtpTranscript.CLIENT).expect("220 "); // the slot came back
    }

    @Test
    void connectionsInTotalAreLimited() {
        var services = services(new ConnectionLimiter(2, 2));
        var settings = SmtpTranscript.settings();
        connect(settings, services, SmtpTranscript.CLIENT).expect("220 ");
        connect(settings, services, OTHER).expect("220 ");
        connect(settings, services, new InetSocketAddress("203.0.113.9", 1)).expect("421 4.7.0").expectClosed();
    }

    @Test
    void aPatientClientIsGreetedAfterTheDelay() {
        connect(TestSettings.defaults().greetingDelay(Duration.ofMillis(300)).build())
                .expectNothing().advanceTime(299, TimeUnit.MILLISECONDS).expectNothing()
                .advanceTime(1, TimeUnit.MILLISECONDS).expect("220 mx.example.org ESMTP dirmail")
                .send("EHLO client.example").expect("250-");
    }

    @Test
    void aClientThatTalksBeforeTheGreetingIsDropped() { // postscreen's pregreet test
        connect(TestSettings.defaults().greetingDelay(Duration.ofMillis(300)).build())
                .send("EHLO bot.example")
                .expect("554 5.5.0 Protocol error: client sent data before greeting").expectClosed();
    }

    @Test
    void evenAPartialLineBeforeTheGreetingCounts() {
        connect(TestSettings.defaults().greetingDelay(Duration.ofMillis(300)).build())
                .sendRaw("EHLO bot.exa").expectNothing()
                .advanceTime(300, TimeUnit.MILLISECONDS).expect("554 5.5.0").expectClosed();
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET / HTTP/1.1", "POST /form HTTP/1.0", "CONNECT mx.example.org:25 HTTP/1.1",
        "head / HTTP/1.1", "Host: mx.example.org", "User-Agent: curl/8.5"})
    void anHttpRequestIsRefusedAndClosed(String line) {
        connect(SmtpTranscript.settings()).expect("220 ").send(line)
                .expect("554 5.7.0 This is an SMTP server").expectClosed();
    }

    @Test
    void anHttpRequestAfterEhloToo() {
        connect(SmtpTranscript.settings()).expect("220 ").send("EHLO client.example").expect("250-")
                .sendRaw("POST / HTTP/1.1\r\nHost: mx\r\n\r\n").expect("554 5.7.0").expectNothing().expectClosed();
    }

    @Test
    void dataHasItsOwnTimeout() {
        connect(TestSettings.defaults().dataTimeout(Duration.ofMinutes(10)).build())
                .expect("220 ").send("EHLO client.example").expect("250-")
                .send("MAIL FROM:<s@client.example>").expect("250").send("RCPT TO:<alice@example.org>").expect("250")
                .send("DATA").expect("354 ").sendRaw("Subject: slow\r\n")
                .advanceTime(6, TimeUnit.MINUTES).expectNothing() // past the 5 minute idle timeout
                .sendRaw("\r\nbody\r\n.\r\n").expect("250 2.0.0")
                .advanceTime(5, TimeUnit.MINUTES).expect("421 4.4.2 mx.example.org Error: timeout exceeded")
                .expectClosed();
    }

    @Test
    void aSilentClientInsideDataIsDroppedAtTheDataTimeout() {
        connect(TestSettings.defaults().dataTimeout(Duration.ofMinutes(2)).build())
                .expect("220 ").send("EHLO client.example").expect("250-")
                .send("MAIL FROM:<s@client.example>").expect("250").send("RCPT TO:<alice@example.org>").expect("250")
                .send("DATA").expect("354 ").sendRaw("Subject: stalled\r\n")
                .advanceTime(2, TimeUnit.MINUTES).expect("421 4.4.2").expectClosed();
    }
}
