package org.dirmail.mta.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.dirmail.directory.Lookup;
import org.dirmail.mta.delivery.DeliveryPlan;
import org.dirmail.mta.quota.MaildirQuota;
import org.dirmail.mta.quota.QuotaLimits;
import org.dirmail.mta.quota.QuotaPolicy;
import org.dirmail.mta.smtp.MailboxCheck;

/**
 * The RCPT-time quota check: finds the recipient's Maildir the way delivery does and reads its
 * {@code maildirsize} on a small thread pool of its own, never on an SMTP event loop. The file
 * is only rescanned by the Maildir++ rule (missing, for other limits, or "full" but untrusted),
 * so a mailbox that stays full costs one scan per 15 minutes.
 */
final class MailboxQuotaCheck implements MailboxCheck, AutoCloseable {

    private final Path mailRoot;
    private final QuotaPolicy policy;
    private final MaildirQuota quota = new MaildirQuota(Clock.systemUTC());
    private final ExecutorService workers;

    MailboxQuotaCheck(Path mailRoot, QuotaPolicy policy, int threads) {
        this.mailRoot = mailRoot;
        this.policy = policy;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "quota-check-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletionStage<Boolean> hasRoom(Lookup.Found recipient, long declaredSize) {
        QuotaLimits limits = policy.limitsFor(recipient.user());
        Optional<Path> maildir = DeliveryPlan.of(recipient, mailRoot).maildir();
        if (limits.unlimited() || maildir.isEmpty()) {
            return CompletableFuture.completedFuture(true); // no quota, or no local copy to count
        }
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return !quota.usage(maildir.get(), limits, declaredSize).wouldExceed(limits, declaredSize);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, workers);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e); // shutting down
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
