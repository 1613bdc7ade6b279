package org.dirmail.directory.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dirmail.directory.GroupExpansion;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailGroup;
import org.dirmail.directory.MailUser;
import org.dirmail.directory.PostingDecision;
import org.dirmail.directory.embedded.EmbeddedDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group expansion and the members-only check against a real in-process ApacheDS with the sample
 * data, plus group entries each test adds as the directory's admin.
 */
class LdapMailGroupsTest {

    private static final String PEOPLE = "ou=people," + EmbeddedDirectory.BASE_DN;

    @TempDir
    static Path sharedInstance;

    private static EmbeddedDirectory directory;
    private static LdapDirectory ldap;
    private static LdapRecipientResolver resolver;
    private static LdapMailGroups groups;

    @BeforeAll
    static void start() throws Exception {
        directory = EmbeddedDirectory.start(sharedInstance, "127.0.0.1", 0);
        ldap = LdapDirectory.open(LdapSettings.defaults(List.of(directory.ldapUrl()), EmbeddedDirectory.ADMIN_DN,
                        directory.adminPassword(), EmbeddedDirectory.BASE_DN)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .withPool(2, Duration.ofSeconds(1), Duration.ofMinutes(15)));
        resolver = new LdapRecipientResolver(ldap);
        groups = new LdapMailGroups(ldap, resolver);
    }

    @AfterAll
    static void stop() {
        ldap.close();
        directory.close();
    }

    @Test
    void theSampleGroupIsAGroupOfAliceAndBob() {
        MailUser sales = found("sales@example.com");

        assertThat(sales.group()).hasValueSatisfying(g -> {
            assertThat(g.rfc822Members()).containsExactlyInAnyOrder("alice@example.com", "bob@example.com");
            assertThat(g.membersOnly()).isFalse();
        });
        assertThat(members(sales)).containsExactlyInAnyOrder("alice@example.com", "bob@example.com");
        assertThat(found("alice@example.com").group()).isEmpty();
    }

    @Test
    void dnMembersAreReadByDnAndMissingEntriesSkipped() throws Exception {
        addGroup("dn-list", "dnmember: uid=bob," + PEOPLE, "dnmember: uid=nobody," + PEOPLE,
                "dnmember: UID=Alice, OU=People,DC=example,DC=com");

        GroupExpansion.Members expansion = expand(found("dn-list@example.com"));

        assertThat(expansion.addresses()).containsExactly("bob@example.com", "alice@example.com");
        assertThat(expansion.notes()).containsExactly("dnmember uid=nobody," + PEOPLE + ": no such entry, skipped");
    }

    @Test
    void filterMembersAreSearchedUnderTheBaseDn() throws Exception {
        addGroup("filter-list", "filtermember: (|(uid=carol)(uid=catchall-example-org))");

        assertThat(members(found("filter-list@example.com")))
                .containsExactlyInAnyOrder("carol@example.com", "catchall@example.org");
    }

