package org.dirmail.directory.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailUser;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The resolver against a real in-process ApacheDS holding the sample data: qmail-ldap's candidate
 * order, live edits, hostile addresses, and a directory that goes away and comes back.
 */
class LdapRecipientResolverTest {

    private static final String PEOPLE = "ou=people," + EmbeddedDirectory.BASE_DN;

    @TempDir
    static Path sharedInstance;

    private static EmbeddedDirectory directory;
    private static LdapDirectory ldap;
    private static LdapRecipientResolver resolver;

    @BeforeAll
    static void start() throws IOException {
        directory = EmbeddedDirectory.start(sharedInstance, "127.0.0.1", 0);
        ldap = LdapDirectory.open(settings(directory.ldapUrl(), directory.adminPassword()));
        resolver = new LdapRecipientResolver(ldap);
    }

    @AfterAll
    static void stop() {
        ldap.close();
        directory.close();
    }

    @Test
    void mailMatches() {
        MailUser alice = found(resolve("alice@example.com"), "alice@example.com");

        assertThat(alice.dn()).isEqualToIgnoringCase("uid=alice," + PEOPLE);
        assertThat(alice.mail()).isEqualTo("alice@example.com");
        assertThat(alice.uid()).contains("alice");
        assertThat(alice.accountStatus()).isEqualTo(AccountStatus.ACTIVE);
        assertThat(alice.mailMessageStore()).contains("example.com/alice/Maildir/");
        assertThat(alice.quotaSize()).isEqualTo(10_485_760L);
        assertThat(alice.quotaCount()).isZero();
        assertThat(alice.sizeMax()).isZero();
    }

    @Test
    void mailAlternateAddressMatches() {
        MailUser bob = found(resolve("bob.smith@example.com"), "bob.smith@example.com");

        assertThat(bob.mail()).isEqualTo("bob@example.com");
        assertThat(bob.uid()).contains("bob");
    }

    @Test
    void matchingIgnoresCase() {
        MailUser alice = found(resolve("ALICE@Example.COM"), "alice@example.com");

        assertThat(alice.uid()).contains("alice");
    }

    @Test
    void forwardOnlyEntryCarriesModesAndForwards() {
        MailUser carol = found(resolve("carol@example.com"), "carol@example.com");

        assertThat(carol.deliveryModes()).containsExactly("forwardonly");
        assertThat(carol.forwardingAddresses()).containsExactly("alice@example.com");
    }

    @Test
    void groupEntryIsFound() {
        MailUser sales = found(resolve("sales@example.com"), "sales@example.com");

        assertThat(sales.uid()).contains("sales");
    }

    @Test
    void unknownAddressFallsToTheDomainCatchAll() {
        MailUser catchAll = found(resolve("anything@example.org"), "catchall@example.org");

        assertThat(catchAll.mail()).isEqualTo("catchall@example.org");
    }

    @Test
    void leadingDashGoesStraightToTheCatchAll() {
        found(resolve("-alice@example.org"), "catchall@example.org");
    }

    @Test
    void unknownAddressWithoutCatchAllIsNotFound() {
        assertThat(resolve("nobody@example.com")).isEqualTo(new Lookup.NotFound());
    }

    @Test
    void disabledAccountIsFoundWithItsStatus() {
        MailUser dave = found(resolve("dave@example.com"), "dave@example.com");

        assertThat(dave.accountStatus()).isEqualTo(AccountStatus.DISABLED);
    }

    // RFC 4518 string preparation deletes control and format characters before comparing
    // (ApacheDS matches "alice@example.com\0" to alice), so the resolver never sends them.
    @ParameterizedTest
    @ValueSource(strings = {"*@example.com", "x)(mail=*@example.com", "*", "*)(objectClass=*",
        "alice@example.com)(mail=*", "a*@example.com", "\\2a@example.com",
        "alice@example.com\u0000", "ali\u00adce@example.com", "ali\u200bce@example.com"})
    void filterInjectionMatchesNothing(String hostile) {
        assertThat(resolve(hostile)).isEqualTo(new Lookup.NotFound());
    }

    @Test
    void twoEntriesForOneAddressIsTempFailAndNeverFallsToTheCatchAll() throws Exception {
        String first = "uid=dup-one," + PEOPLE;
        String second = "uid=dup-two," + PEOPLE;
        try (LDAPConnection admin = admin(directory)) {
            admin.add(person(first, "dup-one", "alice@example.com", "shared@example.org"));
            admin.add(person(second, "dup-two", "shared@example.org"));
            try {
                assertThat(resolve("alice@example.com")).isInstanceOfSatisfying(Lookup.TempFail.class, fail -> {
                    assertThat(fail.reason()).startsWith("ambiguous").contains("alice@example.com");
                    assertThat(fail.ambiguous()).as("delivery bounces this one (5.3.5)").isTrue();
                });
                // example.org has a catch-all, but qmail-ldap never tries it after an ambiguity.
                assertThat(resolve("shared@example.org")).isInstanceOfSatisfying(Lookup.TempFail.class,
                        fail -> assertThat(fail.reason()).startsWith("ambiguous"));
            } finally {
                admin.delete(first);
                admin.delete(second);
            }
        }
        found(resolve("alice@example.com"), "alice@example.com");
    }

