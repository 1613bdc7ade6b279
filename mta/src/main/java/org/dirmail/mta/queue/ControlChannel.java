package org.dirmail.mta.queue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Requests from {@code dirmail queue flush/delete} to the running server, as files in the queue's
 * {@code control/} directory: the client writes {@code NAME.req} durably, the server carries it
 * out, writes {@code NAME.reply} and removes the request. Both sides wait with a WatchService,
 * never by polling. Only the queue's owner should be able to write {@code control/}; the server
 * still checks every line.
 */
public final class ControlChannel implements AutoCloseable {

    private static final String REQUEST = ".req";
    private static final String REPLY = ".reply";

    private final Path dir;
    private final WatchService watcher;
    private final String name = UUID.randomUUID().toString();

    private ControlChannel(Path dir, WatchService watcher) {
        this.dir = dir;
        this.watcher = watcher;
    }

    /** The control directory of the queue under {@code queueRoot}. */
    public static Path directory(Path queueRoot) {
        return queueRoot.resolve("control");
    }

    /** Opens the client side; watching starts before the request exists so no reply is missed. */
    public static ControlChannel open(Path queueRoot) throws IOException {
        Path dir = directory(queueRoot);
        Files.createDirectories(dir);
        WatchService watcher = dir.getFileSystem().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
        return new ControlChannel(dir, watcher);
    }

    /** Leaves the request for the server; durable once this returns. */
    public void send(List<String> lines) throws IOException {
        Fsync.writeAtomically(dir, name + REQUEST, text(lines));
    }

    /** The server's reply lines, or empty when none came within {@code timeout}. */
    public Optional<List<String>> awaitReply(Duration timeout) throws IOException, InterruptedException {
        Path reply = dir.resolve(name + REPLY);
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            try {
                List<String> lines = Files.readAllLines(reply, StandardCharsets.UTF_8);
                Files.deleteIfExists(reply);
                return Optional.of(lines);
            } catch (NoSuchFileException e) {
                long left = Duration.between(Instant.now(), deadline).toMillis();
                if (left <= 0) {
                    return Optional.empty();
                }
                var key = watcher.poll(left, TimeUnit.MILLISECONDS); // wakes on any new file in control/
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            }
        }
    }

    /** Takes the request back if the server has not started on it; true when withdrawn. */
    public boolean withdraw() throws IOException {
        return Files.deleteIfExists(dir.resolve(name + REQUEST));
    }

    @Override
    public void close() throws IOException {
        watcher.close();
    }

    /** Server side: whether {@code file} is a complete request. */
    public static boolean isRequest(Path file) {
        String n = file.getFileName().toString();
        return !n.startsWith(".") && n.endsWith(REQUEST);
    }

    /** Server side: the request's lines (bounded; a control request is a few lines). */
    public static List<String> read(Path request) throws IOException {
        if (Files.size(request) > 64 * 1024) {
            throw new IOException("control request " + request.getFileName() + " is too large");
        }
        return Files.readAllLines(request, StandardCharsets.UTF_8);
    }

    /** Server side: answers a request and removes it; the reply appears whole. */
    public static void reply(Path request, List<String> lines) throws IOException {
        String n = request.getFileName().toString();
        Path dir = request.getParent();
        Fsync.writeAtomically(dir, n.substring(0, n.length() - REQUEST.length()) + REPLY, text(lines));
        Files.deleteIfExists(request);
    }

    private static byte[] text(List<String> lines) {
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(l).append('\n'));
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
