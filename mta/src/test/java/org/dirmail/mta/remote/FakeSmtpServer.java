package org.dirmail.mta.remote;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scriptable SMTP destination on 127.0.0.1 and a free port, with plain blocking sockets: the
 * test sets the greeting, the extensions and the replies, and reads back what each session saw,
 * including the exact bytes of the data. STARTTLS uses a real server SSLContext; AUTH PLAIN checks
 * one user. With {@link #holdRepliesUntilData} it answers nothing before DATA arrives, so only a
 * pipelining client gets through. With {@link #stall} it holds each greeting until the latch opens,
 * and it counts the connections open at once.
 */
final class FakeSmtpServer implements AutoCloseable {

    /** What one connection saw. */
    static final class Session {
        final List<String> commands = new CopyOnWriteArrayList<>();
        volatile byte[] data;
        volatile boolean tls;
        volatile String authenticatedAs;
        volatile boolean commandsBatchedBeforeReplies;
        volatile boolean bareLineEnd;
    }

    volatile IntFunction<String> greeting = n -> "220 fake.example ESMTP";
    volatile List<String> extensions = List.of("PIPELINING", "8BITMIME", "SIZE 10240000", "ENHANCEDSTATUSCODES");
    volatile String mailReply = "250 2.1.0 Ok";
    volatile Function<String, String> rcptReply = rcpt -> "250 2.1.5 Ok";
    volatile String dataReply = "354 End data with <CR><LF>.<CR><LF>";
    volatile String finalReply = "250 2.0.0 Ok: queued as 4F2A";
    volatile boolean holdRepliesUntilData;
    volatile boolean refuseEhlo;
    volatile SSLContext tls;
    /** Offer STARTTLS, say 220, then answer the handshake with garbage. */
    volatile boolean brokenTls;
    volatile String authUser;
    volatile String authPassword;

    /** While not null and closed, each new session waits for it before the greeting: a slow destination. */
    volatile CountDownLatch stall;
    /** Connections open now, and the most ever open at once. */
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger mostOpen = new AtomicInteger();

    final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    private FakeSmtpServer() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(this::accept, "fake-smtp-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static FakeSmtpServer start() throws IOException {
        return new FakeSmtpServer();
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                sockets.add(socket);
                int n = connections.getAndIncrement();
                Thread t = new Thread(() -> serve(socket, n), "fake-smtp-" + n);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, int n) {
        Session session = new Session();
        sessions.add(session);
        mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        try (socket) {
            CountDownLatch latch = stall;
            if (latch != null) {
                latch.await(60, TimeUnit.SECONDS);
            }
            new Conversation(socket, session).run(greeting.apply(n));
        } catch (IOException | RuntimeException e) {
            // the client went away or the TLS handshake failed: the session's record says how far it got
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.decrementAndGet();
        }
    }

    /** One connection's state while it runs. */
    private final class Conversation {
        private final Session session;
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private final List<String> held = new ArrayList<>();

        Conversation(Socket socket, Session session) throws IOException {
            this.session = session;
            use(socket);
        }

        private void use(Socket s) throws IOException {
            socket = s;
            in = new BufferedInputStream(s.getInputStream());
            out = s.getOutputStream();
        }

        void run(String greetingLine) throws IOException {
            if (greetingLine == null) {
                in.read(); // never greet: the client must time out
                return;
            }
            reply(greetingLine);
            String line;
            while ((line = readLine()) != null) {
                session.commands.add(line);
                String verb = line.split(" ", 2)[0].toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> ehlo();
                    case "HELO" -> reply("250 fake.example");
                    case "STARTTLS" -> startTls();
                    case "AUTH" -> auth(line);
                    case "MAIL" -> hold(mailReply);
                    case "RCPT" -> hold(rcptReply.apply(line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'))));
                    case "DATA" -> data();
                    case "QUIT" -> {
                        reply("221 2.0.0 Bye");
                        return;
                    }
                    default -> reply("250 2.0.0 Ok");
                }
            }
        }

        private void ehlo() throws IOException {
            if (refuseEhlo) {
                reply("502 5.5.2 Error: command not recognized");
                return;
            }
            List<String> lines = new ArrayList<>(List.of("fake.example"));
            lines.addAll(extensions);
            if ((tls != null || brokenTls) && !session.tls) {
                lines.add("STARTTLS");
            }
            if (authUser != null) {
                lines.add("AUTH PLAIN LOGIN");
            }
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < lines.size(); i++) {
                b.append("250").append(i == lines.size() - 1 ? ' ' : '-').append(lines.get(i));
                if (i < lines.size() - 1) {
                    b.append("\r\n");
                }
            }
            reply(b.toString());
        }

        private void startTls() throws IOException {
            reply("220 2.0.0 Ready to start TLS");
            if (brokenTls) {
                try {
                    Thread.sleep(200); // after the client's handshake began, not along with the 220
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                reply("this is not TLS");
                socket.close();
                return;
            }
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket,
                    socket.getInetAddress().getHostAddress(), socket.getPort(), true);
            ssl.setUseClientMode(false);
            ssl.startHandshake();
            session.tls = true;
            use(ssl);
        }

        private void auth(String line) throws IOException {
            String[] words = line.split(" ");
            if (words.length == 3 && words[1].equalsIgnoreCase("PLAIN")) {
                String[] parts = new String(Base64.getDecoder().decode(words[2]), StandardCharsets.UTF_8).split("\0", -1);
                if (parts.length == 3 && parts[1].equals(authUser) && parts[2].equals(authPassword)) {
                    session.authenticatedAs = parts[1];
                    reply("235 2.7.0 Authentication successful");
                    return;
                }
            }
            reply("535 5.7.8 Authentication credentials invalid");
        }

        private void hold(String r) throws IOException {
            if (holdRepliesUntilData) {
                held.add(r);
            } else {
                reply(r);
            }
        }

        private void data() throws IOException {
            if (!held.isEmpty()) {
                session.commandsBatchedBeforeReplies = true;
                for (String r : held) {
                    reply(r);
                }
                held.clear();
            }
            reply(dataReply);
            if (!dataReply.startsWith("354")) {
                return;
            }
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                raw.write(b);
                byte[] sofar = raw.toByteArray();
                if (endsWith(sofar, "\r\n.\r\n") || new String(sofar, StandardCharsets.ISO_8859_1).equals(".\r\n")) {
                    break;
                }
            }
            session.data = raw.toByteArray();
            checkLineEnds(session.data);
            reply(finalReply);
        }

        /** Only CRLF ends a line; anything else is recorded as a bare line end. */
        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    byte[] bytes = line.toByteArray();
                    if (bytes.length == 0 || bytes[bytes.length - 1] != '\r') {
                        session.bareLineEnd = true;
                        line.write(b);
                        continue;
                    }
                    return new String(bytes, 0, bytes.length - 1, StandardCharsets.ISO_8859_1);
                }
                line.write(b);
            }
            return null;
        }

        private void checkLineEnds(byte[] bytes) {
            for (int i = 0; i < bytes.length; i++) {
                boolean crlf = bytes[i] == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n';
                if (crlf) {
                    i++;
                } else if (bytes[i] == '\r' || bytes[i] == '\n') {
                    session.bareLineEnd = true;
                }
            }
        }

        private void reply(String text) throws IOException {
            out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    private static boolean endsWith(byte[] bytes, String suffix) {
        byte[] s = suffix.getBytes(StandardCharsets.ISO_8859_1);
        if (bytes.length < s.length) {
            return false;
        }
        for (int i = 0; i < s.length; i++) {
            if (bytes[bytes.length - s.length + i] != s[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
