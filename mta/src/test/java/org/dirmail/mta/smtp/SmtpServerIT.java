package org.dirmail.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.dirmail.directory.AccountStatus;
import org.junit.jupiter.api.Test;

/** One message over a real loopback socket on port 0, with a plain {@link Socket} as the client. */
class SmtpServerIT {

    @Test
    void acceptsAMessageOverTcpAndSays421ToSessionsOnClose() throws Exception {
        var directory = new TestDirectory().user("alice@example.org", AccountStatus.ACTIVE);
        var queue = CapturingQueue.working();
        SmtpServer server = SmtpServer.start("127.0.0.1", 0, SmtpTranscript.settings(), directory, queue);
        try (server; var client = new Client(server.port()); var idle = new Client(server.port())) {
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

    /** A line-at-a-time SMTP client; replies are joined with CRLF when multi-line. */
    private static final class Client implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        Client(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            out = socket.getOutputStream();
        }

        void send(String lines) throws IOException {
            out.write((lines + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        String reply() throws IOException {
            var reply = new StringBuilder();
            String line;
            do {
                line = in.readLine();
                assertThat(line).as("reply line").isNotNull();
                reply.append(reply.isEmpty() ? "" : "\r\n").append(line);
            } while (line.length() > 3 && line.charAt(3) == '-');
            return reply.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
