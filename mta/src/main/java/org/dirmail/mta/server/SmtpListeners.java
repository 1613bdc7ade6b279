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
import java.util.function.BooleanSupplier;
import org.dirmail.mta.config.DirmailConfig;
import org.dirmail.mta.config.HostPort;
import org.dirmail.mta.config.SmtpConfig;
import org.dirmail.mta.smtp.SmtpListener;
import org.dirmail.mta.smtp.SmtpRole;
import org.dirmail.mta.smtp.SmtpServer;
import org.dirmail.mta.smtp.SmtpServices;
import org.dirmail.mta.smtp.SmtpSettings;

/**
 * The SMTP listeners of one server (MX, submission, SMTPS), started from the configuration with
 * one shared set of services, so connection limits and the login throttle count across them.
 */
final class SmtpListeners implements AutoCloseable {

    private final Map<SmtpRole, SmtpServer> servers = new EnumMap<>(SmtpRole.class);
    private final Duration shutdownGrace;

    private SmtpListeners(Duration shutdownGrace) {
        this.shutdownGrace = shutdownGrace;
    }

    /** Starts every configured listener; on failure, stops those already started. */
    static SmtpListeners start(DirmailConfig config, SmtpServices services) throws InterruptedException {
        SmtpConfig smtp = config.smtp();
        SmtpSettings settings = new SmtpSettings(config.hostname(), config.localDomains(),
                smtp.messageSizeLimit(), smtp.maxRecipients(), smtp.maxErrors(),
                smtp.idleTimeout(), smtp.dataTimeout(), smtp.greetingDelay(),
                smtp.relayNetworks(), smtp.strictSenderLogin(),
                config.auth().allowPlaintext(), config.auth().failureDelay());
        SmtpListeners listeners = new SmtpListeners(smtp.shutdownGrace());
        try {
            listeners.startOne(SmtpRole.MX, Optional.of(smtp.listen()), settings, services);
            listeners.startOne(SmtpRole.SUBMISSION, smtp.submissionListen(), settings, services);
            listeners.startOne(SmtpRole.SMTPS, smtp.smtpsListen(), settings, services);
        } catch (InterruptedException | RuntimeException e) {
            listeners.close();
            throw e;
        }
        return listeners;
    }

    private void startOne(SmtpRole role, Optional<HostPort> where, SmtpSettings settings, SmtpServices services)
            throws InterruptedException {
        if (where.isPresent()) {
            HostPort hp = where.get();
            servers.put(role, SmtpServer.start(new SmtpListener(role, hp.host(), hp.port()), settings, services));
        }
    }

    /** The real port of a running listener (useful when configured as port 0). */
    Optional<Integer> port(SmtpRole role) {
        return Optional.ofNullable(servers.get(role)).map(SmtpServer::port);
    }

    /** Each running listener by its log name ("smtp", "submission", "smtps") and whether it still accepts. */
    Map<String, BooleanSupplier> bound() {
        Map<String, BooleanSupplier> bound = new LinkedHashMap<>();
        servers.forEach((role, server) -> bound.put(name(role), server::isBound));
        return bound;
    }

    /** "smtp on 127.0.0.1:2525, submission on ..." for the start-up log line. */
    String describe(DirmailConfig config) {
        List<String> parts = new ArrayList<>();
        servers.forEach((role, server) -> parts.add(name(role) + " on " + hostOf(config, role) + ":" + server.port()));
        return String.join(", ", parts);
    }

    private static String name(SmtpRole role) {
        return role == SmtpRole.MX ? "smtp" : role.name().toLowerCase(Locale.ROOT);
    }

    private static String hostOf(DirmailConfig config, SmtpRole role) {
        SmtpConfig smtp = config.smtp();
        if (role == SmtpRole.SUBMISSION) {
            return smtp.submissionListen().orElseThrow().host();
        }
        return role == SmtpRole.SMTPS ? smtp.smtpsListen().orElseThrow().host() : smtp.listen().host();
    }

    /**
     * Every listener stops accepting at once; sessions inside a transaction then share one grace
     * period to finish it (each gets its 250, then 421), and whatever is still open after it gets 421.
     */
    @Override
    public void close() {
        servers.values().forEach(SmtpServer::stopAccepting);
        Instant deadline = Instant.now().plus(shutdownGrace);
        servers.values().forEach(server -> server.finish(deadline));
        servers.clear();
    }
}
