package org.dirmail.directory.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.sdk.Control;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.SearchResultEntry;
import org.dirmail.directory.MailUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The qmailGroup booleans as qmail-group reads them (TRUE, 1, FALSE, 0, any case; anything else
 * is a bad value), on entries a lax directory could hold (ApacheDS and OpenLDAP only store TRUE
 * and FALSE in a Boolean attribute).
 */
class MailGroupMapperTest {

    @ParameterizedTest
    @CsvSource({"TRUE,true", "true,true", "1,true", "FALSE,false", "false,false", "0,false"})
    void qmailLdapSpellings(String value, boolean membersOnly) throws Exception {
        MailUser user = MailUserMapper.map(group("membersonly: " + value, "senderconfirm: " + value));

        assertThat(user.group()).hasValueSatisfying(g -> {
            assertThat(g.membersOnly()).isEqualTo(membersOnly);
            assertThat(g.senderConfirm()).isEqualTo(membersOnly);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "on", "2", "T"})
    void anythingElseIsABadValue(String value) {
        assertThatThrownBy(() -> MailUserMapper.map(group("membersonly: " + value)))
                .isInstanceOf(MailUserMapper.InvalidEntryException.class)
                .hasMessageContaining("membersonly").hasMessageContaining("uid=list,dc=example,dc=com");
    }

    @Test
    void twoValuesAreABadValue() {
        assertThatThrownBy(() -> MailUserMapper.map(group("membersonly: TRUE", "membersonly: FALSE")))
                .isInstanceOf(MailUserMapper.InvalidEntryException.class).hasMessageContaining("too many values");
    }

    @Test
    void missingMeansOpenAndModeratorsAreCollected() throws Exception {
        MailUser user = MailUserMapper.map(group("rfc822moderator: mod@example.com", "dnmoderator: uid=m,dc=example,dc=com"));

        assertThat(user.group()).hasValueSatisfying(g -> {
            assertThat(g.membersOnly()).isFalse();
            assertThat(g.needsSecretary()).isTrue();
            assertThat(g.moderators()).containsExactly("mod@example.com", "uid=m,dc=example,dc=com");
        });
    }

    @Test
    void anEntryWithoutQmailGroupIsNoGroupWhateverItHolds() throws Exception {
        Entry entry = new Entry("dn: uid=alice,dc=example,dc=com", "objectClass: qmailUser", "mail: alice@example.com",
                "rfc822member: bob@example.com");

        assertThat(MailUserMapper.map(new SearchResultEntry(entry, new Control[0])).group()).isEmpty();
    }

    private static SearchResultEntry group(String... lines) throws Exception {
        Entry entry = new Entry("dn: uid=list,dc=example,dc=com", "objectClass: qmailUser", "objectClass: qmailGroup",
                "mail: list@example.com");
        for (String line : lines) {
            int colon = line.indexOf(": ");
            entry.addAttribute(line.substring(0, colon), line.substring(colon + 2));
        }
        return new SearchResultEntry(entry, new Control[0]);
    }
}
