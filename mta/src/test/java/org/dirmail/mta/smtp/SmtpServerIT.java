package org.dirmail.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.dirmail.directory.AccountStatus;
import org.junit.jupiter.api.Test;

/** One message over a real loopback socket on port 0, with a plain socket as the client. */
class SmtpServerIT {

    @Test
    void acceptsAMessageOverTcpAndSays421ToSessionsOnClose() throws Exception {
        var directory = new TestDirectory().user("alice@example.org", AccountStatus.ACTIVE);
        var queue = CapturingQueue.working();
        SmtpServer server = SmtpServer.start(new SmtpListener(SmtpRole.MX, "127.0.0.1", 0), SmtpTranscript.settings(),
                SmtpTranscript.services(directory, queue, TestAuthenticator.standard(), Optional.empty()));
        try (server; var client = SmtpSocketClient.connect(server.port()); var idle = SmtpSocketClient.connect(server.port())) {
            assertThat(server.port()).isPositive();
            assertThat(client.reply()).isEqualTo("220 mx.example.org ESMTP dirmail");
            client.send("EHLO client.example");
            assertThat(client.reply()).startsWith("250-mx.example.org").endsWith("250 ENHANCEDSTATUSCODES");
            client.send("MAIL FROM:<sender@client.example> SIZE=40\r\nRCPT TO:<alice@example.org>\r\nDATA");
            assertThat(client.reply()).isEqualTo("250 2.1.0 Ok");
            assertThat(client.reply()).isEqualTo("250 2.1.5 Ok");
            assertThat(client.reply()).startsWith("354 ");
            client.send("Subject: over tcp\r\n\r\n..dot\r\n.");
            assertThat(client.reply()).isEqualTo("250 2.0.0 Ok: queued as 4A2B1");
            client.send("QUIT");
            assertThat(client.reply()).isEqualTo("221 2.0.0 Bye");

            assertThat(idle.reply()).startsWith("220 ");
            server.close();
            assertThat(idle.reply()).isEqualTo("421 4.3.2 Service shutting down");
        }
        assertThat(queue.stored()).singleElement().satisfies(stored -> {
            assertThat(stored.envelope().clientAddress()).isEqualTo("127.0.0.1");
            assertThat(stored.message()).startsWith("Received: from client.example ([127.0.0.1])\r\n")
                    .endsWith("\r\nSubject: over tcp\r\n\r\n.dot\r\n");
        });
    }
}
