package org.dirmail.mta.admin;

import com.unboundid.ldap.sdk.LDAPException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.dirmail.directory.ldap.LdapDirectory;

/**
 * Whether this node can take and deliver mail now: the directory answers a root DSE read within
 * a bounded time, the queue's disk is writable with room left, and every listener still accepts.
 * Trusts the directory for nothing but an answer; a hung one is "down" after the timeout.
 */
public final class HealthCheck {

    /** Well below a scraper's usual 10 s timeout; a directory slower than this is not healthy. */
    static final Duration DIRECTORY_TIMEOUT = Duration.ofSeconds(3);
    /** Below this the next large message may not fit: time to page someone, not to fail writes. */
    static final long MIN_USABLE_BYTES = 64L * 1024 * 1024;

    private final LdapDirectory directory;
    private final Path queueDir;
    private final Map<String, BooleanSupplier> listeners;

    /** @param listeners each listener's name and whether it is still bound, in report order */
    public HealthCheck(LdapDirectory directory, Path queueDir, Map<String, BooleanSupplier> listeners) {
        this.directory = directory;
        this.queueDir = queueDir;
        this.listeners = new LinkedHashMap<>(listeners);
    }

    /** Completes within about {@link #DIRECTORY_TIMEOUT}, never exceptionally. */
    CompletionStage<HealthReport> check() {
        CompletableFuture<HealthReport.Check> ldap = directory.submit(d -> d.getRootDSE())
                .orTimeout(DIRECTORY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .handle((rootDse, failure) -> failure == null
                        ? new HealthReport.Check("directory", true, "root DSE read")
                        : new HealthReport.Check("directory", false, problem(failure)));
        return ldap.thenApply(directoryCheck -> {
            List<HealthReport.Check> checks = new ArrayList<>();
            checks.add(directoryCheck);
            checks.add(queue());
            listeners.forEach((name, bound) -> {
                boolean up = bound.getAsBoolean();
                checks.add(new HealthReport.Check("listener_" + name, up, up ? "accepting" : "not bound"));
            });
            return new HealthReport(checks);
        });
    }

    private HealthReport.Check queue() {
        Path msg = queueDir.resolve("msg");
        try {
            long usable = Files.getFileStore(msg).getUsableSpace();
            if (!Files.isWritable(msg)) {
                return new HealthReport.Check("queue", false, "queue directory not writable");
            }
            return new HealthReport.Check("queue", usable >= MIN_USABLE_BYTES, usable + " bytes usable");
        } catch (IOException e) {
            return new HealthReport.Check("queue", false, "cannot stat the queue file system");
        }
    }

    /** Our words, not the server's: an LDAP result code name, or what kind of failure it was. */
    private static String problem(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof TimeoutException) {
            return "no answer within " + DIRECTORY_TIMEOUT.toSeconds() + "s";
        }
        if (cause instanceof LDAPException e) {
            return "unreachable: " + e.getResultCode().getName();
        }
        return "unreachable: " + cause.getClass().getSimpleName();
    }
}
