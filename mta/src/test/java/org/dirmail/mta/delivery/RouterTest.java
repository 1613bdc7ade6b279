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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.Lookup;
import org.dirmail.directory.MailUser;
import org.dirmail.directory.RecipientResolver;
import org.dirmail.mta.queue.Envelope;
import org.dirmail.mta.queue.MessageQueue;
import org.dirmail.mta.queue.QueuedMessage;
import org.dirmail.mta.quota.QuotaPolicy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery-time decisions on a scripted directory: what each answer (qmail-ldap.md §2.4) and
 * each account status does, and that Delivered-To carries the address as it was sent.
 */
class RouterTest {

    @TempDir
    Path mailRoot;

    private final Map<String, Lookup> answers = new HashMap<>();
    private final List<Envelope> forwarded = new CopyOnWriteArrayList<>();
    private final RecipientResolver resolver =
            address -> CompletableFuture.completedFuture(answers.getOrDefault(address, new Lookup.NotFound()));
    private final ScriptedGroups groups = new ScriptedGroups();
    private final List<String> forwardedText = new CopyOnWriteArrayList<>();
    private final MessageQueue queue = (envelope, message) -> {
        forwarded.add(envelope);
        forwardedText.add(message.toString(US_ASCII));
        message.release();
        return CompletableFuture.completedFuture("fwd-" + forwarded.size());
    };
    private Router router;

    @BeforeEach
    void setUp() {
        router = new Router(resolver, groups, queue, Set.of("example.com", "example.net"), mailRoot, "mx.example.com", 5_000);
    }

    @Test
    void onlyPlansWithoutProgramsOrAnotherNodeAreQuickEnoughToMakeAClientWait() {
        Router withProgramsAndCluster = new Router(resolver, groups, queue, Set.of("example.com"), mailRoot,
                "mx1.example.com", 5_000, QuotaPolicy.DEFAULT, new ProgramPolicy(true, java.time.Duration.ofSeconds(5)),
                Optional.of(new ClusterRelay(Set.of("mx1.example.com"), "mx1.example.com", 25,
                        (tx, route, policy) -> CompletableFuture.failedFuture(new IllegalStateException("not in this test")))),
                Optional.empty());
        MailUser plain = user("alice", AccountStatus.ACTIVE);
        MailUser elsewhere = new MailUser(plain.dn(), plain.mail(), plain.uid(), AccountStatus.ACTIVE,
                plain.mailMessageStore(), Optional.empty(), Optional.of("mx2.example.com"), List.of(), List.of(), 0, 0, 0);
        MailUser program = new MailUser(plain.dn(), plain.mail(), plain.uid(), AccountStatus.ACTIVE,
                plain.mailMessageStore(), Optional.empty(), Optional.empty(), List.of(), List.of(), 0, 0, 0,
                Optional.empty(), List.of("/usr/bin/true"), Optional.of("ldapwithprog"));
        MailUser dotQmail = new MailUser(plain.dn(), plain.mail(), plain.uid(), AccountStatus.ACTIVE,
                plain.mailMessageStore(), Optional.of("example.com/alice"), Optional.empty(), List.of(), List.of(),
                0, 0, 0, Optional.empty(), List.of(), Optional.of("dotonly"));

        assertThat(withProgramsAndCluster.quickToDeliver(found(plain))).isTrue();
        assertThat(withProgramsAndCluster.quickToDeliver(found(elsewhere))).as("relayed to mx2").isFalse();
        assertThat(withProgramsAndCluster.quickToDeliver(found(program))).as("runs a program").isFalse();
        assertThat(withProgramsAndCluster.quickToDeliver(found(dotQmail))).as(".qmail may run programs").isFalse();
        assertThat(router.quickToDeliver(found(dotQmail))).as("programs off: .qmail is files only").isTrue();
        assertThat(router.quickToDeliver(found(user("alice", AccountStatus.DISABLED)))).as("a bounce").isFalse();
        assertThat(router.quickToDeliver(new Lookup.TempFail("down"))).isFalse();
    }

    private static Lookup found(MailUser user) {
        return new Lookup.Found(user, user.mail(), "");
    }

    @Test
    void delimiterMatchKeepsTheFullAddressInDeliveredTo() throws Exception {
        answers.put("alice+news@example.com", new Lookup.Found(user("alice", AccountStatus.ACTIVE), "alice@example.com", "news"));

        DeliveryOutcome outcome = deliver("alice+news@example.com");

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(outcome.detail()).contains("matched alice@example.com, extension news");
        assertThat(onlyMessage("alice")).startsWith("Return-Path: <s@client.example>\nDelivered-To: alice+news@example.com\n");
    }

    @Test
    void aliasDomainDeliversToTheRealEntryAndKeepsTheAliasInDeliveredTo() throws Exception {
        answers.put("bob@example.net", new Lookup.Found(user("bob", AccountStatus.ACTIVE), "bob@example.com", ""));

        assertThat(deliver("bob@example.net")).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(onlyMessage("bob")).contains("Delivered-To: bob@example.net\n");
    }

    @Test
    void ambiguousAddressBouncesAtDeliveryAlthoughSmtpDeferredIt() {
        answers.put("dup@example.com", new Lookup.TempFail("ambiguous: more than one directory entry for dup@example.com", true));

        assertThat(deliver("dup@example.com")).isInstanceOfSatisfying(DeliveryOutcome.Failed.class,
                failed -> assertThat(failed.status()).isEqualTo("5.3.5"));
    }

