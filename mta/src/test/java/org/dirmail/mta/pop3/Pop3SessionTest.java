package org.dirmail.mta.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.dirmail.directory.AccountStatus;
import org.dirmail.directory.auth.AuthThrottle;
import org.dirmail.mta.pop3.Pop3MailboxTest.TestMaildir;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The POP3 state machine as transcripts on an in-memory channel, with a real Maildir. */
class Pop3SessionTest {

    @TempDir
    Path mailRoot;

    private final TestAuthenticator directory = new TestAuthenticator()
            .user("alice", "secret", "alice/Maildir/")
            .user("carol", "secret", "carol/Maildir/", null, AccountStatus.NOACCESS)
            .user("bob", "secret", "bob/Maildir/", "pop2.example.org", AccountStatus.ACTIVE)
            .user("local", "secret", "local/Maildir/", "POP.example.org", AccountStatus.ACTIVE)
            .user("mallory", "secret", "../../etc/", null, AccountStatus.ACTIVE)
            .user("mboxer", "secret", "mboxer/mbox", null, AccountStatus.ACTIVE)
            .user("weird", "secret", "weird/Maildir/", "pop2.example.org;id", AccountStatus.ACTIVE);
    private final AuthThrottle throttle = Pop3Transcript.throttle();
    private Path maildir;

    @BeforeEach
    void mail() throws Exception {
        maildir = TestMaildir.create(mailRoot.resolve("alice/Maildir"));
        TestMaildir.put(maildir, "new", "1700000001.M1P1Q1.mx,S=31", "Subject: one\n\nfirst\n.dotted\n");
        TestMaildir.put(maildir, "cur", "1700000002.M1P1Q2.mx,S=17:2,S", "Subject: two\n\nx\n");
    }

    private Pop3Transcript plaintext() {
        return new Pop3Transcript(Pop3Transcript.settings(mailRoot, true), directory, throttle, false)
                .expectLine("+OK dirmail POP3 ready");
    }

    private Pop3Transcript tlsOnly() {
        return new Pop3Transcript(Pop3Transcript.settings(mailRoot, false), directory, throttle, true)
                .expectLine("+OK dirmail POP3 ready");
    }

    private Pop3Transcript loggedIn() {
        return plaintext().send("USER alice").expectLine("+OK Send PASS")
                .send("PASS secret").expectLine("+OK Logged in, 2 messages (51 octets)");
    }

