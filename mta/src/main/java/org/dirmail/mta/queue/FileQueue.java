package org.dirmail.mta.queue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The crash-proof queue on local disk; the file states are listed in {@code package-info.java}.
 * The disk is the truth: besides the write in progress it keeps in memory only a bounded copy of
 * each message just committed, until its first {@link #read}. Safe for concurrent use.
 */
public final class FileQueue implements MessageQueue, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FileQueue.class);
    /** Bytes of just-committed messages kept for their first read; beyond it, reads go to disk. */
    static final long HAND_OFF_BYTES = 16L * 1024 * 1024;

    private final QueueDirectory dirs;
    private final ExecutorService writers;
    private final GroupCommitter committer;
    private final HandOff handOff;
    private volatile Consumer<String> onCommitted = id -> { };

    private FileQueue(QueueDirectory dirs, int writerThreads, long handOffBytes) {
        this.dirs = dirs;
        this.handOff = new HandOff(handOffBytes);
        AtomicInteger n = new AtomicInteger();
        this.writers = Executors.newFixedThreadPool(writerThreads, r -> {
            Thread t = new Thread(r, "queue-write-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.committer = new GroupCommitter(dirs.msg());
    }

    /** Opens (creating if needed) and locks the queue under {@code root}, and recovers it. */
    public static FileQueue open(Path root, int writerThreads) throws IOException {
        return open(root, writerThreads, HAND_OFF_BYTES);
    }

    /** As {@link #open(Path, int)}, keeping at most {@code handOffBytes} of just-committed messages. */
    static FileQueue open(Path root, int writerThreads, long handOffBytes) throws IOException {
        return new FileQueue(QueueDirectory.openAndRecover(root), writerThreads, handOffBytes);
    }

    /** Called with each id once its message is durable; set before the first enqueue. */
    public void onCommitted(Consumer<String> listener) {
        this.onCommitted = listener;
    }

    @Override
    public CompletionStage<String> enqueue(Envelope envelope, ByteBuf message) {
        return enqueue(envelope, message, id -> { });
    }

    @Override
    public CompletionStage<String> enqueue(Envelope envelope, ByteBuf message, Consumer<String> named) {
        String id = newId();
        named.accept(id);
        return store(id, envelope, message, new BitSet());
    }

    /** A fresh queue id, for a caller that names a message before it decides to queue it. */
    public String newId() {
        return QueueIds.next();
    }

    /**
     * Queues a message under an id from {@link #newId} whose recipients {@code delivered} were
     * delivered already (before the SMTP reply): they are recorded as finished before the message
     * is committed, so no attempt delivers to them again.
     */
    public CompletionStage<String> enqueue(String id, Envelope envelope, ByteBuf message, BitSet delivered) {
        if (!QueueIds.isWellFormed(id)) {
            message.release();
            throw new IllegalArgumentException("not a queue id: " + id);
        }
        return store(id, envelope, message, delivered);
    }

    private CompletionStage<String> store(String id, Envelope envelope, ByteBuf message, BitSet delivered) {
        int size = message.readableBytes();
        CompletableFuture<byte[]> written;
        try {
            written = CompletableFuture.supplyAsync(() -> {
                byte[] copy = writeTemp(id, envelope, message);
                recordDelivered(id, delivered);
                return copy;
            }, writers);
        } catch (RejectedExecutionException e) {
            message.release();
            return CompletableFuture.failedFuture(new IOException("queue is shutting down"));
        }
        return written
                .thenCompose(copy -> committer.commit(dirs.tmp().resolve(id), dirs.msg().resolve(id))
                        .thenApply(v -> copy))
                .thenApply(copy -> {
                    if (copy != null) {
                        handOff.offer(new QueuedMessage(id, envelope.asStored(), copy));
                    }
                    logActive(id, envelope, size);
                    onCommitted.accept(id);
                    return id;
                });
    }

    /** qmgr's line for a message entering delivery, from which pflogsumm counts senders and sizes. */
    public static void logActive(String id, Envelope envelope, int size) {
        log.info("{}: from=<{}>, size={}, nrcpt={} (queue active)", id, envelope.sender(), size,
                envelope.recipients().size());
    }

    /** Writes the state of recipients delivered before queueing; a crash before the commit leaves it orphaned. */
    private void recordDelivered(String id, BitSet delivered) {
        try {
            for (int i = delivered.nextSetBit(0); i >= 0; i = delivered.nextSetBit(i + 1)) {
                markFinished(id, i, true, "");
            }
        } catch (IOException | RuntimeException e) {
            deleteQuietly(dirs.tmp().resolve(id));
            deleteQuietly(dirs.state().resolve(id));
            throw new QueueWriteException(id, e);
        }
    }

    /**
     * Writes the header and the message to {@code tmp/ID} and forces it; releases the buffer.
     * Returns a copy of the message bytes for the hand-off, or null when it would not fit.
     */
    private byte[] writeTemp(String id, Envelope envelope, ByteBuf message) {
        Path tmp = dirs.tmp().resolve(id);
        byte[] copy = handOff.hasRoomFor(message.readableBytes()) ? ByteBufUtil.getBytes(message) : null;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] header = QueueFileFormat.header(envelope, message.readableBytes());
            ByteBuffer[] parts = new ByteBuffer[1 + message.nioBufferCount()];
            parts[0] = ByteBuffer.wrap(header);
            System.arraycopy(message.nioBuffers(), 0, parts, 1, parts.length - 1);
            long remaining = header.length + (long) message.readableBytes();
            while (remaining > 0) {
                remaining -= ch.write(parts);
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            throw new QueueWriteException(id, e);
        } finally {
            message.release();
        }
        return copy;
    }

    /**
     * Reads a committed message; {@link NoSuchFileException} when it is gone (already finished).
     * The first read after a commit is answered from the hand-off while the file still exists.
     */
    public QueuedMessage read(String id) throws IOException, CorruptQueueFileException {
        QueuedMessage handed = handOff.take(id);
        if (handed != null && Files.exists(dirs.msg().resolve(id))) {
            return handed;
        }
        byte[] file = Files.readAllBytes(dirs.msg().resolve(id));
        return QueueFileFormat.parse(id, file);
    }

    /** The size of {@code id}'s queue file in bytes; 0 when it is gone or cannot be read. */
    public long sizeOf(String id) {
        try {
            return Files.size(dirs.msg().resolve(id));
        } catch (IOException e) {
            return 0;
        }
    }

    /** Which recipient indexes of {@code id} are finished (delivered or permanently failed). */
    public BitSet finishedRecipients(String id) throws IOException {
        BitSet done = new BitSet();
        Path state = dirs.state().resolve(id);
        if (!Files.exists(state)) {
            return done;
        }
        for (String line : Files.readAllLines(state, StandardCharsets.US_ASCII)) {
            String[] parts = line.split(" ", 3);
            if (parts.length >= 2 && (parts[0].equals("done") || parts[0].equals("failed"))) {
                done.set(Integer.parseInt(parts[1]));
            }
        }
        return done;
    }

    /**
     * Durably records that recipient {@code index} is finished, so a restart does not deliver to
     * it again. {@code failed} carries the reason for the bounce.
     */
    public void markFinished(String id, int index, boolean delivered, String reason) throws IOException {
        Path state = dirs.state().resolve(id);
        boolean created = !Files.exists(state);
        String line = (delivered ? "done " : "failed ") + index
                + (delivered ? "" : " " + reason.replaceAll("[\\r\\n\\x00]", " ")) + "\n";
        try (FileChannel ch = FileChannel.open(state, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        if (created) {
            Fsync.directory(dirs.state());
        }
    }

    /**
     * Removes a message whose recipients are all finished. The message file goes first: a crash
     * in between leaves only a state file, which recovery deletes (never a message without its
     * state, which would deliver again).
     */
    public void remove(String id) throws IOException {
        handOff.take(id);
        Files.deleteIfExists(dirs.msg().resolve(id));
        Files.deleteIfExists(dirs.state().resolve(id));
    }

    /** Moves a corrupt message file aside for a human; it is never deleted. */
    public void quarantine(String id) throws IOException {
        handOff.take(id);
        dirs.quarantine(id);
    }

    /** Ids of every committed message, oldest first (as found at open, plus later commits). */
    public List<String> ids() throws IOException {
        List<String> ids = new ArrayList<>();
        try (var stream = Files.list(dirs.msg())) {
            stream.map(p -> p.getFileName().toString()).sorted().forEach(ids::add);
        }
        return ids;
    }

    /** Whether {@code msg/ID} exists; false for anything that is not a well-formed queue id. */
    public boolean contains(String id) {
        return QueueIds.isWellFormed(id) && Files.exists(dirs.msg().resolve(id));
    }

    /**
     * Records why recipient {@code index} was deferred, for {@code dirmail queue list}. Only
     * informative: not forced, and {@link #finishedRecipients} ignores it. The directory is forced
     * when the state file is new, because a later {@link #markFinished} relies on its entry.
     */
    public void noteDeferred(String id, int index, String reason) throws IOException {
        Path state = dirs.state().resolve(id);
        boolean created = !Files.exists(state);
        String line = "deferred " + index + " " + reason.replaceAll("[\\r\\n\\x00]", " ") + "\n";
        try (FileChannel ch = FileChannel.open(state, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
        }
        if (created) {
            Fsync.directory(dirs.state());
        }
    }

    /** The maildrop directory the server picks locally injected messages up from. */
    public Path maildropDir() {
        return dirs.maildrop();
    }

    /** The directory of control requests from {@code dirmail queue}. */
    public Path controlDir() {
        return dirs.control();
    }

    /** Moves a maildrop file that cannot be trusted aside into {@code corrupt/}; never deletes it. */
    public Path quarantineMaildrop(Path file) throws IOException {
        Path target = dirs.corrupt().resolve("maildrop-" + file.getFileName());
        Files.move(file, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Fsync.directory(dirs.corrupt());
        return target;
    }

    /** Whether another process (a running server) holds the lock of the queue under {@code root}. */
    public static boolean inUse(Path root) throws IOException {
        return QueueDirectory.inUse(root);
    }

    @Override
    public void close() {
        writers.shutdown();
        try {
            writers.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        committer.close();
        dirs.close();
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // recovery removes leftovers in tmp/ at the next start
        }
    }

    /** A failed write of {@code tmp/ID}; the SMTP server answers it with 451. */
    static final class QueueWriteException extends RuntimeException {
        QueueWriteException(String id, Exception cause) {
            super("cannot write queue file " + id + ": " + cause.getMessage(), cause);
        }
    }
}