    @Test
    void aFilterMemberThatDoesNotParseIsATemporaryDataError() throws Exception {
        addGroup("broken-filter", "rfc822member: alice@example.com", "filtermember: (uid=carol");

        assertThat(groups.expand(found("broken-filter@example.com").group().orElseThrow())
                .toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(GroupExpansion.TempFail.class, fail -> {
                    assertThat(fail.badData()).isTrue();
                    assertThat(fail.reason()).contains("filtermember").contains("(uid=carol");
                });
    }

    @Test
    void nestedGroupsExpandOnceCyclesEndAndDuplicatesGo() throws Exception {
        addGroup("outer", "rfc822member: alice@example.com", "rfc822member: inner@example.com",
                "rfc822member: bob@example.com");
        addGroup("inner", "rfc822member: BOB@example.com", "rfc822member: carol@example.com",
                "rfc822member: outer@example.com", "dnmember: uid=inner," + PEOPLE,
                "rfc822member: sales@example.com");

        GroupExpansion.Members expansion = expand(found("outer@example.com"));

        // sales adds alice and bob once more: still one of each.
        assertThat(expansion.addresses()).containsExactly("alice@example.com", "bob@example.com", "carol@example.com");
        assertThat(expansion.notes()).contains(
                "inner@example.com: nested group uid=inner," + PEOPLE + ", expanded",
                "outer@example.com: group already expanded (a cycle or a repeat), skipped",
                "sales@example.com: nested group uid=sales," + PEOPLE + ", expanded",
                "3 duplicate addresses removed");
    }

    @Test
    void membersOnlyAdmitsMembersByAddressEntryAndFilter() throws Exception {
        addGroup("closed", "membersonly: TRUE", "rfc822member: alice@example.com",
                "dnmember: uid=bob," + PEOPLE, "filtermember: (uid=carol)");
        MailGroup closed = found("closed@example.com").group().orElseThrow();

        assertThat(post(closed, "ALICE@example.com")).isInstanceOf(PostingDecision.Allowed.class);
        assertThat(post(closed, "bob.smith@example.com")).as("bob's alias, by his entry's DN")
                .isInstanceOf(PostingDecision.Allowed.class);
        assertThat(post(closed, "carol@example.com")).isInstanceOf(PostingDecision.Allowed.class);
        assertThat(post(closed, "dave@example.com")).isInstanceOf(PostingDecision.Refused.class);
        assertThat(post(closed, "outsider@elsewhere.example")).isInstanceOf(PostingDecision.Refused.class);
        assertThat(post(closed, "")).isInstanceOf(PostingDecision.Refused.class);
    }

    @Test
    void sendersReplaceMembersWhenAnyIsListed() throws Exception {
        addGroup("announce", "membersonly: TRUE", "rfc822member: alice@example.com", "dnsender: uid=dave," + PEOPLE,
                "rfc822sender: carol@example.com");
        MailGroup announce = found("announce@example.com").group().orElseThrow();

        assertThat(post(announce, "carol@example.com")).isInstanceOf(PostingDecision.Allowed.class);
        assertThat(post(announce, "dave@example.com")).isInstanceOf(PostingDecision.Allowed.class);
        assertThat(post(announce, "alice@example.com")).as("a member, but not a sender")
                .isInstanceOf(PostingDecision.Refused.class);
    }

    @Test
    void openGroupsTakeAnyone() {
        assertThat(post(found("sales@example.com").group().orElseThrow(), "")).isInstanceOf(PostingDecision.Allowed.class);
    }

    @Test
    void membershipIsLive() throws Exception {
        addGroup("live", "rfc822member: alice@example.com");
        MailGroup live = found("live@example.com").group().orElseThrow();
        try (LDAPConnection admin = admin()) {
            admin.modify("uid=live," + PEOPLE, new Modification(ModificationType.ADD, "dnmember", "uid=bob," + PEOPLE));
        }

        assertThat(members(found("live@example.com"))).containsExactly("alice@example.com", "bob@example.com");
        assertThat(live.dnMembers()).as("the old answer is a snapshot").isEmpty();
    }

    private static void addGroup(String uid, String... lines) throws Exception {
        List<String> ldif = new ArrayList<>(List.of(
                "dn: uid=" + uid + "," + PEOPLE,
                "objectClass: top", "objectClass: account", "objectClass: qmailUser", "objectClass: qmailGroup",
                "uid: " + uid,
                "mail: " + uid + "@example.com",
                "mailAlternateAddress: " + uid + "@example.com",
                "mailMessageStore: example.com/" + uid + "/Maildir/"));
        ldif.addAll(List.of(lines));
        try (LDAPConnection admin = admin()) {
            admin.add(new Entry(ldif.toArray(String[]::new)));
        }
    }

    private static LDAPConnection admin() throws Exception {
        return new LDAPConnection("127.0.0.1", directory.port(), EmbeddedDirectory.ADMIN_DN, directory.adminPassword());
    }

    private static MailUser found(String address) {
        try {
            Lookup lookup = resolver.resolve(address).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(lookup).isInstanceOf(Lookup.Found.class);
            return ((Lookup.Found) lookup).user();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static GroupExpansion.Members expand(MailUser entry) {
        try {
            GroupExpansion expansion = groups.expand(entry.group().orElseThrow()).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            assertThat(expansion).isInstanceOf(GroupExpansion.Members.class);
            return (GroupExpansion.Members) expansion;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> members(MailUser entry) {
        return expand(entry).addresses();
    }

    private static PostingDecision post(MailGroup group, String sender) {
        try {
            return groups.mayPost(group, sender).toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
