package org.dirmail.mta.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.dirmail.mta.smtp.MailPath.InvalidPathException;
import org.dirmail.mta.smtp.MailPath.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 5321 4.1.2 path syntax and the 4.5.3.1 length limits. */
class MailPathTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "<a@example.org>", "<first.last+tag@sub.example.org>", "<!#$%&'*+-/=?^_`{|}~@x.example>",
        "<a@[192.0.2.1]>", "<a@[IPv6:2001:db8::1]>", "<a@[IPv6:::ffff:192.0.2.1]>",
        "<a@[IPv6:1:2:3:4:5:6:7:8]>", "<\"john doe\"@example.org>", "<\"a\\\"b\"@example.org>",
        "<@relay.example:a@example.org>", "<@r1.example,@r2.example:a@example.org>", "<a@x-y.example>"
    })
    void accepts(String path) throws InvalidPathException {
        assertThat(MailPath.parse(path, false).isNull()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "a@example.org", "<a@example.org", "<>", "<a>", "<@example.org>", "<a@>", "<a b@example.org>",
        "<a@example.org >", "<a..b@example.org>", "<.a@example.org>", "<a.@example.org>", "<a(b)@example.org>",
        "<a;b@example.org>", "<a<b@example.org>", "<a@-x.example>", "<a@x-.example>", "<a@x..example>",
        "<a@exa_mple.org>", "<a@[300.1.1.1]>", "<a@[1.2.3]>", "<a@[IPv6:1::2::3]>", "<a@[IPv6:12345::]>",
        "<a@[tag:content]>", "<\"a\0b\"@example.org>", "<\"a\r\nb\"@example.org>", "<a\0@example.org>",
        "<a@example.org\0>", "<@relay.example,a@example.org>", "<@:a@example.org>", "<\"unterminated@example.org>"
    })
    void refuses(String path) {
        assertThatThrownBy(() -> MailPath.parse(path, false))
                .isInstanceOfSatisfying(InvalidPathException.class,
                        e -> assertThat(e.problem()).isEqualTo(Problem.SYNTAX));
    }

    @Test
    void nullPathOnlyWhereAllowed() throws InvalidPathException {
        assertThat(MailPath.parse("<>", true)).isEqualTo(MailPath.NULL);
        assertThat(MailPath.NULL.address()).isEmpty();
        assertThat(MailPath.NULL).hasToString("<>");
    }

    @Test
    void sourceRouteIsDroppedAndPlainQuotedLocalPartsUnquoted() throws InvalidPathException {
        assertThat(MailPath.parse("<@r.example:a@example.org>", false).address()).isEqualTo("a@example.org");
        assertThat(MailPath.parse("<\"a.b\"@example.org>", false).address()).isEqualTo("a.b@example.org");
        assertThat(MailPath.parse("<\"a b\"@example.org>", false).address()).isEqualTo("\"a b\"@example.org");
    }

    @Test
    void lengthLimits() throws InvalidPathException {
        assertThat(MailPath.parse("<" + "a".repeat(64) + "@example.org>", false).localPart()).hasSize(64);
        assertProblem("<" + "a".repeat(65) + "@example.org>", Problem.TOO_LONG);
        String label = "d".repeat(63);
        String domain = String.join(".", label, label, label, "d".repeat(50)); // 242 octets
        assertThat(MailPath.parse("<a@" + domain + ">", false).domain()).isEqualTo(domain);
        assertProblem("<" + "a".repeat(10) + "@" + domain + ".example>", Problem.TOO_LONG);
        assertProblem("<a@" + "d".repeat(64) + ".example>", Problem.SYNTAX);
    }

    @Test
    void nonAsciiIsItsOwnProblem() {
        assertProblem("<j\u00f6rg@example.org>", Problem.NON_ASCII);
        assertProblem("<a@b\u00fccher.example>", Problem.NON_ASCII);
    }

    private static void assertProblem(String path, Problem problem) {
        assertThatThrownBy(() -> MailPath.parse(path, false))
                .isInstanceOfSatisfying(InvalidPathException.class,
                        e -> assertThat(e.problem()).isEqualTo(problem));
    }
}
