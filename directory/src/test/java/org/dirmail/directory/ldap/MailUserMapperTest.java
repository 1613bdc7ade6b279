package org.dirmail.directory.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.sdk.Control;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.SearchResultEntry;
import org.dirmail.directory.MailUser;
import org.junit.jupiter.api.Test;

/** The local-delivery attributes: programs are multi-valued, the dot mode single-valued (qmail-ldap.md §1.2). */
class MailUserMapperTest {

    @Test
    void programsDotModeAndHomeAreMappedAsStored() throws Exception {
        Entry entry = new Entry("dn: uid=pat,dc=example,dc=com", "objectClass: qmailUser", "mail: pat@example.com",
                "deliveryProgramPath: /usr/bin/filter one", "deliveryProgramPath: /usr/bin/filter two",
                "qmailDotMode: ldapwithprog", "homeDirectory: /var/mail/pat");

        MailUser user = MailUserMapper.map(new SearchResultEntry(entry, new Control[0]));

        assertThat(user.deliveryPrograms()).containsExactly("/usr/bin/filter one", "/usr/bin/filter two");
        assertThat(user.dotMode()).contains("ldapwithprog");
        assertThat(user.homeDirectory()).contains("/var/mail/pat");
    }

    @Test
    void aSecondDotModeIsRefused() throws Exception {
        Entry entry = new Entry("dn: uid=pat,dc=example,dc=com", "objectClass: qmailUser", "mail: pat@example.com",
                "qmailDotMode: both", "qmailDotMode: dotonly");

        assertThatThrownBy(() -> MailUserMapper.map(new SearchResultEntry(entry, new Control[0])))
                .isInstanceOf(MailUserMapper.InvalidEntryException.class).hasMessageContaining("qmailDotMode");
    }

    @Test
    void withoutTheAttributesThereAreNoProgramsAndNoDotMode() throws Exception {
        Entry entry = new Entry("dn: uid=pat,dc=example,dc=com", "objectClass: qmailUser", "mail: pat@example.com");

        MailUser user = MailUserMapper.map(new SearchResultEntry(entry, new Control[0]));

        assertThat(user.deliveryPrograms()).isEmpty();
        assertThat(user.dotMode()).isEmpty();
    }
}
