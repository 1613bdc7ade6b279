package org.dirmail.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.dirmail.directory.AccountStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Relay policy: only local domains without AUTH, whatever the trick; anything with AUTH or from a
 * relay network; and an authenticated user sends only as itself.
 */
class SmtpRelayTest {

    private final TestDirectory directory = new TestDirectory()
            .user("alice@example.org", AccountStatus.ACTIVE)
            .user("bob@example.org", AccountStatus.ACTIVE);
    private final CapturingQueue queue = CapturingQueue.working();
    private SmtpTranscript smtp;

    @AfterEach
    void leakCheck() {
        smtp.finish();
    }

    private SmtpTranscript connect(TestSettings settings, InetSocketAddress client) {
        smtp = new SmtpTranscript(SmtpRole.MX, settings.allowPlaintextAuth(true).build(),
                SmtpTranscript.services(directory, queue, TestAuthenticator.standard(), Optional.empty()), client);
        return smtp.expect("220 ").send("EHLO client.example").expect("250-");
    }

    private SmtpTranscript connect() {
        return connect(TestSettings.defaults(), SmtpTranscript.CLIENT);
    }

    private SmtpTranscript login(String user, String password) {
        String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        return smtp.send("AUTH PLAIN " + plain).expect("235 ");
    }

    /** Each resolves to a local part of a local domain, or to a remote domain: never relayed without AUTH. */
    @ParameterizedTest
    @ValueSource(strings = {
        "<friend@elsewhere.example>",
        "<friend%elsewhere.example@example.org>", // percent hack: a local part of ours
        "<elsewhere.example!friend@example.org>", // bang path: a local part of ours
        "<\"friend@elsewhere.example\"@example.org>", // quoted '@': a local part of ours
        "<@example.org:friend@elsewhere.example>", // source route: the final domain decides
        "<friend@[192.0.2.1]>", // address literal: not a local domain
        "<friend@example.org.elsewhere.example>", // our name as a prefix
        "<friend@EXAMPLE.ORG.>", // trailing dot: not a domain at all
    })
    void noTrickRelaysWithoutAuth(String recipient) {
        connect().send("MAIL FROM:<x@client.example>").expect("250")
                .send("RCPT TO:" + recipient);
        assertThat(smtp.nextReply()).matches("(554 5\\.7\\.1 .*Relay access denied|550 5\\.1\\.1 .*|501 5\\.1\\.3 .*)");
        smtp.send("DATA").expect("554 5.5.1");
        assertThat(queue.stored()).isEmpty();
    }

    @Test
    void trickAddressesInLocalDomainsGoToTheDirectoryNotTheQueue() {
        connect().send("MAIL FROM:<x@client.example>").expect("250")
                .send("RCPT TO:<friend%elsewhere.example@example.org>").expect("550 5.1.1")
                .send("RCPT TO:<elsewhere.example!friend@example.org>").expect("550 5.1.1")
                .send("RCPT TO:<\"friend@elsewhere.example\"@example.org>").expect("550 5.1.1")
                .send("RCPT TO:<friend@EXAMPLE.ORG.>").expect("501 5.1.3")
                .send("RCPT TO:<friend@[192.0.2.1]>").expect("554 5.7.1 <friend@[192.0.2.1]>: Relay access denied");
        assertThat(directory.asked()).containsExactly("friend%elsewhere.example@example.org",
                "elsewhere.example!friend@example.org", "\"friend@elsewhere.example\"@example.org");
    }

    @Test
    void anAuthenticatedUserRelaysToAnyDomain() {
        connect();
        login("alice", "secret").send("MAIL FROM:<alice@example.org>").expect("250")
                .send("RCPT TO:<friend@elsewhere.example>").expect("250 2.1.5")
                .send("RCPT TO:<friend@[192.0.2.1]>").expect("250 2.1.5")
                .send("RCPT TO:<friend%elsewhere.example@example.org>").expect("550 5.1.1") // still ours to judge
                .send("RCPT TO:<bob@example.org>").expect("250 2.1.5")
                .send("DATA").expect("354").sendRaw("Subject: x\r\n\r\nhi\r\n.\r\n").expect("250 2.0.0");
        assertThat(queue.stored()).singleElement().satisfies(stored -> assertThat(stored.envelope().recipients())
                .containsExactly("friend@elsewhere.example", "friend@[192.0.2.1]", "bob@example.org"));
        assertThat(directory.asked()).containsExactly("friend%elsewhere.example@example.org", "bob@example.org");
    }

    @Test
    void aRelayNetworkRelaysWithoutAuth() {
        connect(TestSettings.defaults().relayNetworks("192.0.2.0/24", "2001:db8::/32"), SmtpTranscript.CLIENT)
                .send("MAIL FROM:<app@client.example>").expect("250")
                .send("RCPT TO:<friend@elsewhere.example>").expect("250 2.1.5");
    }

    @Test
    void anAddressOutsideTheRelayNetworksDoesNot() {
        connect(TestSettings.defaults().relayNetworks("192.0.2.0/24"), new InetSocketAddress("198.51.100.7", 5555))
                .send("MAIL FROM:<app@client.example>").expect("250")
                .send("RCPT TO:<friend@elsewhere.example>").expect("554 5.7.1");
    }

    @Test
    void aliceMayNotSendAsBob() {
        connect();
        login("alice", "secret")
                .send("MAIL FROM:<bob@example.org>")
                .expect("553 5.7.1 <bob@example.org>: Sender address rejected: not owned by user alice")
                .send("MAIL FROM:<ALICE@Example.ORG>").expect("250 2.1.0") // case-insensitive
                .send("RSET").expect("250")
                .send("MAIL FROM:<>").expect("250 2.1.0"); // the null sender is always allowed
    }

    @Test
    void bobMayUseEachOfHisAddresses() {
        connect();
        login("bob", "hunter2").send("MAIL FROM:<b@example.net>").expect("250 2.1.0");
    }

    @Test
    void withoutStrictSenderLoginAnyAddressWillDo() {
        connect(TestSettings.defaults().strictSenderLogin(false), SmtpTranscript.CLIENT);
        login("alice", "secret").send("MAIL FROM:<bob@example.org>").expect("250 2.1.0");
    }

    @Test
    void unauthenticatedSendersAreNotCheckedOnMx() {
        connect().send("MAIL FROM:<bob@example.org>").expect("250 2.1.0");
    }
}
