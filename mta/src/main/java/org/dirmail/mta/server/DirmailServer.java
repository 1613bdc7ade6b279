package org.dirmail.mta.server;

import java.nio.file.Files;
import java.time.Clock;
import org.dirmail.directory.RecipientResolver;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.dirmail.directory.ldap.LdapDirectory;
import org.dirmail.directory.ldap.LdapRecipientResolver;
import org.dirmail.directory.ldap.LdapSettings;
import org.dirmail.mta.config.DirmailConfig;
import org.dirmail.mta.delivery.DeliveryScheduler;
import org.dirmail.mta.delivery.RetrySchedule;
import org.dirmail.mta.delivery.Router;
import org.dirmail.mta.queue.FileQueue;
import org.dirmail.mta.smtp.SmtpServer;
import org.dirmail.mta.smtp.SmtpSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running dirmail: directory, queue, delivery and listeners, started in dependency order and
 * stopped in reverse. Owns every long-lived resource; nothing else starts threads of its own.
 */
public final class DirmailServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DirmailServer.class);

    private final Closer closer = new Closer();
    private EmbeddedDirectory embedded;
    private SmtpServer smtp;

    private DirmailServer() {
    }

    /** Starts everything; on any failure, stops what was started and rethrows. */
    public static DirmailServer start(DirmailConfig config) throws Exception {
        DirmailServer server = new DirmailServer();
        try {
            server.startAll(config);
            return server;
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    private void startAll(DirmailConfig config) throws Exception {
        Files.createDirectories(config.dataDir());
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
        RecipientResolver resolver = new LdapRecipientResolver(directory);

        FileQueue queue = closer.add(FileQueue.open(config.queueDir(), 4));
        Router router = new Router(resolver, queue, config.localDomains(), config.mailRoot(), config.hostname(),
                ldap.responseTimeout().multipliedBy(3).toMillis() + 5000);
        DeliveryScheduler scheduler = closer.add(new DeliveryScheduler(queue, router,
                config.delivery().localConcurrency(), new RetrySchedule(config.delivery().localRetryConstant()), Clock.systemUTC()));
        queue.onCommitted(scheduler::submit);
        scheduler.startWithQueued();

        SmtpSettings smtpSettings = new SmtpSettings(config.hostname(), config.smtp().messageSizeLimit(),
                config.smtp().maxRecipients(), config.localDomains(), config.smtp().idleTimeout(),
                config.smtp().maxErrors());
        smtp = closer.add(SmtpServer.start(config.smtp().listen().host(), config.smtp().listen().port(),
                smtpSettings, resolver, queue));
        log.info("dirmail {} ready: smtp on {}:{}, queue {}, mail root {}", config.hostname(),
                config.smtp().listen().host(), smtp.port(), config.queueDir(), config.mailRoot());
    }

    /** The SMTP listener's real port (useful when configured as port 0). */
    public int smtpPort() {
        return smtp.port();
    }

    /** The embedded directory, or null when an external one is configured. */
    public EmbeddedDirectory embeddedDirectory() {
        return embedded;
    }

    /** Stops listeners first, then delivery, the queue and the directory. Idempotent. */
    @Override
    public void close() {
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
