package org.dirmail.directory.embedded;

import java.io.IOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.apache.directory.api.ldap.model.name.Dn;
import org.apache.directory.server.core.DefaultDirectoryService;
import org.apache.directory.server.ldap.LdapServer;
import org.apache.directory.server.protocol.shared.transport.TcpTransport;
import org.dirmail.schema.SchemaResources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process ApacheDS holding the qmail-ldap schema and {@value #BASE_DN}, served over plain
 * LDAP on one address: for tests, demos and single-host installs. It trusts its instance
 * directory (locked, owner-only) and no client: anonymous access is off and access control on.
 * {@link #start} and {@link #close} may be called from any thread; the getters are immutable.
 */
public final class EmbeddedDirectory implements AutoCloseable {

    public static final String ADMIN_DN = "uid=admin,ou=system";
    public static final String BASE_DN = "dc=example,dc=com";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDirectory.class);
    private static final String PASSWORD_FILE = "admin.pw";
    /** Written once the sample data is in; its absence is what "first start" means. */
    private static final String SAMPLE_DATA_MARKER = "sample-data.loaded";

    private final InstanceLock lock;
    private final DefaultDirectoryService ds;
    private final LdapServer ls;
    private final String host;
    private final int port;
    private final String adminPassword;
    private final Path adminPasswordFile;
    private boolean closed;

    private EmbeddedDirectory(InstanceLock lock, DefaultDirectoryService ds, LdapServer ls, String host, int port,
            String adminPassword, Path adminPasswordFile) {
        this.lock = lock;
        this.ds = ds;
        this.ls = ls;
        this.host = host;
        this.port = port;
        this.adminPassword = adminPassword;
        this.adminPasswordFile = adminPasswordFile;
    }

    /**
     * First start: creates the instance under instanceDir, loads the qmail schema and sample data,
     * replaces the insecure admin password 'secret' by a random one. Later starts reuse the data.
     *
     * @param port the TCP port, or 0 for any free port (see {@link #port()})
     * @throws IOException if the instance is locked by another process, the port is taken, or the
     *         directory cannot be started; nothing is left running in that case
     */
    public static EmbeddedDirectory start(Path instanceDir, String host, int port) throws IOException {
        InstanceLock lock = InstanceLock.acquire(instanceDir);
        DefaultDirectoryService ds = null;
        LdapServer ls = null;
        boolean started = false;
        try {
            ds = CoreServiceBuilder.build(instanceDir.toFile());
            ds.startup();
            SchemaInstaller.install(ds);
            ds.addPartition(CoreServiceBuilder.dataPartition(ds));
            Path marker = instanceDir.resolve(SAMPLE_DATA_MARKER);
            if (!Files.exists(marker)) {
                int added = LdifImporter.addMissing(ds, SchemaResources.SAMPLE_DATA_LDIF);
                Files.writeString(marker, Instant.now() + "\n");
                LOG.info("new directory instance {}: {} sample entries loaded", instanceDir, added);
            }
            AccessControlInstaller.install(ds, new Dn(ds.getSchemaManager(), BASE_DN));
            Path passwordFile = instanceDir.resolve(PASSWORD_FILE);
            String password = AdminPassword.loadOrCreate(passwordFile);
            AdminPassword.apply(ds, password); // before listening: 'secret' never works over the network

            ls = new LdapServer();
            ls.setTransports(new TcpTransport(host, port));
            ls.setDirectoryService(ds);
            startListening(ls, host, port);
            // ls.getPort() stays 0 when 0 was asked for; the acceptor knows the real one.
            int bound = ((TcpTransport) ls.getTransports()[0]).getAcceptor().getLocalAddress().getPort();
            EmbeddedDirectory directory = new EmbeddedDirectory(lock, ds, ls, host, bound, password, passwordFile);
            LOG.info("embedded directory {} serving {} on {}", instanceDir, BASE_DN, directory.ldapUrl());
            started = true;
            return directory;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("cannot start the embedded directory in " + instanceDir + ": " + e, e);
        } finally {
            if (!started) {
                // ls.start() leaves a non-daemon acceptor thread: stop everything or the JVM never exits.
                stopQuietly(ls, ds, lock);
            }
        }
    }

    private static void startListening(LdapServer ls, String host, int port) throws Exception {
        try {
            ls.start();
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BindException) {
                    throw new IOException("cannot listen on " + host + ":" + port + ": " + t.getMessage(), e);
                }
            }
            throw e;
        }
    }

    /** The real bound port, also when 0 was asked for. */
    public int port() {
        return port;
    }

    public String ldapUrl() {
        return "ldap://" + host + ":" + port;
    }

    public String adminPassword() {
        return adminPassword;
    }

    /** The password alone, no trailing newline, mode 0600: usable as {@code ldapmodify -y FILE}. */
    public Path adminPasswordFile() {
        return adminPasswordFile;
    }

    /** Stops the listener, then the directory (which syncs it), then releases the instance. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopQuietly(ls, ds, lock);
        LOG.info("embedded directory on {} stopped", ldapUrl());
    }

    private static void stopQuietly(LdapServer ls, DefaultDirectoryService ds, InstanceLock lock) {
        if (ls != null) {
            try {
                ls.stop(); // also when start() failed half-way: its acceptor thread may be running
            } catch (RuntimeException e) {
                LOG.warn("LDAP listener stop failed", e);
            }
        }
        if (ds != null && ds.isStarted()) {
            try {
                ds.shutdown();
            } catch (Exception e) {
                LOG.warn("directory shutdown failed", e);
            }
        }
        try {
            lock.close();
        } catch (IOException e) {
            LOG.warn("cannot release the instance lock", e);
        }
    }
}
