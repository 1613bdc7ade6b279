package org.dirmail.directory.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.dirmail.directory.ldap.LdapDirectory;
import org.dirmail.directory.ldap.LdapSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Logins against a real in-process ApacheDS holding the sample data, with both verification
 * methods: who gets in, who is refused with the same answer, and what a dead directory gives.
 */
class LdapAuthenticatorTest {

    private static final String PEOPLE = "ou=people," + EmbeddedDirectory.BASE_DN;
    private static final String ALICE = "uid=alice," + PEOPLE;
    private static final String BOB = "uid=bob," + PEOPLE;
    private static final String CAROL = "uid=carol," + PEOPLE;

    // Made with libxcrypt crypt(3): sha512-crypt of alice-secret and bcrypt of bob-secret.
    private static final String ALICE_SHA512_CRYPT = "{CRYPT}$6$saltsaltsalt$KcXAKLfVRe.7ajZBx/KhznC.zxmAFljzk"
            + "BtpUHasI1tJulPdrZUmM1tBj/UIAqYVKpGpKcGU7LAMtDuNtZi.C/";
    private static final String ALICE_SHA512_CRYPT_ROUNDS = "{CRYPT}$6$rounds=5000$saltsaltsalt$KcXAKLfVRe.7ajZ"
            + "Bx/KhznC.zxmAFljzkBtpUHasI1tJulPdrZUmM1tBj/UIAqYVKpGpKcGU7LAMtDuNtZi.C/";
    private static final String BOB_BCRYPT_2Y = "{CRYPT}$2y$05$abcdefghijklmnopqrstuu9uPBM7sp4Ru93YxEK4H7hIKAYkzoiF2";
    private static final String BOB_BCRYPT_2A = "{CRYPT}$2a$05$abcdefghijklmnopqrstuu9uPBM7sp4Ru93YxEK4H7hIKAYkzoiF2";

    @TempDir
    static Path sharedInstance;

    private static EmbeddedDirectory directory;
    private static LdapDirectory lookups;
    private static LdapDirectory binds;

    @BeforeAll
    static void start() throws IOException {
        directory = EmbeddedDirectory.start(sharedInstance, "127.0.0.1", 0);
        lookups = LdapDirectory.open(settings(directory.ldapUrl(), directory.adminPassword(), 2));
        // One connection, so a leaked user identity would show on the very next operation.
        binds = LdapDirectory.open(settings(directory.ldapUrl(), directory.adminPassword(), 1));
    }

    @AfterAll
    static void stop() {
        binds.close();
        lookups.close();
        directory.close();
    }

    @ParameterizedTest
    @EnumSource(AuthMethod.class)
    void aliceByUid(AuthMethod method) {
        AuthResult.Success alice = success(authenticate(method, LoginLookup.AUTO, "alice", "alice-secret"));

        assertThat(alice.user().dn()).isEqualToIgnoringCase(ALICE);
        assertThat(alice.user().uid()).contains("alice");
        assertThat(alice.user().accountStatus()).isEqualTo(AccountStatus.ACTIVE);
        assertThat(alice.addresses()).containsExactly("alice@example.com");
    }

    @ParameterizedTest
    @EnumSource(AuthMethod.class)
    void aliceByMail(AuthMethod method) {
        AuthResult.Success alice = success(authenticate(method, LoginLookup.AUTO, "Alice@Example.COM", "alice-secret"));

        assertThat(alice.user().uid()).contains("alice");
    }

    @ParameterizedTest
    @EnumSource(AuthMethod.class)
    void bobByHisAlternateAddressGetsEveryAddress(AuthMethod method) {
        AuthResult.Success bob = success(authenticate(method, LoginLookup.AUTO, "bob.smith@example.com", "bob-secret"));

        assertThat(bob.user().dn()).isEqualToIgnoringCase(BOB);
        assertThat(bob.addresses()).containsExactly("bob@example.com", "bob.smith@example.com");
    }

    @ParameterizedTest
    @EnumSource(AuthMethod.class)
    void wrongPasswordAndUnknownUserAreTheSameKindOfFailure(AuthMethod method) {
        AuthResult wrong = authenticate(method, LoginLookup.AUTO, "alice", "alice-secreT");
        AuthResult unknown = authenticate(method, LoginLookup.AUTO, "nobody", "alice-secret");
        AuthResult unknownMail = authenticate(method, LoginLookup.AUTO, "nobody@example.com", "alice-secret");

        assertThat(wrong).isEqualTo(new AuthResult.Failure("wrong password"));
        assertThat(unknown).isEqualTo(new AuthResult.Failure("no such user"));
        assertThat(unknownMail).isEqualTo(new AuthResult.Failure("no such user"));
    }

