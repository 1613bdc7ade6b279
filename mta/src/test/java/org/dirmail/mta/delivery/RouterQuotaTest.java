package org.dirmail.mta.delivery;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailUser;
import org.dirmail.directory.RecipientResolver;
import org.dirmail.mta.queue.Envelope;
import org.dirmail.mta.queue.MessageQueue;
import org.dirmail.mta.queue.QueuedMessage;
import org.dirmail.mta.quota.Maildirsize;
import org.dirmail.mta.quota.QuotaLimits;
import org.dirmail.mta.quota.QuotaPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Delivery within mailQuotaSize / mailQuotaCount / mailSizeMax: bookkeeping, bounce or defer, the warning. */
class RouterQuotaTest {

    /** Each test message is stored as exactly this many bytes (Return-Path and Delivered-To included). */
    private static final int STORED = 100;

    @TempDir
    Path mailRoot;

    private final Map<String, Lookup> answers = new HashMap<>();
    private final RecipientResolver resolver =
            address -> CompletableFuture.completedFuture(answers.getOrDefault(address, new Lookup.NotFound()));
    private final MessageQueue queue = (envelope, message) -> {
        message.release();
        return CompletableFuture.completedFuture("fwd");
    };

    @Test
    void everyDeliveryAppendsItsStoredSizeToMaildirsize() throws Exception {
        Router router = router(QuotaPolicy.DEFAULT);
        alice(1_000, 0, 0);

        assertThat(deliver(router)).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(deliver(router)).isInstanceOf(DeliveryOutcome.Delivered.class);

        // The first delivery created the Maildir and then maildirsize from a scan; the second appended.
        assertThat(Files.readString(maildir().resolve(Maildirsize.FILE)))
                .isEqualTo("1000S\n" + STORED + " 1\n" + STORED + " 1\n");
        assertThat(deliver(router)).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(Files.readAllLines(maildir().resolve(Maildirsize.FILE))).hasSize(4).last().isEqualTo(STORED + " 1");
        assertThat(messages()).allSatisfy(m -> assertThat(m.getFileName().toString()).contains(",S=" + STORED + ","));
    }

    @Test
    void overQuotaBouncesWith522ByDefault() throws Exception {
        Router router = router(new QuotaPolicy(QuotaLimits.UNLIMITED, true, 0));
        alice(2 * STORED + 10, 0, 0);

        assertThat(deliver(router)).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(deliver(router)).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(deliver(router)).isInstanceOfSatisfying(DeliveryOutcome.Failed.class, failed -> {
            assertThat(failed.status()).isEqualTo("5.2.2");
            assertThat(failed.detail()).contains("mailbox full");
        });
        assertThat(messages()).hasSize(2);
    }

    @Test
    void overQuotaDefersWhenConfiguredAndDeliversOnceThereIsRoom() throws Exception {
        Router router = router(new QuotaPolicy(QuotaLimits.UNLIMITED, false, 0));
        alice(0, 1, 0);

        assertThat(deliver(router)).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(deliver(router)).isInstanceOfSatisfying(DeliveryOutcome.Deferred.class,
                deferred -> assertThat(deferred.status()).isEqualTo("4.2.2"));

        alice(0, 2, 0); // the admin raises the quota; the file is rewritten for the new limits
        assertThat(deliver(router)).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(messages()).hasSize(2);
        assertThat(Files.readAllLines(maildir().resolve(Maildirsize.FILE))).first().isEqualTo("2C");
    }

    @Test
    void theDefaultQuotaAppliesToEntriesWithoutOne() {
        Router router = router(new QuotaPolicy(new QuotaLimits(0, 1), true, 0));
        alice(0, 0, 0);

        assertThat(deliver(router)).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(deliver(router)).isInstanceOfSatisfying(DeliveryOutcome.Failed.class,
                failed -> assertThat(failed.status()).isEqualTo("5.2.2"));
    }

