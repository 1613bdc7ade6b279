package org.dirmail.directory.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.dirmail.directory.ldap.RecipientCandidates.Candidate;
import org.dirmail.directory.ldap.RecipientCandidates.Kind;
import org.junit.jupiter.api.Test;

/** The order of candidate addresses, qmail-ldap.md §2.3 (with DASH_EXT), plus delimiter and alias domains. */
class RecipientCandidatesTest {

    private static final ResolutionRules DEFAULTS = ResolutionRules.defaults();

    @Test
    void addressThenCatchAll() {
        assertThat(candidates("Alice@Example.COM")).containsExactly("alice@example.com", "catchall@example.com");
    }

    @Test
    void dashExtensionsAreStrippedDeepestFirstAtMostFourLevels() {
        // The example of qmail-ldap.md §2.3.
        assertThat(candidates("a-b-c-d-e-f@x")).containsExactly(
                "a-b-c-d-e-f@x", "a-b-c-d-catchall@x", "a-b-c-catchall@x", "a-b-catchall@x", "a-catchall@x",
                "catchall@x");
        assertThat(candidates("a-b-c@d")).containsExactly("a-b-c@d", "a-b-catchall@d", "a-catchall@d", "catchall@d");
    }

    @Test
    void eachMatchLeavesItsExtension() {
        List<Candidate> all = RecipientCandidates.of("a-b-c@d", DEFAULTS);

        assertThat(all).containsExactly(
                new Candidate("a-b-c@d", "", Kind.EXACT),
                new Candidate("a-b-catchall@d", "c", Kind.DASH),
                new Candidate("a-catchall@d", "b-c", Kind.DASH),
                new Candidate("catchall@d", "a-b-c", Kind.CATCH_ALL));
    }

    @Test
    void leadingDashIsCheckedOnlyAsCatchAll() {
        assertThat(RecipientCandidates.of("-foo@example.org", DEFAULTS))
                .containsExactly(new Candidate("catchall@example.org", "-foo", Kind.CATCH_ALL));
    }

    @Test
    void delimiterComesAfterTheExactAddressAndBeforeAnyCatchAll() {
        assertThat(RecipientCandidates.of("Alice+Tag@example.org", DEFAULTS)).containsExactly(
                new Candidate("alice+tag@example.org", "", Kind.EXACT),
                new Candidate("alice@example.org", "tag", Kind.DELIMITER),
                new Candidate("catchall@example.org", "alice+tag", Kind.CATCH_ALL));
    }

    @Test
    void delimiterSplitsAtItsFirstOccurrenceAndDashesUseTheWholeLocalPart() {
        assertThat(RecipientCandidates.of("sales-team+a+b@d", DEFAULTS)).containsExactly(
                new Candidate("sales-team+a+b@d", "", Kind.EXACT),
                new Candidate("sales-team@d", "a+b", Kind.DELIMITER),
                new Candidate("sales-catchall@d", "team+a+b", Kind.DASH),
                new Candidate("catchall@d", "sales-team+a+b", Kind.CATCH_ALL));
    }

    @Test
    void leadingDelimiterIsNoExtension() {
        assertThat(candidates("+tag@d")).containsExactly("+tag@d", "catchall@d");
    }

    @Test
    void separatorAndDelimiterAreConfigurableAndCanBeOff() {
        ResolutionRules dots = new ResolutionRules("=", ".", Map.of());
        assertThat(candidates("a.b=x@d", dots)).containsExactly("a.b=x@d", "a.b@d", "a.catchall@d", "catchall@d");
        ResolutionRules off = new ResolutionRules("", "", Map.of());
        assertThat(candidates("-a-b+x@d", off)).containsExactly("-a-b+x@d", "catchall@d");
    }

    @Test
    void aliasDomainIsReplacedInEveryCandidate() {
        ResolutionRules rules = DEFAULTS.withAliasDomains(Map.of("Example.NET", "example.com"));

        assertThat(candidates("a-b+t@EXAMPLE.net", rules))
                .containsExactly("a-b+t@example.com", "a-b@example.com", "a-catchall@example.com", "catchall@example.com");
        assertThat(candidates("a@example.org", rules)).containsExactly("a@example.org", "catchall@example.org");
    }

    @Test
    void badRulesAreRefused() {
        assertThatThrownBy(() -> new ResolutionRules("@", "-", Map.of())).hasMessageContaining("recipient delimiter");
        assertThatThrownBy(() -> new ResolutionRules("+", "--", Map.of())).hasMessageContaining("dash separator");
        assertThatThrownBy(() -> DEFAULTS.withAliasDomains(Map.of("a.example", "A.example")))
                .hasMessageContaining("another");
        assertThatThrownBy(() -> DEFAULTS.withAliasDomains(Map.of("a.example", "b.example", "b.example", "c.example")))
                .hasMessageContaining("itself an alias domain");
    }

    @Test
    void catchAllItselfIsSearchedOnce() {
        assertThat(candidates("CatchAll@example.org")).containsExactly("catchall@example.org");
        assertThat(candidates("a-catchall@example.org"))
                .containsExactly("a-catchall@example.org", "catchall@example.org");
    }

    @Test
    void lastAtSeparatesTheDomain() {
        assertThat(candidates("\"a@b\"@example.org")).containsExactly("\"a@b\"@example.org", "catchall@example.org");
    }

    @Test
    void controlAndFormatCharactersAreNeverSearched() {
        // RFC 4518 2.2 deletes these before matching, so each could equal alice@example.com.
        assertThat(candidates("alice@example.com\u0000")).isEmpty();
        assertThat(candidates("ali\u0001ce@example.com")).isEmpty();
        assertThat(candidates("ali\u00adce@example.com")).isEmpty();
        assertThat(candidates("ali\u200bce@example.com")).isEmpty();
    }

    @Test
    void noDomainMeansNoCatchAll() {
        assertThat(candidates("postmaster")).containsExactly("postmaster");
        assertThat(candidates("user@")).containsExactly("user@");
    }

    private static List<String> candidates(String address) {
        return candidates(address, DEFAULTS);
    }

    private static List<String> candidates(String address, ResolutionRules rules) {
        return RecipientCandidates.addresses(address, rules);
    }
}