    @Test
    void dashExtensionFindsTheDeepestDashCatchAllBeforeTheDomainCatchAll() throws Exception {
        String list = "uid=list," + PEOPLE;
        try (LDAPConnection admin = admin(directory)) {
            admin.add(person(list, "list", "list-catchall@example.org"));
            try {
                Lookup.Found found = (Lookup.Found) resolve("list-dev-bugs@example.org");
                assertThat(found.candidate()).isEqualTo("list-catchall@example.org");
                assertThat(found.extension()).isEqualTo("dev-bugs");
                assertThat(found.user().dn()).isEqualToIgnoringCase(list);
                // Without a dash catch-all for "other-", the walk ends at the domain catch-all.
                Lookup.Found other = (Lookup.Found) resolve("other-dev@example.org");
                assertThat(other.candidate()).isEqualTo("catchall@example.org");
                assertThat(other.extension()).isEqualTo("other-dev");
            } finally {
                admin.delete(list);
            }
        }
    }

    @Test
    void recipientDelimiterReachesTheUserAndKeepsTheExtension() {
        Lookup.Found found = (Lookup.Found) resolve("Alice+Tag@example.com");

        assertThat(found.candidate()).isEqualTo("alice@example.com");
        assertThat(found.extension()).isEqualTo("tag");
        assertThat(found.user().uid()).contains("alice");
        // The user's own mailbox beats the domain catch-all; unknown users still reach it.
        assertThat(((Lookup.Found) resolve("bob+x@example.org")).candidate()).isEqualTo("catchall@example.org");
        assertThat(resolve("nobody+x@example.com")).isEqualTo(new Lookup.NotFound());
    }

    @Test
    void anEntryHoldingTheWholeTaggedAddressWins() throws Exception {
        String tagged = "uid=tagged," + PEOPLE;
        try (LDAPConnection admin = admin(directory)) {
            admin.add(person(tagged, "tagged", "alice+news@example.com"));
            try {
                Lookup.Found found = (Lookup.Found) resolve("alice+news@example.com");
                assertThat(found.user().dn()).isEqualToIgnoringCase(tagged);
                assertThat(found.extension()).isEmpty();
            } finally {
                admin.delete(tagged);
            }
        }
    }

    @Test
    void aliasDomainIsMappedBeforeEverySearch() {
        LdapRecipientResolver aliased = new LdapRecipientResolver(ldap,
                ResolutionRules.defaults().withAliasDomains(Map.of("example.net", "example.com")));

        assertThat(((Lookup.Found) resolve(aliased, "bob.smith@Example.NET")).user().uid()).contains("bob");
        Lookup.Found tagged = (Lookup.Found) resolve(aliased, "alice+x@example.net");
        assertThat(tagged.candidate()).isEqualTo("alice@example.com");
        assertThat(tagged.extension()).isEqualTo("x");
        assertThat(resolve(aliased, "nobody@example.net")).isEqualTo(new Lookup.NotFound());
        assertThat(resolve("alice@example.net")).as("without the alias").isEqualTo(new Lookup.NotFound());
    }

    @Test
    void traceListsEverySearchWithItsFilterAndCount() throws Exception {
        ResolutionTrace trace = resolver.trace("alice+tag@example.com").toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(trace.steps()).extracting(ResolutionTrace.Step::entries).containsExactly(0, 1);
        assertThat(trace.steps().get(0).filter()).isEqualTo("(&(objectClass=qmailUser)(|(mail=alice+tag@example.com)"
                + "(mailAlternateAddress=alice+tag@example.com)))");
        assertThat(trace.steps().get(1).detail()).isEqualToIgnoringCase("uid=alice," + PEOPLE);
        assertThat(trace.untried()).extracting(RecipientCandidates.Candidate::address)
                .containsExactly("catchall@example.com");
        assertThat(trace.result()).isInstanceOf(Lookup.Found.class);
        assertThat(String.join("\n", trace.describe()))
                .contains("candidate 1: alice+tag@example.com (the address)")
                .contains("candidate 2: alice@example.com (without the extension after '+', extension \"tag\")")
                .contains("result:    1 entry: uid=alice")
                .contains("candidate 3: catchall@example.com (the domain catch-all, extension \"alice+tag\"): not searched");

        ResolutionTrace hostile = resolver.trace("*)(mail=*@example.com").toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(hostile.steps().get(0).filter()).contains("mail=\\2a\\29\\28mail=\\2a@example.com");
    }

