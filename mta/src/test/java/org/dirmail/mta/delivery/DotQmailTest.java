package org.dirmail.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** dot-qmail(5) line kinds, and the hostile lines a user's file may hold. */
class DotQmailTest {

    private static final Path ROOT = Path.of("/srv/mail");
    private static final Path HOME = Path.of("/srv/mail/example.com/bob");

    @Test
    void everyLineKind() throws Exception {
        List<DeliveryStep> steps = parse("# my mail\n"
                + "&carol@example.org\n"
                + "dave@example.net   \n"
                + "./Maildir/\n"
                + "./mbox\n"
                + "/srv/mail/example.com/bob/archive/\n"
                + "/srv/mail/shared/log\n"
                + "|/usr/bin/filter --x\n"
                + "\n"
                + "& erin@example.com\n");

        assertThat(steps).containsExactly(
                new DeliveryStep.Forward("carol@example.org"),
                new DeliveryStep.Forward("dave@example.net"),
                new DeliveryStep.Maildir(HOME.resolve("Maildir")),
                new DeliveryStep.Mbox(HOME.resolve("mbox")),
                new DeliveryStep.Maildir(HOME.resolve("archive")),
                new DeliveryStep.Mbox(Path.of("/srv/mail/shared/log")),
                new DeliveryStep.Program("/usr/bin/filter --x"),
                new DeliveryStep.Forward("erin@example.com"));
    }

    @Test
    void commentsOnlyIsNoDelivery() throws Exception {
        assertThat(parse("# drop everything\n")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/etc/passwd", "./../../../etc/", "./Maildir/../../x/", "/srv/mail/../etc/mbox",
        "-oops", "<bob@example.com>", "&not an address", "&a@b@c", "|", "& ",
    })
    void hostileLinesAreRefusedNamingFileAndLine(String line) {
        assertThatThrownBy(() -> parse("# first\n" + line + "\n"))
                .isInstanceOf(DotQmail.MalformedException.class)
                .hasMessageContaining("/srv/mail/example.com/bob/.qmail line 2");
    }

    @Test
    void nulCrABlankFirstLineAndHugeFilesAreRefused() {
        assertThatThrownBy(() -> parse("./Maildir/\0x\n")).hasMessageContaining("line 1: contains NUL");
        assertThatThrownBy(() -> parse("./Maildir/\r\n")).hasMessageContaining("line 1: contains NUL or CR");
        assertThatThrownBy(() -> parse("\n./Maildir/\n")).hasMessageContaining("line 1: a blank first line");
        assertThatThrownBy(() -> parse("#" + "x".repeat(DotQmail.MAX_BYTES) + "\n")).hasMessageContaining("larger than");
    }

    private static List<DeliveryStep> parse(String text) throws DotQmail.MalformedException {
        return DotQmail.parse(HOME.resolve(".qmail").toString(), text.getBytes(StandardCharsets.UTF_8), HOME, ROOT);
    }
}
