package org.dirmail.mta.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import org.dirmail.mta.delivery.DeliveryOutcome;
import org.dirmail.mta.smtp.SmtpReply;
import org.dirmail.mta.smtp.SmtpRole;
import org.junit.jupiter.api.Test;

/** What each facade method makes of its event, read back through the Prometheus text. */
class DirmailMetricsTest {

    private static final String DEFERRED_REMOTE_BUCKET =
            "dirmail_delivery_latency_seconds_bucket{outcome=\"deferred\",relay=\"remote\",";

    private final DirmailMetrics metrics = DirmailMetrics.prometheus();

    @Test
    void refusalsCountByCodeAndRfc3463SubjectAndPositiveRepliesNotAtAll() {
        metrics.smtpReply(SmtpReply.of(250, "2.1.5", "Ok"));
        metrics.smtpReply(SmtpReply.of(550, "5.1.1", "User unknown"));
        metrics.smtpReply(SmtpReply.of(550, "5.1.1", "User unknown"));
        metrics.smtpReply(SmtpReply.of(451, "4.4.3", "Directory temporarily unavailable"));
        metrics.smtpReply(SmtpReply.of(535, "5.7.8", "Authentication credentials invalid"));
        metrics.smtpReply(SmtpReply.of(554, "", "no enhanced code"));

        assertThat(metrics.scrape())
                .contains("dirmail_smtp_rejections_total{code=\"550\",reason=\"address\"} 2.0")
                .contains("dirmail_smtp_rejections_total{code=\"451\",reason=\"network\"} 1.0")
                .contains("dirmail_smtp_rejections_total{code=\"535\",reason=\"policy\"} 1.0")
                .contains("dirmail_smtp_rejections_total{code=\"554\",reason=\"other\"} 1.0")
                .contains("dirmail_auth_failures_total{protocol=\"smtp\"} 1.0")
                .doesNotContain("code=\"250\"");
    }

    @Test
    void reasonClassTrustsNothingAboutTheEnhancedCode() {
        assertThat(ReasonClass.of("5.2.2")).isEqualTo("mailbox");
        assertThat(ReasonClass.of("4.3.0")).isEqualTo("mail_system");
        assertThat(ReasonClass.of("5.6.0")).isEqualTo("content");
        assertThat(ReasonClass.of("5.9.1")).isEqualTo("other");
        assertThat(ReasonClass.of("5.12.1")).isEqualTo("other");
        assertThat(ReasonClass.of("garbage")).isEqualTo("other");
        assertThat(ReasonClass.of("")).isEqualTo("other");
    }

    @Test
    void activeConnectionsGoUpAndDownPerRole() {
        metrics.smtpConnectionOpened(SmtpRole.MX);
        metrics.smtpConnectionOpened(SmtpRole.MX);
        metrics.smtpConnectionOpened(SmtpRole.SMTPS);
        metrics.smtpConnectionClosed(SmtpRole.MX);

        assertThat(metrics.scrape())
                .contains("dirmail_smtp_connections_total{role=\"mx\"} 2.0")
                .contains("dirmail_smtp_connections_active{role=\"mx\"} 1.0")
                .contains("dirmail_smtp_connections_active{role=\"smtps\"} 1.0")
                .contains("dirmail_smtp_connections_active{role=\"submission\"} 0.0");
    }

    @Test
    void deliveriesAreTaggedByOutcomeAndRelayKindNeverByHost() {
        metrics.delivery(new DeliveryOutcome.Delivered("ok"), "local", Duration.ofMillis(40));
        metrics.delivery(new DeliveryOutcome.Deferred("4.4.1", "no answer"), "mx.remote.example",
                Duration.ofMinutes(5));
        metrics.delivery(new DeliveryOutcome.Failed("5.1.1", "unknown"), "mx.remote.example", Duration.ofSeconds(3));

        String text = metrics.scrape();
        assertThat(text)
                .contains("dirmail_deliveries_total{outcome=\"delivered\",relay=\"local\"} 1.0")
                .contains("dirmail_deliveries_total{outcome=\"deferred\",relay=\"remote\"} 1.0")
                .contains("dirmail_deliveries_total{outcome=\"bounced\",relay=\"remote\"} 1.0")
                .contains("dirmail_delivery_latency_seconds_bucket{outcome=\"delivered\",relay=\"local\",le=\"0.1\"} 1")
                .contains(DEFERRED_REMOTE_BUCKET + "le=\"60.0\"} 0")
                .contains(DEFERRED_REMOTE_BUCKET + "le=\"600.0\"} 1")
                .doesNotContain("mx.remote.example");
    }

    @Test
    void aRefusedPasswordIsNoDirectoryErrorButATimeoutOrOverloadIs() {
        assertThat(LdapErrors.isError(null)).isFalse();
        assertThat(LdapErrors.isError(new LDAPException(ResultCode.INVALID_CREDENTIALS))).isFalse();
        assertThat(LdapErrors.isError(new LDAPException(ResultCode.TIMEOUT))).isTrue();
        assertThat(LdapErrors.isError(new LDAPException(ResultCode.SERVER_DOWN))).isTrue();
        assertThat(LdapErrors.isError(new RejectedExecutionException())).isTrue();
    }

    @Test
    void disabledMetricsAcceptEverythingAndScrapeNothing() {
        DirmailMetrics off = DirmailMetrics.disabled();
        off.smtpConnectionOpened(SmtpRole.MX);
        off.smtpReply(SmtpReply.of(550, "5.1.1", "x"));
        off.messageAccepted(100);
        assertThat(off.scrape()).isEmpty();
    }
}
