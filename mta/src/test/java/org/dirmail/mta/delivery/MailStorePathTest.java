package org.dirmail.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MailStorePathTest {

    private final Path root = Path.of("/srv/mail");

    @Test
    void relativeStoreLandsUnderTheRoot() throws Exception {
        assertThat(MailStorePath.resolve(root, "example.com/alice/Maildir/"))
                .isEqualTo(Path.of("/srv/mail/example.com/alice/Maildir"));
    }

    @Test
    void absoluteStoreInsideTheRootIsAccepted() throws Exception {
        assertThat(MailStorePath.resolve(root, "/srv/mail/x/Maildir/")).isEqualTo(Path.of("/srv/mail/x/Maildir"));
    }

    @Test
    void escapesAreRefused() {
        for (String hostile : new String[] {"../etc/", "a/../../etc/", "/etc/", "/srv/mailx/Maildir/", "", "./",
            "a/\0/Maildir/", "/srv/mail/../mail/x/"}) {
            assertThatThrownBy(() -> MailStorePath.resolve(root, hostile))
                    .as(hostile).isInstanceOf(MailStorePath.BadStoreException.class);
        }
    }

    @Test
    void trailingSlashMeansMaildir() {
        assertThat(MailStorePath.isMaildir("a/Maildir/")).isTrue();
        assertThat(MailStorePath.isMaildir("a/mbox")).isFalse();
    }
}