    @ParameterizedTest
    @EnumSource(AuthMethod.class)
    void disabledAccountIsRefusedOnlyAfterTheRightPassword(AuthMethod method) {
        assertThat(authenticate(method, LoginLookup.AUTO, "dave", "dave-secret"))
                .isEqualTo(new AuthResult.Failure("account disabled"));
        assertThat(authenticate(method, LoginLookup.AUTO, "dave", "guess"))
                .isEqualTo(new AuthResult.Failure("wrong password"));
    }

    @ParameterizedTest
    @EnumSource(AuthMethod.class)
    void noaccessAccountIsRefused(AuthMethod method) throws Exception {
        try (LDAPConnection admin = admin(directory)) {
            admin.modify(CAROL, new Modification(ModificationType.ADD, "accountStatus", "noaccess"));
            try {
                assertThat(authenticate(method, LoginLookup.AUTO, "carol", "carol-secret"))
                        .isEqualTo(new AuthResult.Failure("account noaccess"));
            } finally {
                admin.modify(CAROL, new Modification(ModificationType.DELETE, "accountStatus"));
            }
        }
        success(authenticate(method, LoginLookup.AUTO, "carol", "carol-secret"));
    }

    @Test
    void compareVerifiesCryptHashesApacheDsStoresUnchanged() throws Exception {
        try (LDAPConnection admin = admin(directory)) {
            byte[][] aliceBefore = passwords(admin, ALICE);
            byte[][] bobBefore = passwords(admin, BOB);
            admin.modify(ALICE, new Modification(ModificationType.REPLACE, "userPassword", ALICE_SHA512_CRYPT));
            admin.modify(BOB, new Modification(ModificationType.REPLACE, "userPassword", BOB_BCRYPT_2A));
            try {
                // The hashing interceptor keeps values in a scheme ApacheDS knows.
                assertThat(storedPassword(admin, ALICE)).isEqualTo(ALICE_SHA512_CRYPT);
                assertThat(storedPassword(admin, BOB)).isEqualTo(BOB_BCRYPT_2A);

                success(authenticate(AuthMethod.COMPARE, LoginLookup.AUTO, "alice", "alice-secret"));
                success(authenticate(AuthMethod.COMPARE, LoginLookup.AUTO, "alice@example.com", "alice-secret"));
                success(authenticate(AuthMethod.COMPARE, LoginLookup.AUTO, "bob.smith@example.com", "bob-secret"));
                assertThat(authenticate(AuthMethod.COMPARE, LoginLookup.AUTO, "bob", "bob-secreT"))
                        .isEqualTo(new AuthResult.Failure("wrong password"));
                // ApacheDS checks both on bind as well.
                success(authenticate(AuthMethod.BIND, LoginLookup.AUTO, "alice", "alice-secret"));
                success(authenticate(AuthMethod.BIND, LoginLookup.AUTO, "bob", "bob-secret"));
            } finally {
                admin.modify(ALICE, new Modification(ModificationType.REPLACE, "userPassword", aliceBefore));
                admin.modify(BOB, new Modification(ModificationType.REPLACE, "userPassword", bobBefore));
            }
        }
    }

    // ApacheDS rejects glibc's explicit-rounds form on bind (apacheds-embedding.md); COMPARE takes it.
    @Test
    void compareAcceptsShaCryptWithRoundsThatApacheDsBindRefuses() throws Exception {
        try (LDAPConnection admin = admin(directory)) {
            byte[][] before = passwords(admin, ALICE);
            admin.modify(ALICE, new Modification(ModificationType.REPLACE, "userPassword", ALICE_SHA512_CRYPT_ROUNDS));
            try {
                assertThat(storedPassword(admin, ALICE)).isEqualTo(ALICE_SHA512_CRYPT_ROUNDS);
                success(authenticate(AuthMethod.COMPARE, LoginLookup.AUTO, "alice", "alice-secret"));
                assertThat(authenticate(AuthMethod.BIND, LoginLookup.AUTO, "alice", "alice-secret"))
                        .isEqualTo(new AuthResult.Failure("wrong password"));
            } finally {
                admin.modify(ALICE, new Modification(ModificationType.REPLACE, "userPassword", before));
            }
        }
    }

