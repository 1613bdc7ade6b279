package org.dirmail.mta.server;

import java.io.IOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import org.dirmail.directory.MailGroups;
import org.dirmail.directory.RecipientResolver;
import org.dirmail.directory.auth.AuthMethod;
import org.dirmail.directory.auth.AuthThrottle;
import org.dirmail.directory.auth.Authenticator;
import org.dirmail.directory.auth.LdapAuthenticator;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.dirmail.directory.ldap.LdapDirectory;
import org.dirmail.directory.ldap.LdapMailGroups;
import org.dirmail.directory.ldap.LdapRecipientResolver;
import org.dirmail.directory.ldap.LdapSettings;
import org.dirmail.mta.admin.AdminServer;
import org.dirmail.mta.admin.HealthCheck;
import org.dirmail.mta.bounce.Bouncer;
import org.dirmail.mta.config.ClusterConfig;
import org.dirmail.mta.config.ConfigException;
import org.dirmail.mta.config.ConfigSource;
import org.dirmail.mta.config.DirmailConfig;
import org.dirmail.mta.config.HostPort;
import org.dirmail.mta.config.TlsConfig;
import org.dirmail.mta.delivery.AutoReply;
import org.dirmail.mta.delivery.ClusterRelay;
import org.dirmail.mta.delivery.DeliveryScheduler;
import org.dirmail.mta.delivery.InlineDelivery;
import org.dirmail.mta.dns.MxResolver;
import org.dirmail.mta.delivery.RetrySchedule;
import org.dirmail.mta.delivery.Router;
import org.dirmail.mta.metrics.DirmailMetrics;
import org.dirmail.mta.pop3.Pop3ProxySettings;
import org.dirmail.mta.pop3.Pop3ProxyTargets;
import org.dirmail.mta.pop3.Pop3Server;
import org.dirmail.mta.pop3.Pop3Settings;
import org.dirmail.mta.queue.FileQueue;
import org.dirmail.mta.queue.MessageQueue;
import org.dirmail.mta.remote.SmtpClientTransport;
import org.dirmail.mta.smtp.ConnectionLimiter;
import org.dirmail.mta.smtp.SmtpRole;
import org.dirmail.mta.smtp.SmtpServices;
import org.dirmail.mta.smtp.SmtpServer;
import org.dirmail.mta.smtp.SmtpSettings;
import org.dirmail.tls.ClientTls;
import org.dirmail.tls.ServerTls;
import org.dirmail.tls.TlsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running dirmail: directory, queue, delivery and listeners, started in dependency order and
 * stopped in reverse. Owns every long-lived resource; nothing else starts threads of its own.
 * {@link #reload} re-reads the configuration and applies what can change while running.
 */
public final class DirmailServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DirmailServer.class);

    /** How often certificate files are checked for changes (a reload needs no restart). */
    private static final Duration TLS_RELOAD_CHECK = Duration.ofSeconds(30);

    /** RCPT-time quota checks read one small file each; a few threads keep up with many sessions. */
    private static final int QUOTA_CHECK_THREADS = 4;

    private final Closer closer = new Closer();
    /** Where a reload reads the configuration; empty when started from a config object alone. */
    private final Optional<ConfigSource> source;
    private DirmailConfig started;
    private DirmailConfig applied; // guarded by this: the configuration of the last reload
    private LiveTls tls;
    /** Set once everything has started, cleared by {@link #close}: reload only a whole server. */
    private volatile boolean running;
    private ConnectionLimiter connections;
    private EmbeddedDirectory embedded;
    private SmtpListeners smtp;
    private Pop3Server pop3;
    private Pop3Server pop3s;
    private AdminServer admin;
    /** Prometheus meters when the admin listener runs; otherwise meters that record nothing. */
    private DirmailMetrics metrics = DirmailMetrics.disabled();

    private DirmailServer(Optional<ConfigSource> source) {
        this.source = source;
    }

    /** Starts everything; on any failure, stops what was started and rethrows. {@link #reload} is refused. */
    public static DirmailServer start(DirmailConfig config) throws Exception {
        return start(config, Optional.empty());
    }

    /** Loads the configuration from {@code source} and starts; {@link #reload} reads it again. */
    public static DirmailServer start(ConfigSource source) throws Exception {
        return start(source.load(), source);
    }

    /** Starts with {@code config}, already loaded from {@code source}; {@link #reload} reads the source again. */
    public static DirmailServer start(DirmailConfig config, ConfigSource source) throws Exception {
        return start(config, Optional.of(source));
    }

    private static DirmailServer start(DirmailConfig config, Optional<ConfigSource> source) throws Exception {
        DirmailServer server = new DirmailServer(source);
        try {
            server.startAll(config);
            return server;
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    private void startAll(DirmailConfig config) throws Exception {
        started = config;
        applied = config;
        Files.createDirectories(config.dataDir());
        if (config.admin().listen().isPresent()) {
            metrics = DirmailMetrics.prometheus();
        }
        String embeddedUrl = null;
        if (config.ldap().embedded()) {
            embedded = EmbeddedDirectory.start(config.embeddedDirectoryDir(),
                    config.ldap().embeddedListen().host(), config.ldap().embeddedListen().port());
            closer.add(embedded);
            embeddedUrl = embedded.ldapUrl();
            log.info("embedded directory listening on {} (admin {}, password in {})", embeddedUrl,
                    EmbeddedDirectory.ADMIN_DN, embedded.adminPasswordFile());
        }
        LdapSettings ldap = DirectoryAccess.settings(config, embeddedUrl);
        LdapDirectory directory = closer.add(LdapDirectory.open(ldap));
        metrics.watch("lookup", directory);
        RecipientResolver resolver = new LdapRecipientResolver(directory, config.addresses());
        MailGroups groups = new LdapMailGroups(directory, resolver);
        Authenticator authenticator = authenticator(config, ldap, directory);
        AuthThrottle throttle = new AuthThrottle(config.auth().maxFailures(), config.auth().failureWindow(),
                Clock.systemUTC());
        tls = closer.add(LiveTls.start(tlsSettings(config, config.tls())));

        FileQueue queue = closer.add(FileQueue.open(config.queueDir(), 4));
        metrics.watchQueue(config.queueDir());
        SmtpClientTransport remote = closer.add(SmtpClientTransport.start(config.remote().settings(config.hostname()),
                MxResolver.create(config.remote().dns())));
        long deliveryTimeout = ldap.responseTimeout().multipliedBy(3).toMillis() + 5000;
        // Mail of users on other nodes goes there over SMTP (qmail-ldap.md §6); replies are queued like forwards.
        ClusterRelay cluster = new ClusterRelay(config.cluster().nodeNames(), config.hostname(),
                config.cluster().smtpPort(), remote::deliver);
        AutoReply autoReply = AutoReply.open(queue, config.dataDir().resolve("autoreply"),
                config.delivery().autoreplyInterval(), config.hostname(), Clock.systemUTC(), deliveryTimeout);
        Router router = new Router(resolver, groups, queue, config.localDomains(), config.mailRoot(),
                config.hostname(), deliveryTimeout, config.quota(), config.delivery().programs(), Optional.of(cluster),
                Optional.of(autoReply));
        DeliveryScheduler scheduler = closer.add(new DeliveryScheduler(queue, router, remote,
                config.delivery().concurrency(), new RetrySchedule(config.delivery().localRetryConstant()),
                new RetrySchedule(config.delivery().remoteRetryConstant()),
                new Bouncer(queue, config.hostname(), config.delivery().postmasterAddress(),
                        config.delivery().bounceSizeLimit(), Clock.systemUTC()),
                config.delivery().queueLifetime(), Clock.systemUTC()));
        scheduler.reportTo(metrics);
        queue.onCommitted(scheduler::submit);
        scheduler.startWithQueued();
        closer.add(QueueWatcher.start(queue, scheduler,
                new MaildropPickup(queue, config.hostname(), config.smtp().messageSizeLimit(), Clock.systemUTC()),
                this::reload));

        MailboxQuotaCheck quotaCheck = closer.add(new MailboxQuotaCheck(config.mailRoot(), config.quota(),
                QUOTA_CHECK_THREADS));
        connections = new ConnectionLimiter(config.smtp().maxConnections(), config.smtp().maxConnectionsPerIp());
        // SMTP messages for local recipients are delivered before the reply when a worker is free.
        MessageQueue accepted = config.delivery().inline() ? new InlineDelivery(queue, scheduler) : queue;
        SmtpServices services = new SmtpServices(resolver, groups, accepted, authenticator, throttle,
                Optional.of(tls::newServerEngine), connections, quotaCheck, metrics);
        smtp = closer.add(SmtpListeners.start(config, services));
        String pop3Ports = startPop3(config, authenticator, throttle, tls);
        startAdmin(config, directory);
        running = true;
        log.info("dirmail {} ready: {}{}, queue {}, mail root {}", config.hostname(), smtp.describe(),
                pop3Ports, config.queueDir(), config.mailRoot());
    }

    /** POP3 with STLS and POP3S, sharing the authenticator, throttle and certificates with SMTP. */
    private String startPop3(DirmailConfig config, Authenticator authenticator, AuthThrottle throttle, LiveTls tls)
            throws InterruptedException, IOException, GeneralSecurityException {
        Pop3Settings settings = new Pop3Settings(config.cluster().nodeNames(), config.mailRoot(),
                config.pop3().idleTimeout(), config.auth().allowPlaintext(), config.auth().failureDelay(),
                Pop3Settings.DEFAULT_MAX_BAD_COMMANDS, pop3Proxy(config.cluster()));
        StringBuilder ports = new StringBuilder();
        if (config.pop3().listen().isPresent()) {
            HostPort hp = config.pop3().listen().get();
            pop3 = closer.add(Pop3Server.start(hp.host(), hp.port(), settings, authenticator, throttle,
                    tls::newServerEngine, false, metrics));
            ports.append(", pop3 on ").append(hp.host()).append(':').append(pop3.port());
        }
        if (config.pop3().pop3sListen().isPresent()) {
            HostPort hp = config.pop3().pop3sListen().get();
            pop3s = closer.add(Pop3Server.start(hp.host(), hp.port(), settings, authenticator, throttle,
                    tls::newServerEngine, true, metrics));
            ports.append(", pop3s on ").append(hp.host()).append(':').append(pop3s.port());
        }
        return ports.toString();
    }

    /** Metrics and health over HTTP, started last so the health check sees every listener. */
    private void startAdmin(DirmailConfig config, LdapDirectory directory) throws InterruptedException {
        if (config.admin().listen().isEmpty()) {
            return;
        }
        Map<String, BooleanSupplier> listeners = new LinkedHashMap<>(smtp.bound());
        if (pop3 != null) {
            listeners.put("pop3", pop3::isBound);
        }
        if (pop3s != null) {
            listeners.put("pop3s", pop3s::isBound);
        }
        HostPort hp = config.admin().listen().get();
        admin = closer.add(AdminServer.start(hp.host(), hp.port(), metrics::scrape,
                new HealthCheck(directory, config.queueDir(), listeners)));
    }

    /** The POP3 proxy to users' nodes, unless pop3_proxy = no; certificates are read once, here. */
    private static Optional<Pop3ProxySettings> pop3Proxy(ClusterConfig cluster)
            throws IOException, GeneralSecurityException {
        if (!cluster.pop3Proxy()) {
            return Optional.empty();
        }
        SSLContext clientTls = null;
        if (cluster.pop3ProxyTls() != Pop3ProxySettings.Tls.NONE) {
            clientTls = cluster.pop3ProxyCaFile().isPresent()
                    ? ClientTls.trustingPem(cluster.pop3ProxyCaFile().get()) : ClientTls.systemTrust();
        }
        return Optional.of(new Pop3ProxySettings(cluster.pop3ProxyTls(), clientTls,
                Pop3ProxyTargets.dns(cluster.pop3ProxyPort()), Pop3ProxySettings.DEFAULT_TIMEOUT));
    }

    /** Password checks: by binding on a pool of their own, or by comparing hashes read as the service DN. */
    private Authenticator authenticator(DirmailConfig config, LdapSettings ldap, LdapDirectory lookups) {
        LdapDirectory binds = null;
        if (config.auth().method() == AuthMethod.BIND) {
            binds = closer.add(LdapDirectory.open(ldap.withPool(config.ldap().authPoolSize(),
                    ldap.healthCheckInterval(), ldap.maxConnectionAge())));
            metrics.watch("auth", binds);
        }
        return new LdapAuthenticator(lookups, binds, config.auth().method(), config.auth().loginLookup());
    }

    /** The certificates {@code tls} names; the self-signed fallback stays where and as whom the server started. */
    private static TlsSettings tlsSettings(DirmailConfig started, TlsConfig tls) {
        List<TlsSettings.SniEntry> sni = tls.sniCertificates().stream()
                .map(c -> new TlsSettings.SniEntry(c.hostname(), c.certFile(), c.keyFile())).toList();
        return new TlsSettings(tls.certFile(), tls.keyFile(), tls.keyPassphraseFile(), sni,
                started.tls().selfSignedDir(), started.hostname(), TLS_RELOAD_CHECK);
    }

    /**
     * Reads the configuration again and applies what can change while running (see
     * {@link ReloadPlan#LIVE}): SMTP settings for new sessions, connection limits, server
     * certificates, and listeners whose address changed, rebound without cutting the sessions in
     * flight. All or nothing: a configuration that does not load, certificates that do not load,
     * or an address that cannot be bound refuse the reload and the running settings stay.
     */
    public synchronized ReloadResult reload() {
        if (source.isEmpty()) {
            return refused("this server was not started from a configuration file");
        }
        if (!running) {
            return refused("the server is starting or stopping");
        }
        DirmailConfig fresh;
        try {
            fresh = source.get().load();
        } catch (ConfigException e) {
            return refused(e.getMessage());
        }
        ReloadPlan plan = ReloadPlan.between(started, applied, fresh);
        for (var key : plan.restart()) {
            log.warn("reload: key {} changed: needs a restart", key.key());
        }
        TlsSettings freshTls = tlsSettings(started, fresh.tls());
        ServerTls preparedTls;
        try {
            preparedTls = tls.prepare(freshTls);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return refused("TLS certificates: " + e.getMessage());
        }
        Map<SmtpRole, SmtpServer> bound;
        try {
            bound = smtp.prepare(fresh.smtp());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            discard(preparedTls);
            return refused("interrupted while binding");
        } catch (RuntimeException e) {
            discard(preparedTls);
            return refused("cannot bind an SMTP listener: " + e.getMessage());
        }
        tls.commit(preparedTls, freshTls);
        connections.setLimits(fresh.smtp().maxConnections(), fresh.smtp().maxConnectionsPerIp());
        SmtpSettings settings = SmtpListeners.settings(started, fresh);
        try {
            smtp.commit(fresh.smtp(), bound, settings);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        applied = fresh;
        String message = plan.describe() + "; listening: " + smtp.describe();
        log.info("configuration reloaded from {}: {}", source.get().describe(), message);
        return ReloadResult.applied(message);
    }

    private ReloadResult refused(String why) {
        log.error("reload refused, running configuration kept: {}", why);
        return ReloadResult.refused(why);
    }

    private static void discard(ServerTls prepared) {
        if (prepared != null) {
            prepared.close();
        }
    }

    /** The MX listener's real port (useful when configured as port 0). */
    public int smtpPort() {
        return smtp.port(SmtpRole.MX).orElseThrow();
    }

    /** The real port of the submission or SMTPS listener, when it runs. */
    public Optional<Integer> smtpPort(SmtpRole role) {
        return smtp.port(role);
    }

    /** The real port of the POP3 (STLS) listener, or of the POP3S listener when {@code implicitTls}. */
    public Optional<Integer> pop3Port(boolean implicitTls) {
        return Optional.ofNullable(implicitTls ? pop3s : pop3).map(Pop3Server::port);
    }

    /** The real port of the admin (metrics and health) listener, when it runs. */
    public Optional<Integer> adminPort() {
        return Optional.ofNullable(admin).map(AdminServer::port);
    }

    /** The embedded directory, or null when an external one is configured. */
    public EmbeddedDirectory embeddedDirectory() {
        return embedded;
    }

    /** Stops listeners first, then delivery, the queue and the directory. Idempotent. */
    @Override
    public void close() {
        running = false;
        if (closer.isEmpty()) {
            return;
        }
        log.info("dirmail stopping: listeners first, then deliveries in progress");
        closer.close();
        log.info("dirmail stopped");
    }

    /** Closes resources in reverse order of creation, logging (not throwing) failures. */
    private static final class Closer implements AutoCloseable {
        private final java.util.Deque<AutoCloseable> stack = new java.util.ArrayDeque<>();

        synchronized boolean isEmpty() {
            return stack.isEmpty();
        }

        synchronized <T extends AutoCloseable> T add(T resource) {
            stack.push(resource);
            return resource;
        }

        @Override
        public synchronized void close() {
            while (!stack.isEmpty()) {
                AutoCloseable c = stack.pop();
                try {
                    c.close();
                } catch (Exception e) {
                    log.warn("error while stopping {}: {}", c.getClass().getSimpleName(), e.toString());
                }
            }
        }
    }
}
