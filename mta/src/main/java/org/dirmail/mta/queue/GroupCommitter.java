package org.dirmail.mta.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves fsynced message files from {@code tmp/} into {@code msg/} and makes the moves durable
 * with one directory fsync per batch: every commit waiting while the previous fsync ran shares
 * the next one. This is where concurrent SMTP sessions' acknowledgements are grouped.
 *
 * <p>One daemon thread; a commit completes only after the directory fsync that covers it.
 */
final class GroupCommitter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitter.class);

    private record Pending(Path from, Path to, CompletableFuture<Void> done) {
    }

    private final Path targetDir;
    private final BlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    GroupCommitter(Path targetDir) {
        this.targetDir = targetDir;
        this.thread = new Thread(this::run, "queue-commit");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Atomically renames {@code from} to {@code to} (in the target directory) and makes it durable. */
    CompletableFuture<Void> commit(Path from, Path to) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IOException("queue is shutting down"));
            return done;
        }
        pending.add(new Pending(from, to, done));
        return done;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        while (!closed || !pending.isEmpty()) {
            try {
                Pending first = pending.take();
                batch.add(first);
                pending.drainTo(batch);
                commitBatch(batch);
            } catch (InterruptedException e) {
                if (closed) {
                    break;
                }
            } finally {
                batch.clear();
            }
        }
        Pending left;
        while ((left = pending.poll()) != null) {
            left.done().completeExceptionally(new IOException("queue is shutting down"));
        }
    }

    private void commitBatch(List<Pending> batch) {
        List<Pending> moved = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            try {
                Files.move(p.from(), p.to(), StandardCopyOption.ATOMIC_MOVE);
                moved.add(p);
            } catch (IOException | RuntimeException e) {
                log.error("cannot move {} into the queue: {}", p.from(), e.toString());
                p.done().completeExceptionally(e);
            }
        }
        if (moved.isEmpty()) {
            return;
        }
        try {
            Fsync.directory(targetDir);
            moved.forEach(p -> p.done().complete(null));
        } catch (IOException | RuntimeException e) {
            // The renames may or may not be durable: report failure (the client retries); a
            // duplicate after a crash is acceptable, a false 250 is not.
            log.error("cannot fsync queue directory {}: {}", targetDir, e.toString());
            moved.forEach(p -> p.done().completeExceptionally(e));
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
