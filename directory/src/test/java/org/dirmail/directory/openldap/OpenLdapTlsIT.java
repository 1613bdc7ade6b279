package org.dirmail.directory.openldap;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.auth.AuthMethod;
import org.dirmail.directory.auth.AuthResult;
import org.dirmail.directory.auth.LdapAuthenticator;
import org.dirmail.directory.auth.LoginLookup;
import org.dirmail.directory.ldap.LdapDirectory;
import org.dirmail.directory.ldap.LdapRecipientResolver;
import org.dirmail.directory.ldap.LdapSettings;
import org.dirmail.directory.ldap.LdapTls;
import org.dirmail.directory.ldap.ResolutionRules;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * LDAP over TLS against a real OpenLDAP slapd holding a certificate from a test CA: StartTLS and
 * ldaps:// with ldap_tls_ca_file work, for lookups and for the AUTH bind pool; an untrusted
 * certificate or one for another host is a directory outage (TempFail), never "no such user".
 */
class OpenLdapTlsIT {

    @TempDir
    static Path dir;

    private static Slapd slapd;
    private static Slapd otherHost;
    private static Path caFile;
    private static Path wrongCaFile;

    @BeforeAll
    static void start() throws Exception {
        Slapd.requireInstalled();
        TestCa ca = TestCa.create("dirmail test CA");
        Slapd.TlsFiles files = ca.issueServer(dir, "localhost", List.of("localhost", "127.0.0.1"));
        caFile = files.ca();
        wrongCaFile = TestCa.create("someone else's CA").writeCertificate(dir.resolve("wrong-ca.pem"));
        slapd = Slapd.start(Files.createDirectories(dir.resolve("slapd")), files);
        otherHost = Slapd.start(Files.createDirectories(dir.resolve("other")),
                ca.issueServer(dir, "other", List.of("ldap.other.example")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (slapd != null) {
            slapd.close();
        }
        if (otherHost != null) {
            otherHost.close();
        }
    }

    @Test
    void startTlsWithTheCaFileResolvesOverAnEncryptedConnection() throws Exception {
        try (LdapDirectory ldap = open(slapd.url(), new LdapTls(true, Optional.of(caFile)))) {
            assertThat(resolve(ldap, "alice@example.com")).isInstanceOf(Lookup.Found.class);
            assertThat(session(ldap)).isNotNull();
        }
    }

    @Test
    void ldapsWithTheCaFileResolves() throws Exception {
        try (LdapDirectory ldap = open(slapd.ldapsUrl(), new LdapTls(false, Optional.of(caFile)))) {
            assertThat(resolve(ldap, "bob.smith@example.com")).isInstanceOf(Lookup.Found.class);
            assertThat(session(ldap)).isNotNull();
        }
    }

    @Test
    void plainLdapWithoutStartTlsStaysPlain() throws Exception {
        try (LdapDirectory ldap = open(slapd.url(), LdapTls.NONE)) {
            assertThat(resolve(ldap, "alice@example.com")).isInstanceOf(Lookup.Found.class);
            assertThat(session(ldap)).isNull();
        }
    }

    @Test
    void certificateFromAnotherCaIsATemporaryFailureLoggedOncePerBurst() {
        ListAppender<ILoggingEvent> logged = capture();
        try (LdapDirectory startTls = open(slapd.url(), new LdapTls(true, Optional.of(wrongCaFile)));
                LdapDirectory ldaps = open(slapd.ldapsUrl(), new LdapTls(false, Optional.of(wrongCaFile)))) {
            for (int i = 0; i < 3; i++) {
                assertThat(resolve(startTls, "alice@example.com")).isInstanceOf(Lookup.TempFail.class);
                assertThat(resolve(ldaps, "nobody@example.com")).isInstanceOf(Lookup.TempFail.class);
            }
        } finally {
            release(logged);
        }
        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage)
                .hasSize(2)
                .allMatch(m -> m.contains("not trusted by ldap_tls_ca_file " + wrongCaFile))
                .anyMatch(m -> m.contains(slapd.url()))
                .anyMatch(m -> m.contains(slapd.ldapsUrl()));
    }

    @Test
    void jvmTrustStoreDoesNotTrustAPrivateCa() {
        try (LdapDirectory ldap = open(slapd.url(), new LdapTls(true, Optional.empty()))) {
            assertThat(resolve(ldap, "alice@example.com")).isInstanceOf(Lookup.TempFail.class);
        }
    }

    @Test
    void certificateForAnotherHostNameIsATemporaryFailure() {
        ListAppender<ILoggingEvent> logged = capture();
        try (LdapDirectory startTls = open(otherHost.url(), new LdapTls(true, Optional.of(caFile)));
                LdapDirectory ldaps = open(otherHost.ldapsUrl(), new LdapTls(false, Optional.of(caFile)))) {
            assertThat(resolve(startTls, "alice@example.com")).isInstanceOf(Lookup.TempFail.class);
            assertThat(resolve(ldaps, "nobody@example.com")).isInstanceOf(Lookup.TempFail.class);
        } finally {
            release(logged);
        }
        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage)
                .hasSize(2)
                .allMatch(m -> m.contains("CN=ldap.other.example) is not valid for host name 127.0.0.1"));
    }

