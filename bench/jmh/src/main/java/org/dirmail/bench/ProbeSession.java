package org.dirmail.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One plain SMTP client connection of the latency probe, kept open for many transactions (RFC
 * 5321 3.3), lock-step without pipelining, so each reply is timed where the client would wait
 * for it. Trusts nothing the server says beyond the three-digit code.
 */
final class ProbeSession implements AutoCloseable {

    /** Longer than any MTA's fsync stall we want to see as a latency rather than an error. */
    private static final int READ_TIMEOUT_MS = 120_000;
    /** RFC 5321 4.5.3.1.5: a reply line is at most 512 octets; we allow some slack. */
    private static final int MAX_REPLY_LINE = 2048;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    ProbeSession(String host, int port, String helo) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        socket.connect(new InetSocketAddress(host, port), READ_TIMEOUT_MS);
        in = new BufferedInputStream(socket.getInputStream());
        out = new BufferedOutputStream(socket.getOutputStream(), 16384);
        expect(220, readReply(), "greeting");
        expect(250, command("EHLO " + helo), "EHLO");
    }

    /**
     * One transaction, MAIL to the reply after the final dot.
     *
     * @param body the message dot-stuffed, ending in CRLF, without the final dot
     * @return the first reply code that was not the expected one, or the final 250
     */
    int send(String sender, String recipient, byte[] body) throws IOException {
        int code = command("MAIL FROM:<" + sender + ">");
        if (code != 250) {
            return reset(code);
        }
        code = command("RCPT TO:<" + recipient + ">");
        if (code != 250 && code != 251) {
            return reset(code);
        }
        code = command("DATA");
        if (code != 354) {
            return reset(code);
        }
        out.write(body);
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return readReply();
    }

    @Override
    public void close() {
        try {
            command("QUIT");
        } catch (IOException ignored) {
            // the server may have closed first; the socket goes either way
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    /**
     * RFC 5321 4.1.1.5: a refused step leaves a half transaction; RSET clears it for the next.
     * After 421 the server closes (RFC 5321 3.8), so there is nobody to tell.
     */
    private int reset(int code) throws IOException {
        if (code != 421) {
            command("RSET");
        }
        return code;
    }

    private int command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return readReply();
    }

    /** Reads a possibly multi-line reply (RFC 5321 4.2.1) and returns its code. */
    private int readReply() throws IOException {
        while (true) {
            String line = readLine();
            if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
                    || !Character.isDigit(line.charAt(2))) {
                throw new IOException("not an SMTP reply line");
            }
            if (line.length() == 3 || line.charAt(3) != '-') {
                return Integer.parseInt(line.substring(0, 3));
            }
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
            }
            if (line.size() >= MAX_REPLY_LINE) {
                throw new IOException("reply line too long");
            }
            line.write(b);
            previous = b;
        }
    }

    private static void expect(int wanted, int got, String step) throws IOException {
        if (got != wanted) {
            throw new IOException(step + " answered " + got + ", not " + wanted);
        }
    }
}
