package org.dirmail.directory.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.schema.ObjectClassType;
import com.unboundid.ldap.sdk.schema.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded directory seen from a real LDAP client over loopback: schema, sample data, binds,
 * the admin password file, persistence, and who may read or write what.
 */
class EmbeddedDirectoryTest {

    private static final String HOST = "127.0.0.1";
    private static final String PEOPLE = "ou=people," + EmbeddedDirectory.BASE_DN;
    private static final String ALICE = "uid=alice," + PEOPLE;
    private static final String BOB = "uid=bob," + PEOPLE;
    private static final String CAROL = "uid=carol," + PEOPLE;

    @TempDir
    static Path sharedDir;
    private static EmbeddedDirectory shared;

    @BeforeAll
    static void startShared() throws IOException {
        shared = EmbeddedDirectory.start(sharedDir, HOST, 0);
    }

    @AfterAll
    static void stopShared() {
        shared.close();
    }

    @Test
    void qmailSchemaIsLoaded() throws Exception {
        try (LDAPConnection admin = admin(shared)) {
            Schema schema = admin.getSchema();
            assertThat(schema.getObjectClass("qmailUser").getObjectClassType(schema))
                    .isEqualTo(ObjectClassType.AUXILIARY);
            assertThat(schema.getObjectClass("qmailGroup").getObjectClassType(schema))
                    .isEqualTo(ObjectClassType.AUXILIARY);
            assertThat(schema.getAttributeType("mailAlternateAddress").getOID())
                    .isEqualTo("1.3.6.1.4.1.7914.1.2.1.4");
            assertThat(schema.getAttributeType("homeDirectory")).as("nis schema enabled").isNotNull();
        }
    }

    @Test
    void aliasLookupFindsBobThroughTheIndex() throws Exception {
        try (LDAPConnection admin = admin(shared)) {
            // Equality searches through a wrongly built index return nothing: this catches it.
            assertThat(lookup(admin, "bob.smith@example.com")).extracting(SearchResultEntry::getDN).containsExactly(BOB);
            assertThat(lookup(admin, "Bob.Smith@EXAMPLE.com")).extracting(SearchResultEntry::getDN).containsExactly(BOB);
            assertThat(lookup(admin, "bob@example.com")).extracting(SearchResultEntry::getDN).containsExactly(BOB);
            assertThat(admin.search(PEOPLE, SearchScope.SUB, Filter.createEqualityFilter("uid", "alice")).getEntryCount())
                    .isEqualTo(1);
            assertThat(lookup(admin, "nobody@example.com")).isEmpty();
        }
    }

    @Test
    void sampleEntriesArePresent() throws Exception {
        try (LDAPConnection admin = admin(shared)) {
            SearchResultEntry alice = only(lookup(admin, "alice@example.com"));
            assertThat(alice.getAttributeValue("uid")).isEqualTo("alice");
            assertThat(alice.getAttributeValue("mailMessageStore")).isEqualTo("example.com/alice/Maildir/");
            assertThat(alice.getAttributeValueAsLong("mailQuotaSize")).isEqualTo(10_485_760L);
            assertThat(alice.getAttributeValue("userPassword")).startsWith("{SSHA}");

            SearchResultEntry bob = only(lookup(admin, "bob@example.com"));
            assertThat(bob.getAttributeValue("mailAlternateAddress")).isEqualTo("bob.smith@example.com");
            assertThat(bob.getAttributeValue("mailMessageStore")).isEqualTo("example.com/bob/Maildir/");

            SearchResultEntry carol = only(lookup(admin, "carol@example.com"));
            assertThat(carol.getAttributeValue("deliveryMode")).isEqualTo("forwardonly");
            assertThat(carol.getAttributeValue("mailForwardingAddress")).isEqualTo("alice@example.com");

            SearchResultEntry dave = only(lookup(admin, "dave@example.com"));
            assertThat(dave.getAttributeValue("accountStatus")).isEqualTo("disabled");
            assertThat(dave.getAttributeValue("mailMessageStore")).isEqualTo("example.com/dave/Maildir/");

            SearchResultEntry sales = only(lookup(admin, "sales@example.com"));
            assertThat(sales.getObjectClassValues()).contains("qmailUser", "qmailGroup");
            assertThat(sales.getAttributeValues("rfc822member"))
                    .containsExactlyInAnyOrder("alice@example.com", "bob@example.com");
            assertThat(sales.getAttributeValue("mailMessageStore")).isEqualTo("example.com/sales/Maildir/");

            SearchResultEntry catchall = only(lookup(admin, "catchall@example.org"));
            assertThat(catchall.getAttributeValue("mailMessageStore"))
                    .contains(catchall.getAttributeValue("uid")).startsWith("example.org/");
        }
    }

