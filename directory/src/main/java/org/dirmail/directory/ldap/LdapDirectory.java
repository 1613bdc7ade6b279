package org.dirmail.directory.ldap;

import com.unboundid.ldap.sdk.FailoverServerSet;
import com.unboundid.ldap.sdk.GetEntryLDAPConnectionPoolHealthCheck;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPConnectionPoolStatistics;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPInterface;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.PostConnectProcessor;
import com.unboundid.ldap.sdk.ServerSet;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.SingleServerSet;
import com.unboundid.ldap.sdk.StartTLSPostConnectProcessor;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.SocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pool to the directory and the threads that use it: blocking LDAP calls run on
 * a small bounded executor so callers (Netty event loops) never wait. Holds the bind credentials;
 * trusts ldaps:// and StartTLS servers only through the configured CA file (or the JVM's trust
 * store) with host name verification, and sends the bind only after the TLS handshake.
 *
 * <p>Opening never contacts the directory, so the MTA starts (and answers 451) while it is down;
 * connections are made on first use, checked in the background, and replaced when broken.
 * Thread-safe.
 */
public final class LdapDirectory implements AutoCloseable {

    /** A blocking LDAP call; runs on a directory thread with the pool as its connection. */
    @FunctionalInterface
    public interface Operation<T> {
        T run(LDAPInterface ldap) throws LDAPException;
    }

    /**
     * Told how long each operation took and how it ended, for metrics; called on directory
     * threads, so it must be quick and thread-safe.
     */
    @FunctionalInterface
    public interface Observer {
        /** @param failure what the operation threw, or null when it returned */
        void completed(long nanos, Throwable failure);
    }

    private static final Logger log = LoggerFactory.getLogger(LdapDirectory.class);

    // Lookups waiting for a thread; beyond this the directory is clearly not keeping up, and a
    // quick TempFail (451) is better than an ever-growing queue.
    private static final int QUEUED_OPERATIONS_PER_THREAD = 64;

    private final LdapSettings settings;
    private final LDAPConnectionPool pool;
    private final ThreadPoolExecutor executor;
    private volatile Observer observer = (nanos, failure) -> { };

    private LdapDirectory(LdapSettings settings, LDAPConnectionPool pool, ThreadPoolExecutor executor) {
        this.settings = settings;
        this.pool = pool;
        this.executor = executor;
    }

    /**
     * Creates the pool without connecting: succeeds even when every server is down.
     *
     * @throws IllegalStateException when the pool cannot be built at all (e.g. an unreadable CA file)
     */
    public static LdapDirectory open(LdapSettings settings) {
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis((int) settings.connectTimeout().toMillis());
        options.setResponseTimeoutMillis(settings.responseTimeout().toMillis());
        options.setAbandonOnTimeout(true);
        SimpleBindRequest bind = settings.authenticated()
                ? new SimpleBindRequest(settings.bindDn(), settings.bindPassword())
                : null;
        // Reads the root DSE (cheap, readable by any client) after each bind and in the background
        // on idle connections, which finds connections a firewall dropped silently. Not after a
        // failed operation: on a hung server that check would time out too, and the retry on a
        // new connection would double it; the SDK already retries when the result code says the
        // connection is unusable (server down, decoding error, ...).
        GetEntryLDAPConnectionPoolHealthCheck healthCheck = new GetEntryLDAPConnectionPoolHealthCheck(
                "", settings.responseTimeout().toMillis(), false, true, false, false, true, false);
        try {
            LDAPConnectionPool pool = new LDAPConnectionPool(serverSet(settings, options), bind,
                    0, settings.poolSize(), 1, null, false, healthCheck);
            pool.setConnectionPoolName("dirmail-ldap");
            pool.setCreateIfNecessary(true);
            pool.setRetryFailedOperationsDueToInvalidConnections(true);
            pool.setHealthCheckIntervalMillis(settings.healthCheckInterval().toMillis());
            pool.setMaxConnectionAgeMillis(settings.maxConnectionAge().toMillis());
            log.info("LDAP directory {} (pool of {}, bind {}{})", settings.urls(), settings.poolSize(),
                    settings.authenticated() ? settings.bindDn() : "anonymous",
                    settings.tls().startTls() ? ", StartTLS trusting " + settings.tls().trustSource() : "");
            return new LdapDirectory(settings, pool, newExecutor(settings.poolSize()));
        } catch (LDAPException | GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create LDAP connection pool for " + settings.urls() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The settings this directory was opened with. */
    public LdapSettings settings() {
        return settings;
    }

    /**
     * Runs {@code operation} on a directory thread. The future fails with the operation's
     * exception, or with {@link RejectedExecutionException} when the queue is full or the
     * directory is closed; it never throws to the caller.
     */
    public <T> CompletableFuture<T> submit(Operation<T> operation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                long start = System.nanoTime();
                T value;
                try {
                    value = operation.run(pool);
                } catch (Throwable e) {
                    observer.completed(System.nanoTime() - start, e);
                    result.completeExceptionally(e);
                    return;
                }
                // Observed before completing: callbacks run inside complete() and are not LDAP time.
                observer.completed(System.nanoTime() - start, null);
                result.complete(value);
            });
        } catch (RejectedExecutionException e) {
            observer.completed(0, e);
            result.completeExceptionally(e);
        }
        return result;
    }

    /** Replaces the observer of every later operation (the default ignores them). */
    public void observe(Observer observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /** The pool's live counters (connections available, failed connects, ...), for metrics. */
    public LDAPConnectionPoolStatistics poolStatistics() {
        return pool.getConnectionPoolStatistics();
    }

    /** Stops accepting work, closes every connection, and waits briefly for running calls. */
    @Override
    public void close() {
        executor.shutdown();
        // Calls still queued or running fail fast on the closed pool, so their futures complete.
        pool.close();
        try {
            if (!executor.awaitTermination(settings.responseTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    // One SingleServerSet per URL, so ldap:// and ldaps:// may be mixed; failover in list order.
    // With StartTLS each server set upgrades its connections before the pool binds on them.
    private static ServerSet serverSet(LdapSettings settings, LDAPConnectionOptions options)
            throws LDAPException, GeneralSecurityException, IOException {
        List<ServerSet> servers = new ArrayList<>();
        for (String url : settings.urls()) {
            LDAPURL parsed = new LDAPURL(url);
            boolean ldaps = parsed.getScheme().equals("ldaps");
            if (!ldaps && !settings.tls().startTls()) {
                servers.add(new SingleServerSet(parsed.getHost(), parsed.getPort(), options));
                continue;
            }
            ServerTrust trust = ServerTrust.create(url, parsed.getHost(), settings.tls());
            LDAPConnectionOptions verified = options.duplicate();
            verified.setSSLSocketVerifier(trust.verifier());
            SocketFactory factory = ldaps ? trust.context().getSocketFactory() : SocketFactory.getDefault();
            PostConnectProcessor startTls = ldaps ? null : new StartTLSPostConnectProcessor(trust.context());
            servers.add(new SingleServerSet(parsed.getHost(), parsed.getPort(), factory, verified, null, startTls));
        }
        return new FailoverServerSet(servers);
    }

    private static ThreadPoolExecutor newExecutor(int threads) {
        AtomicInteger counter = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(threads * QUEUED_OPERATIONS_PER_THREAD),
                runnable -> {
                    Thread thread = new Thread(runnable, "ldap-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                },
                new ThreadPoolExecutor.AbortPolicy());
    }
}
