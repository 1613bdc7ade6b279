package org.dirmail.mta.delivery;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.dirmail.bench.BenchMessages;
import org.dirmail.bench.TempDirs;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One local delivery's disk work: {@link MaildirWriter#deliver} of a 4 KiB message with its
 * Return-Path and Delivered-To lines (CRLF to LF, write, fsync, rename into new/, fsync new/).
 * It sits in MaildirWriter's package because the writer is package-private; disk-bound by design.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = BenchMessages.QUIET_LOGS)
public class MaildirWriteBenchmark {

    private static final String[] HEADER_LINES = {
        "Return-Path: <sender@client.example.net>", "Delivered-To: alice@example.com"};

    private final byte[] message = BenchMessages.message(4096);
    private final MaildirWriter writer = new MaildirWriter("bench.localdomain");
    private Path root;
    private Path maildir;

    @Setup(Level.Trial)
    public void create() throws IOException {
        root = TempDirs.create("dirmail-bench-maildir");
        maildir = root.resolve("example.com/alice/Maildir");
    }

    /** A mailbox that grows without end would measure the filesystem's large folders; not timed. */
    @TearDown(Level.Iteration)
    public void emptyNew() throws IOException {
        TempDirs.emptyFiles(maildir.resolve("new"));
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        TempDirs.delete(root);
    }

    @Benchmark
    public Path deliver() throws IOException {
        return writer.deliver(maildir, HEADER_LINES, message);
    }
}