    @Test
    void aliceBindsWithHerPasswordOnly() throws Exception {
        try (LDAPConnection c = new LDAPConnection(HOST, shared.port())) {
            assertThat(c.bind(ALICE, "alice-secret").getResultCode()).isEqualTo(ResultCode.SUCCESS);
            assertThatThrownBy(() -> c.bind(ALICE, "alice-wrong"))
                    .isInstanceOfSatisfying(LDAPException.class,
                            e -> assertThat(e.getResultCode()).isEqualTo(ResultCode.INVALID_CREDENTIALS));
        }
    }

    @Test
    void adminPasswordIsRandomAndInAnOwnerOnlyFile() throws Exception {
        try (LDAPConnection c = new LDAPConnection(HOST, shared.port())) {
            assertThatThrownBy(() -> c.bind(EmbeddedDirectory.ADMIN_DN, "secret"))
                    .isInstanceOfSatisfying(LDAPException.class,
                            e -> assertThat(e.getResultCode()).isEqualTo(ResultCode.INVALID_CREDENTIALS));
            String fromFile = Files.readString(shared.adminPasswordFile(), StandardCharsets.UTF_8);
            assertThat(fromFile).isEqualTo(shared.adminPassword()).hasSize(24).doesNotContain("\n");
            assertThat(c.bind(EmbeddedDirectory.ADMIN_DN, fromFile).getResultCode()).isEqualTo(ResultCode.SUCCESS);
        }
        assertThat(shared.adminPasswordFile()).isEqualTo(sharedDir.resolve("admin.pw"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared.adminPasswordFile())))
                .isEqualTo("rw-------");
        assertThat(shared.ldapUrl()).isEqualTo("ldap://" + HOST + ":" + shared.port());
    }

    @Test
    void anonymousClientsSeeNothing() throws Exception {
        try (LDAPConnection anonymous = new LDAPConnection(HOST, shared.port())) {
            try {
                SearchResult result = anonymous.search(EmbeddedDirectory.BASE_DN, SearchScope.SUB,
                        Filter.createPresenceFilter("objectClass"));
                assertThat(result.getEntryCount()).isZero();
            } catch (LDAPSearchException e) {
                assertThat(e.getResultCode()).isEqualTo(ResultCode.INSUFFICIENT_ACCESS_RIGHTS);
            }
        }
    }

    @Test
    void usersCannotReadOtherPasswordsNorModifyOthers() throws Exception {
        try (LDAPConnection alice = new LDAPConnection(HOST, shared.port(), ALICE, "alice-secret")) {
            SearchResultEntry bob = alice.getEntry(BOB, "*");
            assertThat(bob.getAttributeValue("mail")).isEqualTo("bob@example.com");
            assertThat(bob.hasAttribute("userPassword")).isFalse();
            // ApacheDS ignores denyFilterMatch in search filters ((userPassword=*) matches), but
            // compare, the one way to test a value without knowing the salted hash, is refused.
            assertInsufficientAccess(() -> alice.compare(BOB, "userPassword", "bob-secret"));

            assertInsufficientAccess(() -> alice.modify(BOB,
                    new Modification(ModificationType.REPLACE, "accountStatus", "disabled")));
            assertInsufficientAccess(() -> alice.modify(BOB,
                    new Modification(ModificationType.REPLACE, "userPassword", "hijacked")));
            // Routing attributes are the admin's: an alias of one's own could claim any address.
            assertInsufficientAccess(() -> alice.modify(ALICE,
                    new Modification(ModificationType.ADD, "mailAlternateAddress", "postmaster@example.com")));
        }
    }

    @Test
    void usersChangeTheirOwnPasswordWhichIsStoredHashed() throws Exception {
        try (LDAPConnection carol = new LDAPConnection(HOST, shared.port(), CAROL, "carol-secret")) {
            carol.modify(CAROL, new Modification(ModificationType.REPLACE, "userPassword", "carol-new"));
        }
        try (LDAPConnection c = new LDAPConnection(HOST, shared.port()); LDAPConnection admin = admin(shared)) {
            assertThat(c.bind(CAROL, "carol-new").getResultCode()).isEqualTo(ResultCode.SUCCESS);
            assertThat(admin.getEntry(CAROL, "userPassword").getAttributeValue("userPassword")).startsWith("{SSHA512}");
        }
    }

    @Test
    void secondStartOnALockedInstanceFails() {
        assertThatThrownBy(() -> EmbeddedDirectory.start(sharedDir, HOST, 0))
                .isInstanceOf(IOException.class).hasMessageContaining("locked");
    }

    @Test
    void editsSurviveRestartAndSampleDataIsNotReloaded(@TempDir Path dir) throws Exception {
        EmbeddedDirectory first = EmbeddedDirectory.start(dir, HOST, 0);
        String password = first.adminPassword();
        try (LDAPConnection admin = admin(first)) {
            admin.modify(ALICE, new Modification(ModificationType.ADD, "mailAlternateAddress", "a.liddell@example.com"));
            admin.delete("uid=dave," + PEOPLE);
        } finally {
            first.close();
        }
        first.close(); // idempotent
        try (EmbeddedDirectory second = EmbeddedDirectory.start(dir, HOST, 0);
                LDAPConnection admin = admin(second)) {
            assertThat(second.adminPassword()).isEqualTo(password);
            assertThat(lookup(admin, "a.liddell@example.com")).extracting(SearchResultEntry::getDN).containsExactly(ALICE);
            assertThat(lookup(admin, "dave@example.com")).as("deleted entry stays deleted").isEmpty();
        }
    }

    @Test
    void adminPasswordFileMustBeOwnerOnlyAndDeletingItResetsThePassword(@TempDir Path dir) throws Exception {
        String old;
        try (EmbeddedDirectory first = EmbeddedDirectory.start(dir, HOST, 0)) {
            old = first.adminPassword();
        }
        Path file = dir.resolve("admin.pw");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> EmbeddedDirectory.start(dir, HOST, 0))
                .isInstanceOf(IOException.class).hasMessageContaining("chmod 600");

        Files.delete(file);
        try (EmbeddedDirectory second = EmbeddedDirectory.start(dir, HOST, 0);
                LDAPConnection c = new LDAPConnection(HOST, second.port())) {
            assertThat(second.adminPassword()).isNotEqualTo(old);
            assertThat(c.bind(EmbeddedDirectory.ADMIN_DN, second.adminPassword()).getResultCode())
                    .isEqualTo(ResultCode.SUCCESS);
            assertThatThrownBy(() -> c.bind(EmbeddedDirectory.ADMIN_DN, old)).isInstanceOf(LDAPException.class);
        }
    }

    @Test
    void portInUseFailsClearlyAndLeavesNothingRunning(@TempDir Path dir) throws Exception {
        Set<Thread> before = nonDaemonThreads();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            assertThatThrownBy(() -> EmbeddedDirectory.start(dir, HOST, taken.getLocalPort()))
                    .isInstanceOf(IOException.class).hasMessageContaining(HOST + ":" + taken.getLocalPort());
        }
        waitForThreadsToEnd(before);
        assertThat(nonDaemonThreads()).isSubsetOf(before);
        // The instance lock was released too.
        EmbeddedDirectory.start(dir, HOST, 0).close();
    }

    private static LDAPConnection admin(EmbeddedDirectory d) throws LDAPException {
        return new LDAPConnection(HOST, d.port(), EmbeddedDirectory.ADMIN_DN, d.adminPassword());
    }

    private static List<SearchResultEntry> lookup(LDAPConnection c, String address) throws LDAPException {
        Filter filter = Filter.createORFilter(Filter.createEqualityFilter("mail", address),
                Filter.createEqualityFilter("mailAlternateAddress", address));
        return c.search(EmbeddedDirectory.BASE_DN, SearchScope.SUB, filter, "*").getSearchEntries();
    }

    private static SearchResultEntry only(List<SearchResultEntry> entries) {
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    private static void assertInsufficientAccess(ThrowingRunnable modify) {
        assertThatThrownBy(modify::run).isInstanceOfSatisfying(LDAPException.class,
                e -> assertThat(e.getResultCode()).isEqualTo(ResultCode.INSUFFICIENT_ACCESS_RIGHTS));
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static Set<Thread> nonDaemonThreads() {
        Set<Thread> threads = new HashSet<>();
        Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !t.isDaemon()).forEach(threads::add);
        return threads;
    }

    private static void waitForThreadsToEnd(Set<Thread> before) throws InterruptedException {
        for (int i = 0; i < 50 && !before.containsAll(nonDaemonThreads()); i++) {
            Thread.sleep(100);
        }
    }
}