    @Test
    void capaListsLoginMethodsOnlyWhereALoginMayHappen() {
        Pop3Transcript pop = plaintext().send("CAPA").expectLine("+OK Capability list follows")
                .expectBody("TOP", "UIDL", "USER", "SASL PLAIN", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING",
                        "XHOP", "IMPLEMENTATION dirmail");
        pop.send("USER alice").expect("+OK").send("PASS secret").expect("+OK Logged in")
                .send("capa").expect("+OK")
                .expectBody("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "IMPLEMENTATION dirmail");
    }

    @Test
    void withoutTlsPlaintextLoginsAreRefusedAndNotAdvertised() {
        tlsOnly().send("CAPA").expect("+OK")
                .expectBody("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "STLS", "XHOP",
                        "IMPLEMENTATION dirmail")
                .send("USER alice")
                .expectLine("-ERR [AUTH] Plaintext authentication disallowed on non-secure connections")
                .send("PASS secret").expect("-ERR [AUTH] Plaintext")
                .send("AUTH PLAIN " + plain("", "alice", "secret")).expect("-ERR [AUTH] Plaintext")
                .send("AUTH").expectLine("+OK").expectBody();
        assertThat(directory.asked).isEmpty();
    }

    @Test
    void aWholeSessionWithUserAndPass() throws Exception {
        loggedIn()
                .send("STAT").expectLine("+OK 2 51")
                .send("LIST").expectLine("+OK 2 messages (51 octets)").expectBody("1 32", "2 19")
                .send("LIST 2").expectLine("+OK 2 19")
                .send("UIDL").expect("+OK").expectBody("1 1700000001.M1P1Q1.mx,S=31", "2 1700000002.M1P1Q2.mx,S=17")
                .send("UIDL 1").expectLine("+OK 1 1700000001.M1P1Q1.mx,S=31")
                .send("TOP 1 0").expectLine("+OK").expectBody("Subject: one", "")
                .send("RETR 1").expectLine("+OK 32 octets").expectBody("Subject: one", "", "first", "..dotted")
                .send("DELE 2").expectLine("+OK Marked to be deleted")
                .send("RETR 2").expectLine("-ERR Message is deleted")
                .send("LIST").expectLine("+OK 1 messages (32 octets)").expectBody("1 32")
                .send("RSET").expectLine("+OK Maildrop has 2 messages (51 octets)")
                .send("DELE 1").expect("+OK")
                .send("NOOP").expectLine("+OK")
                .send("LIST 3").expectLine("-ERR No such message")
                .send("QUIT").expectLine("+OK dirmail POP3 server signing off (1 messages deleted)")
                .expectClosed();
        // RETR marked message 1 seen before QUIT removed it; message 2 is untouched.
        try (var files = Files.list(maildir.resolve("cur"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactly("1700000002.M1P1Q2.mx,S=17:2,S");
        }
        assertThat(maildir.resolve("new")).isEmptyDirectory();
    }

    @Test
    void retrMarksSeenAndUidlStaysTheSame() throws Exception {
        Pop3Transcript first = loggedIn().send("UIDL 1").expectLine("+OK 1 1700000001.M1P1Q1.mx,S=31")
                .send("RETR 1").expect("+OK");
        first.body();
        first.drop();
        Pop3Transcript pop = loggedIn(); // the dropped session has released its lock
        assertThat(maildir.resolve("cur/1700000001.M1P1Q1.mx,S=31:2,S")).exists();
        pop.send("UIDL").expect("+OK").expectBody("1 1700000001.M1P1Q1.mx,S=31", "2 1700000002.M1P1Q2.mx,S=17");
    }

    @Test
    void authPlainWithInitialResponseAndWithContinuation() {
        plaintext().send("AUTH PLAIN " + plain("", "alice", "secret"))
                .expectLine("+OK Logged in, 2 messages (51 octets)").send("QUIT").expect("+OK").expectClosed();
        plaintext().send("AUTH plain").expectLine("+ ")
                .send(plain("alice", "alice", "secret")).expect("+OK Logged in").send("QUIT").expect("+OK")
                .expectClosed();
        plaintext().send("AUTH PLAIN").expectLine("+ ").send("*").expectLine("-ERR Authentication cancelled")
                .send("AUTH PLAIN").expectLine("+ ").send("not base64!").expectLine("-ERR Invalid base64 data")
                .send("AUTH PLAIN " + plain("admin", "alice", "secret"))
                .expectLine("-ERR [AUTH] Authentication failed")
                .send("AUTH CRAM-MD5").expectLine("-ERR Unsupported authentication mechanism")
                .send("AUTH").expectLine("+OK").expectBody("PLAIN");
    }

    @Test
    void unknownUserWrongPasswordAndRefusedAccountLookTheSameAfterTheDelay() {
        for (String[] attempt : new String[][] {{"alice", "wrong"}, {"nobody", "secret"}, {"carol", "secret"}}) {
            Pop3Transcript pop = plaintext().send("USER " + attempt[0]).expectLine("+OK Send PASS")
                    .send("PASS " + attempt[1]).expectNothing();
            pop.advanceTime(1999, TimeUnit.MILLISECONDS).expectNothing()
                    .advanceTime(1, TimeUnit.MILLISECONDS).expectLine("-ERR [AUTH] Authentication failed")
                    .expectOpen();
        }
        assertThat(directory.asked).containsExactly("alice", "nobody", "carol");
    }

    @Test
    void emptyPasswordIsRefusedWithoutAskingTheDirectory() {
        plaintext().send("USER alice").expect("+OK").send("PASS ").advanceTime(2, TimeUnit.SECONDS)
                .expectLine("-ERR [AUTH] Authentication failed");
        assertThat(directory.asked).isEmpty();
    }

    @Test
    void throttledClientsAreRefusedAndDisconnected() {
        Pop3Transcript pop = plaintext();
        for (int i = 0; i < 3; i++) {
            pop.send("USER alice").expect("+OK").send("PASS guess" + i).advanceTime(2, TimeUnit.SECONDS)
                    .expectLine("-ERR [AUTH] Authentication failed");
        }
        pop.send("USER alice").expect("+OK").send("PASS secret")
                .expectLine("-ERR [AUTH] Too many authentication failures; try again later").expectClosed();
        assertThat(directory.asked).hasSize(3);
    }

    @Test
    void directoryTrouble() {
        plaintext().send("USER tempfail").expect("+OK").send("PASS x")
                .expectLine("-ERR [SYS/TEMP] Authentication service unavailable; try again later")
                .send("USER bob").expect("+OK").send("PASS secret")
                .expectLine("-ERR [SYS/TEMP] Mailbox is on another server (pop2.example.org); connect there")
                .send("USER mallory").expect("+OK").send("PASS secret")
                .expectLine("-ERR [SYS/PERM] Mailbox path refused")
                .send("USER mboxer").expect("+OK").send("PASS secret")
                .expectLine("-ERR [SYS/PERM] No POP3 mailbox for this account")
                .send("USER local").expect("+OK").send("PASS secret")
                .expectLine("+OK Logged in, 0 messages (0 octets)"); // mailHost is us; no Maildir yet
    }

    @Test
    void aLoginProxiedHereIsNeverProxiedAgain() {
        // XHOP says another node proxied this login; bob's mailHost is yet another node (a loop).
        proxying().send("XHOP extra").expectLine("-ERR Invalid arguments")
                .send("XHOP").expectLine("+OK Proxied login noted")
                .send("USER bob").expect("+OK").send("PASS secret")
                .expectLine("-ERR [SYS/TEMP] Mailbox is on pop2.example.org, which sent this login here (cluster loop);"
                        + " try again later")
                .send("USER alice").expect("+OK").send("PASS secret").expect("+OK Logged in, 2 messages")
                .send("XHOP").expectLine("-ERR Command not valid in this state");
    }

    @Test
    void aMailHostThatIsNoHostNameIsNeverLookedUp() {
        proxying().send("USER weird").expect("+OK").send("PASS secret")
                .expectLine("-ERR [SYS/TEMP] Mailbox server pop2.example.org;id is unreachable; try again later");
    }

    /** A proxying node whose proxy fails the test if it ever looks a node up. */
    private Pop3Transcript proxying() {
        Pop3Settings plain = Pop3Transcript.settings(mailRoot, true);
        Pop3ProxySettings proxy = new Pop3ProxySettings(Pop3ProxySettings.Tls.NONE, null, host -> {
            throw new AssertionError("looked up " + host);
        }, Duration.ofSeconds(5));
        Pop3Settings settings = new Pop3Settings(plain.hostnames(), mailRoot, plain.idleTimeout(), true,
                plain.failureDelay(), plain.maxBadCommands(), Optional.of(proxy));
        return new Pop3Transcript(settings, directory, throttle, false).expectLine("+OK dirmail POP3 ready");
    }

    @Test
    void commandsInTheWrongState() {
        plaintext().send("STAT").expectLine("-ERR Command not valid in this state")
                .send("PASS secret").expectLine("-ERR USER first")
                .send("USER alice").expect("+OK").send("NOOP").expect("-ERR")
                .send("PASS secret").expectLine("-ERR USER first") // PASS must follow USER at once
                .send("USER alice").expect("+OK").send("PASS secret").expect("+OK Logged in")
                .send("USER alice").expectLine("-ERR Command not valid in this state")
                .send("STLS").expectLine("-ERR Command not valid in this state")
                .send("RETR").expectLine("-ERR Invalid arguments");
    }

    @Test
    void linesAreBoundedAndEndWithCrlf() {
        String max = "NOOP " + "x".repeat(255 - 2 - 5);
        plaintext().send(max).expectLine("-ERR Command not valid in this state")
                .send(max + "x").expectLine("-ERR Line too long")
                .send("X".repeat(100_000)).expectLine("-ERR Line too long")
                .sendRaw("CAPA\n").expectLine("-ERR Line must end with CRLF")
                .sendRaw("CA\rPA\r\n").expectLine("-ERR Line must end with CRLF")
                .sendRaw("NO").sendRaw("OP\r").expectNothing().sendRaw("\n") // CRLF split across segments
                .expectLine("-ERR Command not valid in this state");
    }

    @Test
    void tooManyBadCommandsClose() {
        Pop3Transcript pop = plaintext();
        for (int i = 1; i < Pop3Transcript.MAX_BAD_COMMANDS; i++) {
            pop.send("HELO").expectLine("-ERR Unknown command");
        }
        pop.send("HELO").expectLine("-ERR Too many bad commands; closing").expectClosed();
    }

    @Test
    void quitInAuthorizationState() {
        plaintext().send("QUIT").expectLine("+OK dirmail POP3 server signing off").expectClosed();
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() {
        plaintext().sendRaw("USER alice\r\nPASS secret\r\nSTAT\r\nLIST 1\r\nQUIT\r\n")
                .expectLine("+OK Send PASS").expect("+OK Logged in").expectLine("+OK 2 51")
                .expectLine("+OK 1 32").expect("+OK dirmail POP3 server signing off").expectClosed();
    }

    @Test
    void aSecondSessionIsInUseAndADroppedOneDeletesNothing() {
        Pop3Transcript first = loggedIn().send("DELE 1").expect("+OK");
        plaintext().send("USER alice").expect("+OK").send("PASS secret")
                .expectLine("-ERR [IN-USE] Mailbox is locked by another POP3 session");
        first.drop();
        loggedIn().send("STAT").expectLine("+OK 2 51");
    }

    @Test
    void stlsIsRefusedWhenNotOfferedOrWithPipelinedData() {
        plaintext().send("STLS").expectLine("-ERR Unknown command");
        tlsOnly().sendRaw("STLS\r\nUSER alice\r\n").expectLine("-ERR Unexpected data after STLS; closing")
                .expectClosed();
        tlsOnly().sendRaw("STLS\r\nUS").expectLine("-ERR Unexpected data after STLS; closing").expectClosed();
    }

    @Test
    void idleClientsAreDisconnectedWithoutUpdate() {
        Pop3Transcript pop = loggedIn().send("DELE 1").expect("+OK");
        pop.advanceTime(10, TimeUnit.MINUTES).expectLine("-ERR Disconnected for inactivity").expectClosed();
        assertThat(maildir.resolve("new/1700000001.M1P1Q1.mx,S=31")).exists();
    }

    private static String plain(String authzid, String authcid, String password) {
        return Base64.getEncoder().encodeToString(
                (authzid + "\0" + authcid + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }
}
