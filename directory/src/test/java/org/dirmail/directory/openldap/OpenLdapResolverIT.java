package org.dirmail.directory.openldap;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailUser;
import org.dirmail.directory.ldap.LdapDirectory;
import org.dirmail.directory.ldap.LdapRecipientResolver;
import org.dirmail.directory.ldap.LdapSettings;
import org.dirmail.directory.ldap.ResolutionRules;
import org.dirmail.directory.ldap.ResolutionTrace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The resolver against a real OpenLDAP slapd loaded with our shipped {@code qmail.ldif} and the
 * sample data: every routing decision of qmail-ldap.md §2.3 against the server most qmail-ldap
 * sites run, not only against the embedded ApacheDS.
 */
class OpenLdapResolverIT {

    private static final String PEOPLE = "ou=people," + Slapd.BASE_DN;

    @TempDir
    static Path dir;

    private static Slapd slapd;
    private static LdapDirectory ldap;
    private static LdapRecipientResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        Slapd.requireInstalled();
        slapd = Slapd.start(dir);
        ldap = LdapDirectory.open(LdapSettings.defaults(List.of(slapd.url()), Slapd.ROOT_DN, slapd.rootPassword(),
                Slapd.BASE_DN).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)));
        resolver = new LdapRecipientResolver(ldap,
                ResolutionRules.defaults().withAliasDomains(Map.of("example.net", "example.com")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (ldap != null) {
            ldap.close();
        }
        if (slapd != null) {
            slapd.close();
        }
    }

    @Test
    void mailMatches() {
        MailUser alice = found("alice@example.com", "alice@example.com", "");

        assertThat(alice.dn()).isEqualTo("uid=alice," + PEOPLE);
        assertThat(alice.mailMessageStore()).contains("example.com/alice/Maildir/");
        assertThat(alice.quotaSize()).isEqualTo(10_485_760L);
    }

    @Test
    void mailAlternateAddressMatchesIgnoringCase() {
        assertThat(found("Bob.Smith@EXAMPLE.com", "bob.smith@example.com", "").uid()).contains("bob");
    }

    @Test
    void unknownAddressFallsToTheDomainCatchAll() {
        assertThat(found("anything@example.org", "catchall@example.org", "anything").mail())
                .isEqualTo("catchall@example.org");
    }

    @Test
    void unknownAddressWithoutCatchAllIsNotFound() {
        assertThat(resolve("nobody@example.com")).isEqualTo(new Lookup.NotFound());
    }

    @Test
    void disabledAccountIsFoundWithItsStatus() {
        assertThat(found("dave@example.com", "dave@example.com", "").accountStatus()).isEqualTo(AccountStatus.DISABLED);
    }

    @Test
    void forwardOnlyEntryCarriesModesAndForwards() {
        MailUser carol = found("carol@example.com", "carol@example.com", "");

        assertThat(carol.deliveryModes()).containsExactly("forwardonly");
        assertThat(carol.forwardingAddresses()).containsExactly("alice@example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"*@example.com", "x)(mail=*@example.com", "*", "*)(objectClass=*",
        "alice@example.com)(mail=*", "a*@example.com", "\\2a@example.com", "\\@example.com",
        "alice@example.com\u0000", "ali\u00adce@example.com"})
    void filterInjectionMatchesNothing(String hostile) {
        assertThat(resolve(hostile)).isEqualTo(new Lookup.NotFound());
    }

    @Test
    void nonAsciiAddressIsNotFoundNotAnError() {
        // mail is an IA5 attribute: OpenLDAP evaluates such an assertion as Undefined (no match).
        assertThat(resolve("jörg@example.com")).isEqualTo(new Lookup.NotFound());
    }

    @Test
    void twoEntriesForOneAddressIsAmbiguousAndNeverFallsToTheCatchAll() throws Exception {
        try (LDAPConnection admin = slapd.admin()) {
            admin.add(person("dup-one", "shared@example.org"));
            admin.add(person("dup-two", "shared@example.org"));
            try {
                assertThat(resolve("shared@example.org")).isInstanceOfSatisfying(Lookup.TempFail.class, fail -> {
                    assertThat(fail.ambiguous()).isTrue();
                    assertThat(fail.reason()).startsWith("ambiguous").contains("shared@example.org");
                });
            } finally {
                admin.delete("uid=dup-one," + PEOPLE);
                admin.delete("uid=dup-two," + PEOPLE);
            }
        }
    }

    @Test
    void dashExtensionReachesTheDashCatchAll() throws Exception {
        try (LDAPConnection admin = slapd.admin()) {
            admin.add(person("lists", "lists-catchall@example.com"));
            try {
                assertThat(found("lists-dev-bugs@example.com", "lists-catchall@example.com", "dev-bugs").uid())
                        .contains("lists");
            } finally {
                admin.delete("uid=lists," + PEOPLE);
            }
        }
        assertThat(resolve("lists-dev-bugs@example.com")).isEqualTo(new Lookup.NotFound());
        found("-x@example.org", "catchall@example.org", "-x");
    }

    @Test
    void recipientDelimiterReachesTheUserWithItsExtension() {
        assertThat(found("alice+news@example.com", "alice@example.com", "news").uid()).contains("alice");
        found("alice+news@example.org", "catchall@example.org", "alice+news");
    }

    @Test
    void aliasDomainIsMappedBeforeEverySearch() {
        assertThat(found("bob.smith@example.net", "bob.smith@example.com", "").uid()).contains("bob");
        found("alice+x@Example.NET", "alice@example.com", "x");
        assertThat(resolve("nobody@example.net")).isEqualTo(new Lookup.NotFound());
    }

    @Test
    void traceShowsTheFiltersOpenLdapWasSent() throws Exception {
        ResolutionTrace trace = resolver.trace("x)(mail=*@example.org").toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(trace.steps()).extracting(ResolutionTrace.Step::entries).containsExactly(0, 1);
        assertThat(trace.steps().get(0).filter()).isEqualTo("(&(objectClass=qmailUser)(|(mail=x\\29\\28mail=\\2a@example.org)"
                + "(mailAlternateAddress=x\\29\\28mail=\\2a@example.org)))");
        assertThat(trace.steps().get(1).detail()).isEqualTo("uid=catchall-example-org," + PEOPLE);
    }

    private static Entry person(String uid, String... alternates) {
        Entry entry = new Entry("uid=" + uid + "," + PEOPLE);
        entry.addAttribute("objectClass", "top", "person", "organizationalPerson", "inetOrgPerson", "qmailUser");
        entry.addAttribute("uid", uid);
        entry.addAttribute("cn", uid);
        entry.addAttribute("sn", uid);
        entry.addAttribute("mail", uid + "@example.com");
        entry.addAttribute("mailAlternateAddress", alternates);
        entry.addAttribute("mailMessageStore", "example.com/" + uid + "/Maildir/");
        return entry;
    }

    private static Lookup resolve(String address) {
        try {
            return resolver.resolve(address).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("resolve must complete normally: " + address, e);
        }
    }

    private static MailUser found(String address, String candidate, String extension) {
        Lookup lookup = resolve(address);
        assertThat(lookup).as(address).isInstanceOf(Lookup.Found.class);
        Lookup.Found found = (Lookup.Found) lookup;
        assertThat(found.candidate()).isEqualTo(candidate);
        assertThat(found.extension()).isEqualTo(extension);
        return found.user();
    }
}