    @Test
    void anEditIsVisibleToTheNextLookup() throws Exception {
        String bob = "uid=bob," + PEOPLE;
        assertThat(resolve("robert@example.com")).isEqualTo(new Lookup.NotFound());
        try (LDAPConnection admin = admin(directory)) {
            admin.modify(bob, new Modification(ModificationType.ADD, "mailAlternateAddress", "robert@example.com"));
            try {
                MailUser found = found(resolve("robert@example.com"), "robert@example.com");
                assertThat(found.dn()).isEqualToIgnoringCase(bob);
            } finally {
                admin.modify(bob, new Modification(ModificationType.DELETE, "mailAlternateAddress", "robert@example.com"));
            }
        }
        assertThat(resolve("robert@example.com")).isEqualTo(new Lookup.NotFound());
    }

    @Test
    void directoryDownIsTempFailAndRecoversWhenItIsBack(@TempDir Path instance) throws Exception {
        EmbeddedDirectory own = EmbeddedDirectory.start(instance, "127.0.0.1", 0);
        int port = own.port();
        try (LdapDirectory pool = LdapDirectory.open(settings(own.ldapUrl(), own.adminPassword()))) {
            LdapRecipientResolver ownResolver = new LdapRecipientResolver(pool);
            found(resolve(ownResolver, "alice@example.com"), "alice@example.com");

            own.close();
            long start = System.nanoTime();
            Lookup down = resolve(ownResolver, "alice@example.com");
            long downMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(down).isInstanceOf(Lookup.TempFail.class);
            assertThat(downMillis).isLessThan(5_000);
            // Never NotFound, and never the catch-all, while the directory is away.
            assertThat(resolve(ownResolver, "anything@example.org")).isInstanceOf(Lookup.TempFail.class);

            own = EmbeddedDirectory.start(instance, "127.0.0.1", port);
            start = System.nanoTime();
            Lookup back = resolve(ownResolver, "alice@example.com");
            long backMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            found(back, "alice@example.com");
            System.out.printf("directory down: TempFail after %d ms (%s); back: Found after %d ms%n",
                    downMillis, ((Lookup.TempFail) down).reason(), backMillis);
        } finally {
            own.close();
        }
    }

    @Test
    void openSucceedsWhileTheDirectoryIsDown() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (LdapDirectory pool = LdapDirectory.open(settings("ldap://127.0.0.1:" + port, "unused"))) {
            long start = System.nanoTime();
            Lookup answer = resolve(new LdapRecipientResolver(pool), "alice@example.com");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(answer).isInstanceOf(Lookup.TempFail.class);
            assertThat(millis).isLessThan(5_000);
        }
    }

    @Test
    void hungDirectoryIsTempFailAfterTheResponseTimeout() throws Exception {
        // Accepts connections and never answers, like a wedged server behind a live socket.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                LdapDirectory pool = LdapDirectory.open(
                        settings("ldap://127.0.0.1:" + silent.getLocalPort(), "unused"))) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // The test is over.
                }
            }, "silent-ldap");
            acceptor.setDaemon(true);
            acceptor.start();
            long start = System.nanoTime();
            Lookup answer = resolve(new LdapRecipientResolver(pool), "alice@example.com");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertThat(answer).isInstanceOfSatisfying(Lookup.TempFail.class,
                    fail -> assertThat(fail.reason()).contains("timeout"));
            assertThat(millis).isBetween(1_500L, 5_000L);
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    void closedDirectoryAnswersTempFail() {
        LdapDirectory closed = LdapDirectory.open(settings(directory.ldapUrl(), directory.adminPassword()));
        closed.close();

        assertThat(resolve(new LdapRecipientResolver(closed), "alice@example.com"))
                .isInstanceOf(Lookup.TempFail.class);
    }

    // Short timeouts so a dead directory answers within seconds; a small pool keeps it honest.
    private static LdapSettings settings(String url, String password) {
        return LdapSettings.defaults(List.of(url), EmbeddedDirectory.ADMIN_DN, password, EmbeddedDirectory.BASE_DN)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .withPool(2, Duration.ofSeconds(1), Duration.ofMinutes(15));
    }

    private static LDAPConnection admin(EmbeddedDirectory dir) throws Exception {
        return new LDAPConnection("127.0.0.1", dir.port(), EmbeddedDirectory.ADMIN_DN, dir.adminPassword());
    }

    private static Entry person(String dn, String uid, String... alternates) {
        Entry entry = new Entry(dn);
        entry.addAttribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson", "qmailUser");
        entry.addAttribute("uid", uid);
        entry.addAttribute("cn", uid);
        entry.addAttribute("sn", uid);
        entry.addAttribute("mail", uid + "@example.com");
        entry.addAttribute("mailAlternateAddress", alternates);
        return entry;
    }

    private static Lookup resolve(String address) {
        return resolve(resolver, address);
    }

    private static Lookup resolve(LdapRecipientResolver r, String address) {
        try {
            return r.resolve(address).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("resolve must complete normally: " + address, e);
        }
    }

    private static MailUser found(Lookup lookup, String candidate) {
        assertThat(lookup).isInstanceOf(Lookup.Found.class);
        Lookup.Found found = (Lookup.Found) lookup;
        assertThat(found.candidate()).isEqualTo(candidate);
        return found.user();
    }
}