    @Test
    void authBindPoolBindsAsTheUserOverStartTls() throws Exception {
        LdapSettings settings = settings(slapd.url(), new LdapTls(true, Optional.of(caFile)));
        try (LdapDirectory lookups = LdapDirectory.open(settings);
                LdapDirectory binds = LdapDirectory.open(settings.withPool(2, Duration.ofSeconds(30),
                        Duration.ofMinutes(5)))) {
            LdapAuthenticator auth = new LdapAuthenticator(lookups, binds, AuthMethod.BIND, LoginLookup.AUTO);

            assertThat(auth.authenticate("alice", "alice-secret").toCompletableFuture().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(AuthResult.Success.class);
            assertThat(auth.authenticate("alice", "wrong").toCompletableFuture().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(AuthResult.Failure.class);
            assertThat(session(binds)).isNotNull();
        }
    }

    @Test
    void authBindPoolWithAnUntrustedCertificateIsATemporaryFailure() throws Exception {
        LdapSettings settings = settings(slapd.url(), new LdapTls(true, Optional.of(wrongCaFile)));
        try (LdapDirectory lookups = LdapDirectory.open(settings);
                LdapDirectory binds = LdapDirectory.open(settings.withPool(2, Duration.ofSeconds(30),
                        Duration.ofMinutes(5)))) {
            LdapAuthenticator auth = new LdapAuthenticator(lookups, binds, AuthMethod.BIND, LoginLookup.AUTO);

            assertThat(auth.authenticate("alice", "alice-secret").toCompletableFuture().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(AuthResult.TempFail.class);
        }
    }

    private static LdapSettings settings(String url, LdapTls tls) {
        return LdapSettings.defaults(List.of(url), Slapd.ROOT_DN, slapd.rootPassword(), Slapd.BASE_DN)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
                .withTls(tls);
    }

    private static LdapDirectory open(String url, LdapTls tls) {
        return LdapDirectory.open(settings(url, tls));
    }

    private static Lookup resolve(LdapDirectory ldap, String address) {
        try {
            return new LdapRecipientResolver(ldap, ResolutionRules.defaults()).resolve(address)
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("resolve must complete normally: " + address, e);
        }
    }

    // The TLS session of a pooled connection; null when the connection is plain.
    private static SSLSession session(LdapDirectory ldap) throws Exception {
        return ldap.submit(pool -> {
            LDAPConnection connection = ((LDAPConnectionPool) pool).getConnection();
            try {
                return connection.getSSLSession();
            } finally {
                ((LDAPConnectionPool) pool).releaseConnection(connection);
            }
        }).get(30, TimeUnit.SECONDS);
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger("org.dirmail.directory.ldap.ServerTrust")).addAppender(appender);
        return appender;
    }

    private static void release(ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger("org.dirmail.directory.ldap.ServerTrust")).detachAppender(appender);
    }
}