    @Test
    void theWarningGoesOutOncePerCrossing() throws Exception {
        Router router = router(new QuotaPolicy(QuotaLimits.UNLIMITED, true, 50));
        alice(0, 10, 0);

        for (int i = 0; i < 4; i++) {
            deliver(router);
        }
        assertThat(warnings()).isEmpty();
        deliver(router); // 5 of 10: the warning (which counts too) comes with it
        assertThat(warnings()).singleElement().satisfies(warning -> assertThat(Files.readString(warning))
                .startsWith("Return-Path: <>\n")
                .contains("From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\n")
                .contains("To: <alice@example.com>\n")
                .contains("Subject: Your mailbox is 50% full\n")
                .contains("Auto-Submitted: auto-generated\n")
                .contains("  messages: 5 of 10\n"));
        assertThat(maildir().resolve(QuotaWarning.MARKER)).exists();
        deliver(router);
        assertThat(warnings()).hasSize(1);

        // The user deletes everything; the next delivery sees the usage below and forgets the warning.
        for (Path m : messages()) {
            Files.delete(m);
        }
        alice(0, 11, 0); // new limits: recalculated from the now empty Maildir
        deliver(router);
        assertThat(maildir().resolve(QuotaWarning.MARKER)).doesNotExist();
        for (int i = 0; i < 5; i++) {
            deliver(router);
        }
        assertThat(warnings()).hasSize(1);
    }

    @Test
    void anOverQuotaBounceIsPrecededByTheWarning() throws Exception {
        Router router = router(new QuotaPolicy(QuotaLimits.UNLIMITED, true, 90));
        alice(STORED + STORED / 2, 0, 0);

        deliver(router);
        assertThat(warnings()).as("at 66 %").isEmpty();
        assertThat(deliver(router)).isInstanceOf(DeliveryOutcome.Failed.class);
        assertThat(warnings()).hasSize(1);
    }

    @Test
    void mailSizeMaxBouncesTooLargeMessagesWith534() {
        Router router = router(QuotaPolicy.DEFAULT);
        alice(0, 0, 30); // the queued message (CRLF, no Return-Path) is 39 bytes

        assertThat(deliver(router)).isInstanceOfSatisfying(DeliveryOutcome.Failed.class, failed -> {
            assertThat(failed.status()).isEqualTo("5.3.4");
            assertThat(failed.detail()).contains("mailSizeMax 30");
        });
        assertThat(maildir()).doesNotExist();
        alice(0, 0, 39);
        assertThat(deliver(router)).isInstanceOf(DeliveryOutcome.Delivered.class);
    }

    @Test
    void withoutAQuotaAnExistingFileIsStillKeptUpToDate() throws Exception {
        Router router = router(QuotaPolicy.DEFAULT);
        alice(0, 0, 0);
        deliver(router);
        assertThat(maildir().resolve(Maildirsize.FILE)).doesNotExist();
        Files.writeString(maildir().resolve(Maildirsize.FILE), "0S\n100 1\n");

        deliver(router);
        assertThat(Files.readString(maildir().resolve(Maildirsize.FILE))).isEqualTo("0S\n100 1\n" + STORED + " 1\n");
    }

    private Router router(QuotaPolicy policy) {
        return new Router(resolver, new ScriptedGroups(), queue, Set.of("example.com"), mailRoot, "mx.example.com", 5_000,
                policy);
    }

    private void alice(long quotaSize, long quotaCount, long sizeMax) {
        MailUser alice = new MailUser("uid=alice,dc=example,dc=com", "alice@example.com", Optional.of("alice"),
                AccountStatus.ACTIVE, Optional.of("example.com/alice/Maildir/"), Optional.empty(), Optional.empty(),
                List.of(), List.of(), quotaSize, quotaCount, sizeMax);
        answers.put("alice@example.com", new Lookup.Found(alice, "alice@example.com"));
    }

    /** A message whose stored form is {@value #STORED} bytes. */
    private DeliveryOutcome deliver(Router router) {
        String headers = "Return-Path: <s@client.example>\nDelivered-To: alice@example.com\n";
        String subject = "Subject: hi\r\n\r\n";
        // stored: the two headers, "Subject: hi\n\n" (13), the body line with LF
        String body = "x".repeat(STORED - headers.length() - 13 - 1) + "\r\n";
        byte[] bytes = (subject + body).getBytes(US_ASCII);
        QueuedMessage message = new QueuedMessage("q1",
                new Envelope("s@client.example", List.of("alice@example.com"), "192.0.2.1", Instant.now()), bytes);
        return router.deliver(message, 0);
    }

    private Path maildir() {
        return mailRoot.resolve("example.com/alice/Maildir");
    }

    private List<Path> messages() throws Exception {
        try (Stream<Path> files = Files.list(maildir().resolve("new"))) {
            return files.toList();
        }
    }

    private List<Path> warnings() throws Exception {
        return messages().stream().filter(m -> {
            try {
                return Files.readString(m).contains("Auto-Submitted: auto-generated");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }
}
