package org.dirmail.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A line-at-a-time SMTP client over a loopback socket, in clear or TLS (implicit, or upgraded by
 * hand after STARTTLS); replies are joined with CRLF when multi-line. TLS verifies the server's
 * name against the certificate.
 */
final class SmtpSocketClient implements AutoCloseable {

    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    private SmtpSocketClient(Socket socket) throws IOException {
        use(socket);
    }

    /** A plain connection. */
    static SmtpSocketClient connect(int port) throws IOException {
        return new SmtpSocketClient(new Socket("127.0.0.1", port));
    }

    /** RFC 8314 implicit TLS: the handshake comes first. */
    static SmtpSocketClient connectTls(int port, SSLContext context) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        verifyName(tls);
        tls.startHandshake();
        return new SmtpSocketClient(tls);
    }

    /** After our STARTTLS got its 220: the same TCP connection, now under TLS. */
    SmtpSocketClient upgrade(SSLContext context) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "127.0.0.1", socket.getPort(), true);
        verifyName(tls);
        tls.startHandshake();
        use(tls);
        return this;
    }

    /** Sends the text plus CRLF in one write; several commands may be joined with CRLF. */
    SmtpSocketClient send(String lines) throws IOException {
        out.write((lines + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    String reply() throws IOException {
        var reply = new StringBuilder();
        String line;
        do {
            line = in.readLine();
            assertThat(line).as("reply line after %s", reply).isNotNull();
            reply.append(reply.isEmpty() ? "" : "\r\n").append(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return reply.toString();
    }

    /** Sends and returns the reply. */
    String command(String line) throws IOException {
        return send(line).reply();
    }

    /** The server closed the connection: nothing more to read. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (IOException e) { // a reset is a close too
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void use(Socket s) throws IOException {
        socket = s;
        socket.setSoTimeout(10_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        out = socket.getOutputStream();
    }

    private static void verifyName(SSLSocket tls) {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
    }
}
