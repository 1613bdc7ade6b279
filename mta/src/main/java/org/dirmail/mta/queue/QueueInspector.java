package org.dirmail.mta.queue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A read-only view of a queue for {@code dirmail queue list/show/stats}: reads {@code msg/} and
 * {@code state/} without the lock, so it works beside a running server. Files may vanish while it
 * reads (a delivery finished): such messages are simply left out. Changes nothing on disk.
 */
public final class QueueInspector {

    /** Message headers larger than this are treated as corrupt when listing. */
    private static final int MAX_HEADER = 4 * 1024 * 1024;

    /** What has become of one recipient. */
    public enum State { PENDING, DONE, FAILED }

    /**
     * One recipient of a queued message.
     *
     * @param detail for FAILED the reason, for PENDING the last deferral (empty if none yet)
     */
    public record Recipient(String address, State state, String detail) {
    }

    /** One queued message as listed: id, envelope, message size and each recipient's state. */
    public record Entry(String id, Envelope envelope, long size, List<Recipient> recipients) {

        public long pending() {
            return recipients.stream().filter(r -> r.state() == State.PENDING).count();
        }
    }

    private final QueueDirectoryPaths paths;

    /** A view of the queue under {@code root} (the configured {@code queue_dir}). */
    public QueueInspector(Path root) {
        this.paths = new QueueDirectoryPaths(root);
    }

    /** Every readable message, oldest first; corrupt files are counted by {@link #corruptCount}. */
    public List<Entry> list() throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (String id : ids(paths.msg())) {
            try {
                entry(id).ifPresent(entries::add);
            } catch (CorruptQueueFileException e) {
                // the server moves it aside on its next attempt; listing goes on
            }
        }
        return entries;
    }

    /** One message, or empty when there is no such id (or it finished meanwhile). */
    public Optional<Entry> entry(String id) throws IOException, CorruptQueueFileException {
        if (!QueueIds.isWellFormed(id)) {
            return Optional.empty();
        }
        QueueFileFormat.Header header;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(paths.msg().resolve(id)))) {
            header = QueueFileFormat.readHeader(id, in, MAX_HEADER);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(new Entry(id, header.envelope(), header.size(), recipients(id, header.envelope())));
    }

    /** The whole message file, or empty when there is no such id. */
    public Optional<QueuedMessage> message(String id) throws IOException, CorruptQueueFileException {
        if (!QueueIds.isWellFormed(id)) {
            return Optional.empty();
        }
        try {
            return Optional.of(QueueFileFormat.parse(id, Files.readAllBytes(paths.msg().resolve(id))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** How many files wait in {@code corrupt/} for a human. */
    public int corruptCount() throws IOException {
        return ids(paths.root().resolve("corrupt")).size();
    }

    /** Files in {@code maildrop/} not yet picked up by the server (dot files are being written). */
    public int maildropCount() throws IOException {
        return (int) ids(paths.root().resolve("maildrop")).stream().filter(n -> !n.startsWith(".")).count();
    }

    /** Applies the {@code state/ID} records (done N, failed N reason, deferred N reason) in order. */
    private List<Recipient> recipients(String id, Envelope envelope) throws IOException {
        Map<Integer, Recipient> byIndex = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(paths.state().resolve(id), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            lines = List.of();
        }
        List<String> rcpts = envelope.recipients();
        for (String line : lines) {
            String[] parts = line.split(" ", 3);
            if (parts.length < 2 || !parts[1].matches("\\d{1,9}")) {
                continue;
            }
            int index = Integer.parseInt(parts[1]);
            if (index >= rcpts.size()) {
                continue;
            }
            String detail = parts.length == 3 ? parts[2] : "";
            Recipient before = byIndex.get(index);
            boolean finished = before != null && before.state() != State.PENDING;
            switch (parts[0]) {
                case "done" -> byIndex.put(index, new Recipient(rcpts.get(index), State.DONE, ""));
                case "failed" -> byIndex.put(index, new Recipient(rcpts.get(index), State.FAILED, detail));
                case "deferred" -> {
                    if (!finished) {
                        byIndex.put(index, new Recipient(rcpts.get(index), State.PENDING, detail));
                    }
                }
                default -> { } // a record type from a newer version: not ours to judge
            }
        }
        List<Recipient> out = new ArrayList<>(rcpts.size());
        for (int i = 0; i < rcpts.size(); i++) {
            out.add(byIndex.getOrDefault(i, new Recipient(rcpts.get(i), State.PENDING, "")));
        }
        return out;
    }

    private static List<String> ids(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (var files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString()).sorted().forEach(names::add);
        } catch (NoSuchFileException e) {
            return names;
        }
        return names;
    }

    /** The queue layout without the lock: the same names {@link QueueDirectory} uses. */
    private record QueueDirectoryPaths(Path root) {
        Path msg() {
            return root.resolve("msg");
        }

        Path state() {
            return root.resolve("state");
        }
    }
}
