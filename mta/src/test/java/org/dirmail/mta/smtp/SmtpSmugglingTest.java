package org.dirmail.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.dirmail.directory.AccountStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SMTP smuggling (CVE-2023-51764/51765/51766): only CRLF.CRLF ends DATA. Every other "end" either
 * fails the transaction (bare CR or LF) or stays inside the message; none ends the data early and
 * none starts a second message, so the commands after it are never executed.
 */
class SmtpSmugglingTest {

    private static final String SMUGGLED = "MAIL FROM:<smuggled@evil.example>\r\nRCPT TO:<alice@example.org>\r\n"
            + "DATA\r\nSubject: smuggled\r\n\r\nforged\r\n";

    private final TestDirectory directory = new TestDirectory().user("alice@example.org", AccountStatus.ACTIVE);
    private final CapturingQueue queue = CapturingQueue.working();
    private SmtpTranscript smtp;

    @BeforeEach
    void connect() {
        smtp = new SmtpTranscript(SmtpTranscript.settings(), directory, queue);
    }

    @AfterEach
    void leakCheck() {
        smtp.finish();
    }

    /** The would-be end of data, and the body we keep when the message is accepted (null: refused). */
    static Stream<Arguments> endings() {
        return Stream.of(
                Arguments.of("\n.\n", null),
                Arguments.of("\n.\r\n", null),
                Arguments.of("\r.\r", null),
                Arguments.of("\r.\r\n", null),
                Arguments.of("\r\n.\n", null),
                Arguments.of("\r\n.\r", null),
                Arguments.of("\n.\r", null),
                Arguments.of("\r\n.\r\r\n", null),
                Arguments.of("\r\n\n.\r\n", null),
                Arguments.of("\r\n.\u0000\r\n", "body\r\n\u0000\r\n" + SMUGGLED),
                Arguments.of("\r\n. \r\n", "body\r\n \r\n" + SMUGGLED),
                Arguments.of("\r\n..\r\n", "body\r\n.\r\n" + SMUGGLED));
    }

    @ParameterizedTest
    @MethodSource("endings")
    void aNonStandardEndNeitherEndsDataNorStartsAMessage(String ending, String acceptedBody) {
        smtp.expect("220 ").send("EHLO client.example").expect("250-")
                .send("MAIL FROM:<sender@client.example>").expect("250 2.1.0")
                .send("RCPT TO:<alice@example.org>").expect("250 2.1.5")
                .send("DATA").expect("354 ");
        smtp.sendRaw("Subject: real\r\n\r\nbody" + ending + SMUGGLED).expectNothing() // still inside DATA
                .sendRaw(".\r\n")
                .expect(acceptedBody == null ? "550 5.6.0 Message contains bare <CR> or <LF>" : "250 2.0.0")
                .expectNothing()
                .send("MAIL FROM:<next@client.example>").expect("250 2.1.0"); // no smuggled transaction is open
        if (acceptedBody == null) {
            assertThat(queue.stored()).isEmpty();
        } else {
            assertThat(queue.stored()).singleElement().satisfies(stored -> {
                assertThat(stored.envelope().sender()).isEqualTo("sender@client.example");
                assertThat(stored.message()).endsWith("\r\nSubject: real\r\n\r\n" + acceptedBody);
            });
        }
    }
}