    /**
     * An ApacheDS quirk worth knowing before loading hashes from elsewhere: it knows bcrypt only
     * as {@code $2a$}, so the hashing interceptor takes {@code {CRYPT}$2y$...} for cleartext and
     * stores its {SSHA512}. The user's password stops working, and with BIND the hash string
     * itself becomes the password. Rewrite {@code $2y$}/{@code $2b$} to {@code $2a$} (same
     * algorithm) before importing.
     */
    @Test
    void apacheDsRehashesBcrypt2yAsIfItWereCleartext() throws Exception {
        try (LDAPConnection admin = admin(directory)) {
            byte[][] before = passwords(admin, BOB);
            admin.modify(BOB, new Modification(ModificationType.REPLACE, "userPassword", BOB_BCRYPT_2Y));
            try {
                assertThat(storedPassword(admin, BOB)).startsWithIgnoringCase("{SSHA512}");
                assertThat(authenticate(AuthMethod.COMPARE, LoginLookup.AUTO, "bob", "bob-secret"))
                        .isEqualTo(new AuthResult.Failure("wrong password"));
                assertThat(authenticate(AuthMethod.BIND, LoginLookup.AUTO, "bob", "bob-secret"))
                        .isEqualTo(new AuthResult.Failure("wrong password"));
                success(authenticate(AuthMethod.BIND, LoginLookup.AUTO, "bob", BOB_BCRYPT_2Y));
            } finally {
                admin.modify(BOB, new Modification(ModificationType.REPLACE, "userPassword", before));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(AuthMethod.class)
    void loginLookupIsForcedWhenConfigured(AuthMethod method) {
        assertThat(authenticate(method, LoginLookup.UID, "alice@example.com", "alice-secret"))
                .isEqualTo(new AuthResult.Failure("no such user"));
        assertThat(authenticate(method, LoginLookup.MAIL, "alice", "alice-secret"))
                .isEqualTo(new AuthResult.Failure("no such user"));
        success(authenticate(method, LoginLookup.UID, "alice", "alice-secret"));
        success(authenticate(method, LoginLookup.MAIL, "bob.smith@example.com", "bob-secret"));
    }

    // RFC 4518 string preparation would delete the NUL and find alice; the check comes first.
    @ParameterizedTest
    @ValueSource(strings = {"alice\u0000", "alice\r\nAUTH", "ali\u200bce", "*", "alice)(uid=*", "a*"})
    void hostileLoginsFindNobody(String login) {
        assertThat(authenticate(AuthMethod.BIND, LoginLookup.AUTO, login, "alice-secret"))
                .isInstanceOf(AuthResult.Failure.class);
    }

    @Test
    void refusalsNeedNoDirectory() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        LdapDirectory closed = LdapDirectory.open(settings(directory.ldapUrl(), directory.adminPassword(), 1));
        closed.close();
        try (LdapDirectory dead = LdapDirectory.open(settings("ldap://127.0.0.1:" + port, "unused", 1))) {
            for (LdapDirectory pool : List.of(dead, closed)) {
                Authenticator auth = new LdapAuthenticator(pool, pool, AuthMethod.BIND, LoginLookup.AUTO);
                assertThat(await(auth, "alice", "")).isEqualTo(new AuthResult.Failure("empty password"));
                assertThat(await(auth, "alice", null)).isEqualTo(new AuthResult.Failure("empty password"));
                assertThat(await(auth, "", "alice-secret")).isEqualTo(new AuthResult.Failure("empty login"));
                assertThat(await(auth, "alice\n", "alice-secret")).isInstanceOf(AuthResult.Failure.class);
                assertThat(await(auth, "alice", "alice-secret\r\n")).isInstanceOf(AuthResult.Failure.class);
                assertThat(await(auth, "alice", "alice\u0000secret")).isInstanceOf(AuthResult.Failure.class);
                assertThat(await(auth, "a".repeat(257), "alice-secret")).isInstanceOf(AuthResult.Failure.class);
                // Proof that these never reached the pool: a real attempt is a TempFail.
                assertThat(await(auth, "alice", "alice-secret")).isInstanceOf(AuthResult.TempFail.class);
            }
        }
    }

    @Test
    void directoryDownIsTempFail(@TempDir Path instance) throws Exception {
        EmbeddedDirectory own = EmbeddedDirectory.start(instance, "127.0.0.1", 0);
        try (LdapDirectory ownLookups = LdapDirectory.open(settings(own.ldapUrl(), own.adminPassword(), 1));
                LdapDirectory ownBinds = LdapDirectory.open(settings(own.ldapUrl(), own.adminPassword(), 1))) {
            Authenticator bind = new LdapAuthenticator(ownLookups, ownBinds, AuthMethod.BIND, LoginLookup.AUTO);
            Authenticator compare = new LdapAuthenticator(ownLookups, null, AuthMethod.COMPARE, LoginLookup.AUTO);
            success(await(bind, "alice", "alice-secret"));
            success(await(compare, "alice", "alice-secret"));

            own.close();

            long start = System.nanoTime();
            assertThat(await(bind, "alice", "alice-secret")).isInstanceOf(AuthResult.TempFail.class);
            assertThat(await(compare, "alice", "alice-secret")).isInstanceOf(AuthResult.TempFail.class);
            assertThat(await(bind, "nobody", "x")).isInstanceOf(AuthResult.TempFail.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(10_000);
        } finally {
            own.close();
        }
    }

    @Test
    void twoEntriesForOneLoginIsTempFail() throws Exception {
        String dup = "uid=dup-alice," + PEOPLE;
        Entry entry = new Entry(dup);
        entry.addAttribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson", "qmailUser");
        entry.addAttribute("uid", "dup-alice");
        entry.addAttribute("cn", "dup");
        entry.addAttribute("sn", "dup");
        entry.addAttribute("mail", "dup-alice@example.com");
        entry.addAttribute("mailAlternateAddress", "alice@example.com");
        try (LDAPConnection admin = admin(directory)) {
            admin.add(entry);
            try {
                assertThat(authenticate(AuthMethod.BIND, LoginLookup.AUTO, "alice@example.com", "alice-secret"))
                        .isInstanceOfSatisfying(AuthResult.TempFail.class,
                                fail -> assertThat(fail.reason()).startsWith("ambiguous"));
            } finally {
                admin.delete(dup);
            }
        }
    }

    // ApacheDS has no Who Am I (it drops the connection), so identity shows in what it may read:
    // only the admin, never alice, may read bob's userPassword.
    @Test
    void bindsPoolKeepsItsOwnIdentity() throws Exception {
        success(authenticate(AuthMethod.BIND, LoginLookup.AUTO, "alice", "alice-secret"));
        assertThat(bindsPoolReadsBobsPassword()).isTrue();

        authenticate(AuthMethod.BIND, LoginLookup.AUTO, "alice", "wrong");
        assertThat(bindsPoolReadsBobsPassword()).isTrue();
    }

    private static boolean bindsPoolReadsBobsPassword() throws Exception {
        return binds.submit(ldap -> ldap.getEntry(BOB, "userPassword").hasAttribute("userPassword"))
                .get(30, TimeUnit.SECONDS);
    }

    private static AuthResult authenticate(AuthMethod method, LoginLookup lookup, String login, String password) {
        LdapDirectory bindPool = method == AuthMethod.BIND ? binds : null;
        return await(new LdapAuthenticator(lookups, bindPool, method, lookup), login, password);
    }

    private static AuthResult await(Authenticator auth, String login, String password) {
        try {
            return auth.authenticate(login, password).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("authenticate must complete normally", e);
        }
    }

    private static AuthResult.Success success(AuthResult result) {
        assertThat(result).isInstanceOf(AuthResult.Success.class);
        return (AuthResult.Success) result;
    }

    private static byte[][] passwords(LDAPConnection admin, String dn) throws Exception {
        return admin.getEntry(dn, "userPassword").getAttribute("userPassword").getValueByteArrays();
    }

    private static String storedPassword(LDAPConnection admin, String dn) throws Exception {
        return new String(admin.getEntry(dn, "userPassword").getAttributeValueBytes("userPassword"),
                StandardCharsets.UTF_8);
    }

    private static LDAPConnection admin(EmbeddedDirectory dir) throws Exception {
        return new LDAPConnection("127.0.0.1", dir.port(), EmbeddedDirectory.ADMIN_DN, dir.adminPassword());
    }

    private static LdapSettings settings(String url, String password, int poolSize) {
        return LdapSettings.defaults(List.of(url), EmbeddedDirectory.ADMIN_DN, password, EmbeddedDirectory.BASE_DN)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .withPool(poolSize, Duration.ofSeconds(1), Duration.ofMinutes(15));
    }
}
