package org.dirmail.bench;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dirmail.mta.queue.Envelope;
import org.dirmail.mta.queue.FileQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The commit behind every "250 queued": {@link FileQueue#enqueue} of a 4 KiB message with real
 * fsyncs of file and directory, on a temp folder, by 1 and by 20 concurrent sessions (the bench's
 * session count), so group commit shows. Disk-bound by design: the figure says what the disk
 * under {@code java.io.tmpdir} allows, not what the CPU does.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = BenchMessages.QUIET_LOGS)
public class QueueCommitBenchmark {

    /** As the server opens it (DirmailServer). */
    private static final int WRITER_THREADS = 4;

    private final byte[] message = BenchMessages.message(4096);
    private final Envelope envelope = new Envelope("sender@client.example.net", List.of("alice@example.com"),
            "192.0.2.10", Instant.parse("2025-01-01T00:00:00Z"));
    private Path root;
    private FileQueue queue;

    @Setup(Level.Trial)
    public void open() throws IOException {
        root = TempDirs.create("dirmail-bench-queue");
        queue = FileQueue.open(root.resolve("queue"), WRITER_THREADS);
    }

    /** Keeps the message folder small, as delivery would; not timed. */
    @TearDown(Level.Iteration)
    public void removeCommitted() throws IOException {
        for (String id : queue.ids()) {
            queue.remove(id);
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        if (queue != null) {
            queue.close();
        }
        TempDirs.delete(root);
    }

    @Benchmark
    @Threads(1)
    public String oneSession() {
        return enqueue();
    }

    @Benchmark
    @Threads(20)
    public String twentySessions() {
        return enqueue();
    }

    private String enqueue() {
        return queue.enqueue(envelope, Unpooled.wrappedBuffer(message)).toCompletableFuture().join();
    }
}
