package org.dirmail.mta.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each logger's lines carry the Postfix program pflogsumm expects for them. */
class PostfixProgramConverterTest {

    @Test
    void mapsLoggersToPostfixPrograms() {
        assertThat(PostfixProgramConverter.program("org.dirmail.mta.smtp.SmtpSession")).isEqualTo("smtpd");
        assertThat(PostfixProgramConverter.program("org.dirmail.mta.smtp.SmtpServerHandler")).isEqualTo("smtpd");
        assertThat(PostfixProgramConverter.program("org.dirmail.mta.queue.FileQueue")).isEqualTo("qmgr");
        assertThat(PostfixProgramConverter.program("org.dirmail.mta.delivery.DeliveryScheduler")).isEqualTo("qmgr");
        assertThat(PostfixProgramConverter.program("org.dirmail.mta.delivery.DeliveryScheduler.local"))
                .isEqualTo("local");
        assertThat(PostfixProgramConverter.program("org.dirmail.mta.delivery.DeliveryScheduler.smtp"))
                .isEqualTo("smtp");
        assertThat(PostfixProgramConverter.program("org.dirmail.mta.delivery.MaildirWriter")).isEqualTo("local");
        assertThat(PostfixProgramConverter.program("org.dirmail.mta.remote.SmtpClientTransport")).isEqualTo("smtp");
        assertThat(PostfixProgramConverter.program("org.dirmail.mta.bounce.Bouncer")).isEqualTo("bounce");
        assertThat(PostfixProgramConverter.program("org.dirmail.mta.server.MaildropPickup")).isEqualTo("pickup");
    }

    @Test
    void everythingElseIsTheMaster() {
        assertThat(PostfixProgramConverter.program("org.dirmail.mta.server.DirmailServer")).isEqualTo("master");
        assertThat(PostfixProgramConverter.program("io.netty.channel.DefaultChannelPipeline")).isEqualTo("master");
        assertThat(PostfixProgramConverter.program("org.dirmail.mta.smtpx.Other")).isEqualTo("master");
    }
}
