package org.dirmail.mta.pop3;

import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one session's blocking Maildir work on the shared disk executor, one task after the other
 * in submission order, so the event loop never waits on the disk and a commit or the final
 * release can never overtake a read. It owns the open mailbox and message reader: {@link #release}
 * closes whatever is open when the queue reaches it, even if the session is already gone. Submit
 * from the event loop only; the owned fields are touched by queued tasks only.
 */
final class MailboxWorker {

    private static final Logger log = LoggerFactory.getLogger(MailboxWorker.class);

    private final Executor executor;
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
    private Pop3Mailbox mailbox;
    private MessageReader reader;
    /** {@link #release} was called: nothing may be queued after it, so nothing opened stays locked. */
    private boolean released;

    MailboxWorker(Executor executor) {
        this.executor = executor;
    }

    /** Locks and lists the Maildir; the worker owns it until {@link #release}. */
    CompletionStage<Pop3Mailbox> open(Path maildir) {
        return submit(() -> {
            mailbox = Pop3Mailbox.open(maildir);
            return mailbox;
        });
    }

    /** Opens a message for RETR ({@code bodyLines < 0}) or TOP. */
    CompletionStage<MessageReader> read(Pop3Mailbox.Message message, long bodyLines) {
        return submit(() -> {
            closeReader();
            reader = mailbox.read(message, bodyLines);
            return reader;
        });
    }

    /** The next encoded piece of the message being sent. */
    CompletionStage<MessageReader.Chunk> next(ByteBufAllocator alloc) {
        return submit(() -> reader.next(alloc));
    }

    /** Runs {@code task} on the mailbox after everything submitted before. */
    <T> CompletionStage<T> submit(Callable<T> task) {
        if (released) {
            return CompletableFuture.failedFuture(new IOException("session closed"));
        }
        CompletableFuture<T> result = tail.handle((ignored, earlier) -> null)
                .thenApplyAsync(ignored -> call(task), executor);
        tail = result;
        return result;
    }

    /** Closes the reader and unlocks the mailbox once the queued work is done. Commits nothing. */
    void release() {
        if (released) {
            return;
        }
        CompletionStage<Void> last = submit(() -> {
            closeReader();
            if (mailbox != null) {
                mailbox.close();
                mailbox = null;
            }
            return null;
        });
        released = true;
        last.exceptionally(failure -> {
            log.warn("releasing the mailbox failed: {}", String.valueOf(failure));
            return null;
        });
    }

    private void closeReader() throws IOException {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    private static <T> T call(Callable<T> task) {
        try {
            return task.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }
}
