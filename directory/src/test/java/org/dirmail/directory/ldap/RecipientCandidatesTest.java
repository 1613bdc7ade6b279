package org.dirmail.directory.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The order of candidate addresses, qmail-ldap.md §2.3 (default build, no DASH_EXT). */
class RecipientCandidatesTest {

    @Test
    void addressThenCatchAll() {
        assertThat(LdapRecipientResolver.candidates("Alice@Example.COM"))
                .containsExactly("alice@example.com", "catchall@example.com");
    }

    @Test
    void leadingDashIsCheckedOnlyAsCatchAll() {
        assertThat(LdapRecipientResolver.candidates("-foo@example.org")).containsExactly("catchall@example.org");
    }

    @Test
    void catchAllItselfIsSearchedOnce() {
        assertThat(LdapRecipientResolver.candidates("CatchAll@example.org")).containsExactly("catchall@example.org");
    }

    @Test
    void lastAtSeparatesTheDomain() {
        assertThat(LdapRecipientResolver.candidates("\"a@b\"@example.org"))
                .containsExactly("\"a@b\"@example.org", "catchall@example.org");
    }

    @Test
    void controlAndFormatCharactersAreNeverSearched() {
        // RFC 4518 2.2 deletes these before matching, so each could equal alice@example.com.
        assertThat(LdapRecipientResolver.candidates("alice@example.com\u0000")).isEmpty();
        assertThat(LdapRecipientResolver.candidates("ali\u0001ce@example.com")).isEmpty();
        assertThat(LdapRecipientResolver.candidates("ali\u00adce@example.com")).isEmpty();
        assertThat(LdapRecipientResolver.candidates("ali\u200bce@example.com")).isEmpty();
    }

    @Test
    void noDomainMeansNoCatchAll() {
        assertThat(LdapRecipientResolver.candidates("postmaster")).containsExactly("postmaster");
        assertThat(LdapRecipientResolver.candidates("user@")).containsExactly("user@");
    }
}
