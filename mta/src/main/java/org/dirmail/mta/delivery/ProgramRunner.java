package org.dirmail.mta.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs one delivery program as qmail-local does ({@code qmail-command(8)}): {@code /bin/sh -c
 * COMMAND} with the message on standard input, in a clean environment, and turns its exit code
 * into an outcome. The program runs as the dirmail user (Java cannot switch users), so the
 * command and everything it receives are trusted only as far as {@code allow_programs} says.
 */
final class ProgramRunner {

    /** The only PATH a program sees: nothing from dirmail's own environment leaks in. */
    static final String PATH = "/usr/bin:/bin";
    /** How much of the program's output goes into the log and the failure detail. */
    static final int OUTPUT_LIMIT = 1000;
    /** qmail-command(8): these exit codes are hard errors besides 100. */
    private static final Set<Integer> PERMANENT = Set.of(64, 65, 70, 76, 77, 78, 100, 112);
    private static final long OUTPUT_DRAIN_MILLIS = 2000;

    private final Duration timeout;

    /** @param timeout how long a program may run before it and its children are killed */
    ProgramRunner(Duration timeout) {
        this.timeout = timeout;
    }

    /** What a program did. */
    enum Status {
        /** exit 0 */
        DELIVERED,
        /** exit 99: delivered, and no further instruction for this recipient runs */
        DELIVERED_STOP,
        /** 100 and the other hard codes: bounce */
        FAILED,
        /** 111, any other code, a signal, a timeout, or no way to start it: retry later */
        DEFERRED
    }

    /**
     * The result of one run.
     *
     * @param output the first {@link #OUTPUT_LIMIT} bytes of stdout and stderr, controls replaced
     */
    record Result(Status status, int exitCode, String output, String detail) {
    }

    /**
     * Runs {@code command}; never throws for anything the program does.
     *
     * @param env     the variables the program gets besides PATH (SENDER, RECIPIENT, ...)
     * @param workDir the directory to run in, used only when it exists
     */
    Result run(String command, byte[] stdin, Map<String, String> env, Path workDir) {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", PATH);
        env.forEach((name, value) -> builder.environment().put(name, value.replace("\0", "")));
        if (workDir != null && Files.isDirectory(workDir)) {
            builder.directory(workDir.toFile());
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return new Result(Status.DEFERRED, -1, "", "cannot run /bin/sh: " + e.getMessage());
        }
        Thread feeder = daemon("program-stdin", () -> feed(process.getOutputStream(), stdin));
        BoundedSink sink = new BoundedSink(process.getInputStream());
        Thread reader = daemon("program-output", sink);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(process);
                return new Result(Status.DEFERRED, -1, sink.text(), "program timed out after "
                        + timeout.toSeconds() + " s and was killed" + said(sink.text()));
            }
            // A background child may keep the output open: wait a little, not for ever.
            reader.join(OUTPUT_DRAIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(process);
            return new Result(Status.DEFERRED, -1, sink.text(), "interrupted while the program ran");
        } finally {
            feeder.interrupt();
            closeQuietly(process.getInputStream());
        }
        return result(process.exitValue(), sink.text());
    }

    private static Result result(int code, String output) {
        if (code == 0) {
            return new Result(Status.DELIVERED, code, output, "program exited 0");
        }
        if (code == 99) {
            return new Result(Status.DELIVERED_STOP, code, output, "program exited 99: no further deliveries");
        }
        Status status = PERMANENT.contains(code) ? Status.FAILED : Status.DEFERRED;
        // sh reports a signal as 128+n.
        String how = code > 128 && code < 160 ? "program was killed by signal " + (code - 128) : "program exited " + code;
        return new Result(status, code, output, how + said(output));
    }

    private static String said(String output) {
        return output.isEmpty() ? "" : ": " + output;
    }

    private static void feed(OutputStream in, byte[] stdin) {
        try (in) {
            in.write(stdin);
        } catch (IOException e) {
            // The program did not read all of its input (EPIPE): its exit code decides.
        }
    }

    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // Nothing left to read from it.
        }
    }

    /** Reads everything the program writes (so it never blocks on a full pipe), keeping the start. */
    private static final class BoundedSink implements Runnable {
        private final InputStream in;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();

        BoundedSink(InputStream in) {
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (kept) {
                        kept.write(buf, 0, Math.min(n, Math.max(0, OUTPUT_LIMIT - kept.size())));
                    }
                }
            } catch (IOException e) {
                // Closed after the program ended: what was kept is the output.
            }
        }

        /** The kept output as one log-safe line: controls and non-ASCII bytes become '?'. */
        String text() {
            byte[] bytes;
            synchronized (kept) {
                bytes = kept.toByteArray();
            }
            StringBuilder out = new StringBuilder(bytes.length);
            for (byte b : bytes) {
                out.append(b == '\n' ? ' ' : (b >= 0x20 && b < 0x7f ? (char) b : '?'));
            }
            return out.toString().trim();
        }
    }
}