    @Test
    void directoryFailureDefers() {
        answers.put("alice@example.com", new Lookup.TempFail("timeout"));

        assertThat(deliver("alice@example.com")).isInstanceOfSatisfying(DeliveryOutcome.Deferred.class,
                deferred -> assertThat(deferred.status()).isEqualTo("4.4.3"));
    }

    @Test
    void accountStatusDecides() throws Exception {
        answers.put("a@example.com", new Lookup.Found(user("a", AccountStatus.ACTIVE), "a@example.com"));
        answers.put("n@example.com", new Lookup.Found(user("n", AccountStatus.NOACCESS), "n@example.com"));
        answers.put("d@example.com", new Lookup.Found(user("d", AccountStatus.DISABLED), "d@example.com"));
        answers.put("x@example.com", new Lookup.Found(user("x", AccountStatus.DELETED), "x@example.com"));

        assertThat(deliver("a@example.com")).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(deliver("n@example.com")).as("noaccess still receives mail").isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(deliver("d@example.com")).isEqualTo(new DeliveryOutcome.Failed("5.2.1", "mailbox disabled"));
        assertThat(deliver("x@example.com")).isEqualTo(new DeliveryOutcome.Failed("5.1.1", "no mailbox here by that name"));
        assertThat(deliver("nobody@example.com")).isEqualTo(new DeliveryOutcome.Failed("5.1.1", "no mailbox here by that name"));
        assertThat(onlyMessage("n")).contains("Delivered-To: n@example.com\n");
        assertThat(Files.exists(mailRoot.resolve("example.com/d"))).isFalse();
    }

    @Test
    void forwardOnlyForwardsWithoutALocalCopy() {
        MailUser carol = new MailUser("uid=carol,dc=example,dc=com", "carol@example.com", Optional.of("carol"),
                AccountStatus.ACTIVE, Optional.of("example.com/carol/Maildir/"), Optional.empty(), Optional.empty(),
                List.of("alice@example.com"), List.of("forwardonly"), 0, 0, 0);
        answers.put("carol+x@example.com", new Lookup.Found(carol, "carol@example.com", "x"));

        assertThat(deliver("carol+x@example.com").detail()).contains("forwarded to alice@example.com");
        assertThat(forwarded).singleElement().satisfies(e -> assertThat(e.recipients()).containsExactly("alice@example.com"));
        assertThat(Files.exists(mailRoot.resolve("example.com/carol"))).isFalse();
    }

    @Test
    void aCopyForSeveralAddressesIsMarkedBulkButASingleForwardIsNot() {
        MailUser dan = new MailUser("uid=dan,dc=example,dc=com", "dan@example.com", Optional.of("dan"),
                AccountStatus.ACTIVE, Optional.empty(), Optional.empty(), Optional.empty(),
                List.of("a@example.net", "b@example.net"), List.of(), 0, 0, 0);
        MailUser eve = new MailUser("uid=eve,dc=example,dc=com", "eve@example.com", Optional.of("eve"),
                AccountStatus.ACTIVE, Optional.empty(), Optional.empty(), Optional.empty(),
                List.of("a@example.net"), List.of(), 0, 0, 0);
        answers.put("dan@example.com", new Lookup.Found(dan, "dan@example.com"));
        answers.put("eve@example.com", new Lookup.Found(eve, "eve@example.com"));

        deliver("dan@example.com");
        deliver("eve@example.com");

        assertThat(forwardedText.get(0)).startsWith("Delivered-To: dan@example.com\r\nPrecedence: bulk\r\n");
        assertThat(forwardedText.get(1)).startsWith("Delivered-To: eve@example.com\r\n").doesNotContain("Precedence");
    }

    @Test
    void aMessageCarryingOurDeliveredToLineIsALoop() {
        answers.put("alice+x@example.com", new Lookup.Found(user("alice", AccountStatus.ACTIVE), "alice@example.com", "x"));
        byte[] looping = "Delivered-To: alice+x@example.com\r\nSubject: loop\r\n\r\nbody\r\n".getBytes(US_ASCII);

        assertThat(router.deliver(message("alice+x@example.com", looping), 0))
                .isInstanceOfSatisfying(DeliveryOutcome.Failed.class, f -> assertThat(f.status()).isEqualTo("5.4.6"));
    }

    private DeliveryOutcome deliver(String rcpt) {
        return router.deliver(message(rcpt, "Subject: hi\r\n\r\nbody\r\n".getBytes(US_ASCII)), 0);
    }

    private static QueuedMessage message(String rcpt, byte[] bytes) {
        return new QueuedMessage("q1", new Envelope("s@client.example", List.of(rcpt), "192.0.2.1", Instant.now()), bytes);
    }

    private String onlyMessage(String uid) throws Exception {
        Path dir = mailRoot.resolve("example.com/" + uid + "/Maildir/new");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            return Files.readString(all.get(0), US_ASCII);
        }
    }

    private static MailUser user(String uid, AccountStatus status) {
        return new MailUser("uid=" + uid + ",dc=example,dc=com", uid + "@example.com", Optional.of(uid), status,
                Optional.of("example.com/" + uid + "/Maildir/"), Optional.empty(), Optional.empty(),
                List.of(), List.of(), 0, 0, 0);
    }
}
