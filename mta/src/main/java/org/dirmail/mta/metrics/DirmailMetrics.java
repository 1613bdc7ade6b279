package org.dirmail.mta.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.dirmail.directory.ldap.LdapDirectory;
import org.dirmail.mta.delivery.DeliveryOutcome;
import org.dirmail.mta.smtp.SmtpReply;
import org.dirmail.mta.smtp.SmtpRole;

/**
 * The one place dirmail's meters are defined: protocol and delivery code report events through
 * intention-revealing methods and never see a Micrometer type. Tags are low-cardinality by
 * construction (roles, reply codes, outcomes), never an address or a client IP. Thread-safe.
 */
public final class DirmailMetrics {

    /** Delivery delays an operator cares about: seconds for local mail, hours to days for retries. */
    private static final Duration[] DELIVERY_BUCKETS = {
        Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1),
        Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(1), Duration.ofDays(5)};
    private static final Duration[] LDAP_BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofMillis(100),
        Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final PrometheusMeterRegistry prometheus;
    private final Map<SmtpRole, AtomicInteger> activeSmtp = new EnumMap<>(SmtpRole.class);
    private final Map<SmtpRole, Counter> smtpConnections = new EnumMap<>(SmtpRole.class);
    private final Counter accepted;
    private final DistributionSummary messageSize;
    private final Counter pop3Logins;

    private DirmailMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus) {
        this.registry = registry;
        this.prometheus = prometheus;
        for (SmtpRole role : SmtpRole.values()) {
            AtomicInteger active = new AtomicInteger();
            activeSmtp.put(role, active);
            Gauge.builder("dirmail.smtp.connections.active", active, AtomicInteger::get)
                    .description("SMTP connections open now").tag("role", tag(role)).register(registry);
            smtpConnections.put(role, Counter.builder("dirmail.smtp.connections")
                    .description("SMTP connections accepted").tag("role", tag(role)).register(registry));
        }
        accepted = Counter.builder("dirmail.smtp.messages.accepted")
                .description("messages queued and answered 250").register(registry);
        messageSize = DistributionSummary.builder("dirmail.smtp.message.size").baseUnit("bytes")
                .description("size of accepted messages, Received: included").register(registry);
        pop3Logins = Counter.builder("dirmail.pop3.logins")
                .description("successful POP3 logins (local or proxied)").register(registry);
    }

    /** Meters kept for a Prometheus scrape ({@link #scrape}). */
    public static DirmailMetrics prometheus() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return new DirmailMetrics(registry, registry);
    }

    /** Meters that record nothing: the default where no admin listener runs, and in tests. */
    public static DirmailMetrics disabled() {
        return new DirmailMetrics(new CompositeMeterRegistry(), null);
    }

    /** The Prometheus text format (version 0.0.4) of every meter; empty when disabled. */
    public String scrape() {
        return prometheus == null ? "" : prometheus.scrape();
    }

    public void smtpConnectionOpened(SmtpRole role) {
        smtpConnections.get(role).increment();
        activeSmtp.get(role).incrementAndGet();
    }

    public void smtpConnectionClosed(SmtpRole role) {
        activeSmtp.get(role).decrementAndGet();
    }

    /**
     * Every SMTP reply written passes here; 4xx and 5xx count as rejections by code and by the
     * RFC 3463 subject of their enhanced code, and 535 as a failed login (RFC 4954 6).
     */
    public void smtpReply(SmtpReply reply) {
        if (reply.isPositive()) {
            return;
        }
        registry.counter("dirmail.smtp.rejections", "code", Integer.toString(reply.code()),
                "reason", ReasonClass.of(reply.enhanced())).increment();
        if (reply.code() == 535) {
            authFailure("smtp");
        }
    }

    /** A message was queued and answered 250; {@code bytes} as queued. */
    public void messageAccepted(long bytes) {
        accepted.increment();
        messageSize.record(bytes);
    }

    /** @param protocol "smtp" or "pop3" */
    public void tlsHandshake(String protocol, boolean success) {
        registry.counter("dirmail.tls.handshakes", "protocol", protocol, "result", success ? "success" : "failure")
                .increment();
    }

    /** A login refused for wrong credentials; @param protocol "smtp" or "pop3" */
    public void authFailure(String protocol) {
        registry.counter("dirmail.auth.failures", "protocol", protocol).increment();
    }

    public void pop3Login() {
        pop3Logins.increment();
    }

    /**
     * One recipient's delivery attempt ended.
     *
     * @param relay   "local", or the remote server (only whether it is local becomes a tag)
     * @param latency from arrival in the queue to this outcome
     */
    public void delivery(DeliveryOutcome outcome, String relay, Duration latency) {
        String result = outcome instanceof DeliveryOutcome.Delivered ? "delivered"
                : outcome instanceof DeliveryOutcome.Deferred ? "deferred" : "bounced";
        String kind = "local".equals(relay) ? "local" : "remote";
        registry.counter("dirmail.deliveries", "outcome", result, "relay", kind).increment();
        Timer.builder("dirmail.delivery.latency").description("queue arrival to delivery outcome")
                .tags("outcome", result, "relay", kind).serviceLevelObjectives(DELIVERY_BUCKETS)
                .register(registry).record(latency.isNegative() ? Duration.ZERO : latency);
    }

    /** Watches a directory pool: requests, errors, latency, and the pool's connection counts. */
    public void watch(String pool, LdapDirectory directory) {
        Timer latency = Timer.builder("dirmail.ldap.request.latency").tag("pool", pool)
                .serviceLevelObjectives(LDAP_BUCKETS).register(registry);
        Counter requests = registry.counter("dirmail.ldap.requests", "pool", pool);
        Counter errors = registry.counter("dirmail.ldap.errors", "pool", pool);
        directory.observe((nanos, failure) -> {
            requests.increment();
            latency.record(Duration.ofNanos(nanos));
            if (LdapErrors.isError(failure)) {
                errors.increment();
            }
        });
        Gauge.builder("dirmail.ldap.pool.connections.available", directory,
                d -> d.poolStatistics().getNumAvailableConnections()).tag("pool", pool).register(registry);
        Gauge.builder("dirmail.ldap.pool.connections.max", directory,
                d -> d.settings().poolSize()).tag("pool", pool).register(registry);
        FunctionCounter.builder("dirmail.ldap.pool.connect.failures", directory,
                d -> d.poolStatistics().getNumFailedConnectionAttempts()).tag("pool", pool)
                .description("failed connection attempts since start").register(registry);
    }

    /** Queue size and oldest message age, read from {@code queueDir} at scrape time (cached). */
    public void watchQueue(Path queueDir) {
        QueueGauges queue = new QueueGauges(queueDir);
        Gauge.builder("dirmail.queue.messages", queue, QueueGauges::messages)
                .description("messages in the queue").register(registry);
        Gauge.builder("dirmail.queue.oldest.age", queue, QueueGauges::oldestAgeSeconds).baseUnit("seconds")
                .description("age of the oldest queued message").register(registry);
    }

    private static String tag(SmtpRole role) {
        return role.name().toLowerCase(Locale.ROOT);
    }
}
