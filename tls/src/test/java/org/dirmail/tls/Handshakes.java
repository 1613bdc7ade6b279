package org.dirmail.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/** Drives a client and a server {@link SSLEngine} against each other in memory: no sockets, no threads. */
final class Handshakes {
    private final SSLEngine client;
    private final SSLEngine server;
    private final ByteBuffer clientToServer;
    private final ByteBuffer serverToClient;
    private final ByteBuffer clientIn;
    private final ByteBuffer serverIn;

    Handshakes(SSLEngine client, SSLEngine server) {
        this.client = client;
        this.server = server;
        int packet = Math.max(client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        int app = Math.max(client.getSession().getApplicationBufferSize(), server.getSession().getApplicationBufferSize());
        clientToServer = ByteBuffer.allocate(packet * 4);
        serverToClient = ByteBuffer.allocate(packet * 4);
        clientIn = ByteBuffer.allocate(app * 2);
        serverIn = ByteBuffer.allocate(app * 2);
    }

    /** Runs the handshake to completion; an SSLException from either side is the handshake failing. */
    Handshakes handshake() throws SSLException {
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 100; round++) {
            step();
            if (done(client) && done(server)) {
                return this;
            }
        }
        throw new IllegalStateException("handshake did not finish");
    }

    /** Sends {@code text} from client to server and returns what the server application read. */
    String clientSends(String text) throws SSLException {
        ByteBuffer data = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (data.hasRemaining()) {
            check(client.wrap(data, clientToServer));
        }
        for (int round = 0; round < 10 && serverIn.position() < text.length(); round++) {
            step();
        }
        serverIn.flip();
        String received = StandardCharsets.UTF_8.decode(serverIn).toString();
        serverIn.clear();
        return received;
    }

    SSLEngine client() {
        return client;
    }

    SSLEngine server() {
        return server;
    }

    private void step() throws SSLException {
        pump(client, serverToClient, clientToServer, clientIn);
        pump(server, clientToServer, serverToClient, serverIn);
    }

    /** One engine reads what the peer sent, runs delegated tasks, and writes what it has to send. */
    private static void pump(SSLEngine engine, ByteBuffer in, ByteBuffer out, ByteBuffer app) throws SSLException {
        in.flip();
        while (in.hasRemaining()) {
            SSLEngineResult result = engine.unwrap(in, app);
            runTasks(engine);
            if (result.getStatus() != SSLEngineResult.Status.OK || result.bytesConsumed() == 0) {
                break;
            }
        }
        in.compact();
        for (int i = 0; i < 10; i++) {
            SSLEngineResult result = engine.wrap(ByteBuffer.allocate(0), out);
            runTasks(engine);
            if (result.bytesProduced() == 0) {
                break;
            }
        }
    }

    private static void runTasks(SSLEngine engine) {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    private static boolean done(SSLEngine engine) {
        SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        return status == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                || status == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    private static void check(SSLEngineResult result) {
        if (result.getStatus() != SSLEngineResult.Status.OK) {
            throw new IllegalStateException("wrap failed: " + result);
        }
    }
}
