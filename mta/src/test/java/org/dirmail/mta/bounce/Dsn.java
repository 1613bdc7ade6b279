package org.dirmail.mta.bounce;

import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.util.Properties;
import org.eclipse.angus.mail.dsn.DeliveryStatus;
import org.eclipse.angus.mail.dsn.MultipartReport;

/** A DSN read back with Jakarta Mail and Angus's RFC 3464 classes, as a mail client would. */
public final class Dsn {

    public final MimeMessage message;
    public final MultipartReport report;
    public final DeliveryStatus status;

    private Dsn(MimeMessage message) throws Exception {
        this.message = message;
        this.report = (MultipartReport) message.getContent();
        this.status = (DeliveryStatus) report.getReport();
    }

    public static Dsn parse(byte[] bytes) throws Exception {
        return new Dsn(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes)));
    }

    /** A per-message field of the delivery-status part. */
    public String messageField(String name) {
        return status.getMessageDSN().getHeader(name, null);
    }

    /** A field of the {@code i}th recipient's block. */
    public String recipientField(int i, String name) {
        InternetHeaders h = status.getRecipientDSN(i);
        String value = h.getHeader(name, null);
        return value == null ? null : MimeUtility.unfold(value);
    }

    public int recipients() {
        return status.getRecipientDSNCount();
    }

    /** The text/plain notification, its wrapped lines joined again. */
    public String text() throws Exception {
        return ((String) report.getBodyPart(0).getContent()).replace("\r\n    ", " ");
    }

    /** The third part: the returned message or its header. */
    public BodyPart returned() throws Exception {
        return report.getBodyPart(2);
    }
}
