package org.dirmail.mta.server;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.dirmail.mta.config.DirmailConfig;
import org.dirmail.mta.config.HostPort;
import org.dirmail.mta.config.SmtpConfig;
import org.dirmail.mta.smtp.SmtpListener;
import org.dirmail.mta.smtp.SmtpRole;
import org.dirmail.mta.smtp.SmtpServer;
import org.dirmail.mta.smtp.SmtpServices;
import org.dirmail.mta.smtp.SmtpSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP listeners of one server (MX, submission, SMTPS), started from the configuration with
 * one shared set of services, so connection limits and the login throttle count across them. On
 * reload the settings change for new sessions, and a listener whose address changed is rebound:
 * the new socket is bound first, then the old one stops accepting while its sessions finish.
 * Thread-safe.
 */
final class SmtpListeners implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SmtpListeners.class);
    /** How often retired listeners are checked for their last session. */
    private static final long RETIRE_CHECK_MILLIS = 1_000;

    private final SmtpServices services;
    private final AtomicReference<SmtpSettings> settings;
    private final Map<SmtpRole, SmtpServer> servers = new EnumMap<>(SmtpRole.class); // guarded by this
    private final Map<SmtpRole, HostPort> addresses = new EnumMap<>(SmtpRole.class); // guarded by this
    private final List<SmtpServer> retiring = new ArrayList<>(); // guarded by this
    private ScheduledExecutorService retireCheck; // guarded by this; started by the first rebind
    private final Duration shutdownGrace;

    private SmtpListeners(SmtpServices services, SmtpSettings settings, Duration shutdownGrace) {
        this.services = services;
        this.settings = new AtomicReference<>(settings);
        this.shutdownGrace = shutdownGrace;
    }

    /** Starts every configured listener; on failure, stops those already started. */
    static SmtpListeners start(DirmailConfig config, SmtpServices services) throws InterruptedException {
        SmtpListeners listeners = new SmtpListeners(services, settings(config, config), config.smtp().shutdownGrace());
        try {
            Map<SmtpRole, SmtpServer> started = listeners.bindChanged(wanted(config.smtp()));
            synchronized (listeners) {
                listeners.servers.putAll(started);
                listeners.addresses.putAll(wanted(config.smtp()));
            }
        } catch (InterruptedException | RuntimeException e) {
            listeners.close();
            throw e;
        }
        return listeners;
    }

    /**
     * The SMTP settings of {@code fresh}, but with the keys that need a restart (hostname, local
     * domains, AUTH) as the server started with them.
     */
    static SmtpSettings settings(DirmailConfig started, DirmailConfig fresh) {
        SmtpConfig smtp = fresh.smtp();
        return new SmtpSettings(started.hostname(), started.localDomains(),
                smtp.messageSizeLimit(), smtp.maxRecipients(), smtp.maxErrors(),
                smtp.idleTimeout(), smtp.dataTimeout(), smtp.greetingDelay(),
                smtp.relayNetworks(), smtp.strictSenderLogin(),
                started.auth().allowPlaintext(), started.auth().failureDelay());
    }

    /**
     * Binds the listeners whose address {@code smtp} changes (or that it turns on), without
     * using them yet; on failure closes what it bound and throws, changing nothing.
     */
    Map<SmtpRole, SmtpServer> prepare(SmtpConfig smtp) throws InterruptedException {
        Map<SmtpRole, HostPort> wanted = wanted(smtp);
        synchronized (this) {
            wanted.entrySet().removeIf(e -> !moves(e.getKey(), e.getValue()));
        }
        return bindChanged(wanted);
    }

    /** Closes listeners {@link #prepare} bound, when the reload is abandoned. */
    static void discard(Map<SmtpRole, SmtpServer> prepared) {
        prepared.values().forEach(SmtpServer::close);
    }

    /**
     * Switches to the listeners from {@link #prepare} and to {@code fresh} settings for new
     * sessions; listeners moved or turned off stop accepting, and close once their sessions end.
     */
    synchronized void commit(SmtpConfig smtp, Map<SmtpRole, SmtpServer> prepared, SmtpSettings fresh)
            throws InterruptedException {
        settings.set(fresh);
        Map<SmtpRole, HostPort> wanted = wanted(smtp);
        for (SmtpRole role : SmtpRole.values()) {
            SmtpServer old = servers.get(role);
            boolean keep = wanted.containsKey(role) && !moves(role, wanted.get(role));
            if (old != null && !keep) {
                old.retire();
                retiring.add(old);
                servers.remove(role);
                log.info("{} listener on {} stopped accepting; its {} session(s) may finish", name(role),
                        addresses.get(role), old.openSessions());
            }
            if (prepared.containsKey(role)) {
                servers.put(role, prepared.get(role));
            }
        }
        wanted.forEach((role, hp) -> {
            if (prepared.containsKey(role)) {
                addresses.put(role, hp);
            }
        });
        addresses.keySet().retainAll(wanted.keySet());
        if (!retiring.isEmpty() && retireCheck == null) {
            retireCheck = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "smtp-retire");
                t.setDaemon(true);
                return t;
            });
            retireCheck.scheduleWithFixedDelay(this::closeIdleRetired, RETIRE_CHECK_MILLIS, RETIRE_CHECK_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Whether {@code role} must be (re)bound for {@code to}: it is not running, or runs on another
     * host, or on another port than both the configured one and the one port 0 picked (so writing
     * the picked port into the file moves nothing).
     */
    private boolean moves(SmtpRole role, HostPort to) {
        HostPort at = addresses.get(role);
        SmtpServer server = servers.get(role);
        return at == null || server == null || !at.host().equals(to.host())
                || (to.port() != at.port() && to.port() != server.port());
    }

    private void closeIdleRetired() {
        List<SmtpServer> idle = new ArrayList<>();
        synchronized (this) {
            retiring.removeIf(server -> server.openSessions() == 0 && idle.add(server));
        }
        idle.forEach(SmtpServer::close); // outside the lock: closing waits for the event loops
    }

    private Map<SmtpRole, SmtpServer> bindChanged(Map<SmtpRole, HostPort> wanted) throws InterruptedException {
        Map<SmtpRole, SmtpServer> bound = new EnumMap<>(SmtpRole.class);
        try {
            for (Map.Entry<SmtpRole, HostPort> e : wanted.entrySet()) {
                HostPort hp = e.getValue();
                bound.put(e.getKey(), SmtpServer.start(new SmtpListener(e.getKey(), hp.host(), hp.port()),
                        settings::get, services));
            }
        } catch (InterruptedException | RuntimeException e) {
            discard(bound);
            throw e;
        } catch (Exception e) {
            // Netty rethrows a BindException undeclared.
            discard(bound);
            throw new IllegalStateException(e.getMessage(), e);
        }
        return bound;
    }

    private static Map<SmtpRole, HostPort> wanted(SmtpConfig smtp) {
        Map<SmtpRole, HostPort> wanted = new EnumMap<>(SmtpRole.class);
        wanted.put(SmtpRole.MX, smtp.listen());
        smtp.submissionListen().ifPresent(hp -> wanted.put(SmtpRole.SUBMISSION, hp));
        smtp.smtpsListen().ifPresent(hp -> wanted.put(SmtpRole.SMTPS, hp));
        return wanted;
    }

    /** The real port of a running listener (useful when configured as port 0). */
    synchronized Optional<Integer> port(SmtpRole role) {
        return Optional.ofNullable(servers.get(role)).map(SmtpServer::port);
    }

    /**
     * Each configured listener by its log name ("smtp", "submission", "smtps") and whether it
     * accepts; asks whichever server holds the role at the time, so a rebind is followed.
     */
    synchronized Map<String, BooleanSupplier> bound() {
        Map<String, BooleanSupplier> bound = new LinkedHashMap<>();
        servers.keySet().forEach(role -> bound.put(name(role), () -> isBound(role)));
        return bound;
    }

    private synchronized boolean isBound(SmtpRole role) {
        SmtpServer server = servers.get(role);
        return server != null && server.isBound();
    }

    /** "smtp on 127.0.0.1:2525, submission on ..." for log lines. */
    synchronized String describe() {
        List<String> parts = new ArrayList<>();
        servers.forEach((role, server) -> parts.add(name(role) + " on " + addresses.get(role).host() + ":"
                + server.port()));
        return String.join(", ", parts);
    }

    private static String name(SmtpRole role) {
        return role == SmtpRole.MX ? "smtp" : role.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Every listener, retired ones included, stops accepting at once; sessions inside a transaction
     * then share one grace period to finish it (each gets its 250, then 421), and whatever is still
     * open after it gets 421.
     */
    @Override
    public void close() {
        List<SmtpServer> all;
        synchronized (this) {
            if (retireCheck != null) {
                retireCheck.shutdownNow();
            }
            all = new ArrayList<>(servers.values());
            all.addAll(retiring);
            servers.clear();
            retiring.clear();
        }
        all.forEach(SmtpServer::stopAccepting);
        Instant deadline = Instant.now().plus(shutdownGrace);
        all.forEach(server -> server.finish(deadline));
    }
}
