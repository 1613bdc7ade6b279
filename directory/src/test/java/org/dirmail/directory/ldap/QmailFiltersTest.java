package org.dirmail.directory.ldap;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.Filter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Filters are built from components: hostile input stays an assertion value (RFC 4515). */
class QmailFiltersTest {

    @Test
    void recipientFilterHasQmailLdapShape() {
        Filter filter = QmailFilters.recipient("alice@example.com", "qmailUser");

        assertThat(filter.toString()).isEqualTo(
                "(&(objectClass=qmailUser)(|(mail=alice@example.com)(mailAlternateAddress=alice@example.com)))");
    }

    @Test
    void emptyObjectClassMeansNoAndTerm() {
        assertThat(QmailFilters.recipient("alice@example.com", "").toString())
                .isEqualTo("(|(mail=alice@example.com)(mailAlternateAddress=alice@example.com))");
        assertThat(QmailFilters.login("alice", "").toString()).isEqualTo("(uid=alice)");
    }

    @Test
    void loginFilterSearchesUid() {
        assertThat(QmailFilters.login("alice", "qmailUser").toString())
                .isEqualTo("(&(objectClass=qmailUser)(uid=alice))");
    }

    @ParameterizedTest
    @ValueSource(strings = {"*@example.com", "x)(mail=*@example.com", "a\\b", "nul\u0000@example.com", "*", "(", ")"})
    void recipientInjectionStaysAnAssertionValue(String hostile) {
        Filter filter = QmailFilters.recipient(hostile, "qmailUser");

        assertThat(filter.getFilterType()).isEqualTo(Filter.FILTER_TYPE_AND);
        Filter[] and = filter.getComponents();
        assertThat(and).hasSize(2);
        assertThat(and[0].getAttributeName()).isEqualTo("objectClass");
        assertThat(and[0].getAssertionValue()).isEqualTo("qmailUser");
        assertThat(and[1].getFilterType()).isEqualTo(Filter.FILTER_TYPE_OR);
        Filter[] or = and[1].getComponents();
        assertThat(or).hasSize(2);
        for (Filter equality : or) {
            assertThat(equality.getFilterType()).isEqualTo(Filter.FILTER_TYPE_EQUALITY);
            assertThat(equality.getAssertionValue()).isEqualTo(hostile);
        }
        assertThat(or[0].getAttributeName()).isEqualTo("mail");
        assertThat(or[1].getAttributeName()).isEqualTo("mailAlternateAddress");
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "x)(uid=*", "a\\b", "nul\u0000"})
    void loginInjectionStaysAnAssertionValue(String hostile) {
        Filter[] and = QmailFilters.login(hostile, "qmailUser").getComponents();

        assertThat(and[1].getFilterType()).isEqualTo(Filter.FILTER_TYPE_EQUALITY);
        assertThat(and[1].getAttributeName()).isEqualTo("uid");
        assertThat(and[1].getAssertionValue()).isEqualTo(hostile);
    }

    @Test
    void hostileObjectClassStaysAnAssertionValue() {
        Filter[] and = QmailFilters.recipient("a@example.com", "*)(|(objectClass=*").getComponents();

        assertThat(and[0].getAssertionValue()).isEqualTo("*)(|(objectClass=*");
        assertThat(and[0].toString()).isEqualTo("(objectClass=\\2a\\29\\28|\\28objectClass=\\2a)");
    }

    @Test
    void toStringEscapesAsRfc4515() {
        // RFC 4515 section 3: '*', '(', ')', '\' and NUL are written as \2a, \28, \29, \5c, \00.
        assertThat(QmailFilters.recipient("*@example.com", "").toString())
                .isEqualTo("(|(mail=\\2a@example.com)(mailAlternateAddress=\\2a@example.com))");
        assertThat(QmailFilters.recipient("x)(mail=*@example.com", "").toString())
                .isEqualTo("(|(mail=x\\29\\28mail=\\2a@example.com)(mailAlternateAddress=x\\29\\28mail=\\2a@example.com))");
        assertThat(QmailFilters.login("a\\b", "").toString()).isEqualTo("(uid=a\\5cb)");
        assertThat(QmailFilters.login("nul\u0000", "").toString()).isEqualTo("(uid=nul\\00)");
    }

    @Test
    void encodedFilterParsesBackToTheSameValue() throws Exception {
        String hostile = "x)(mail=*@example.com\u0000\\";
        Filter parsed = Filter.create(QmailFilters.recipient(hostile, "").toString());

        assertThat(parsed.getComponents()[0].getAssertionValue()).isEqualTo(hostile);
    }
}
