package org.dirmail.mta.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.dirmail.mta.config.ConfigException;
import org.dirmail.mta.config.DirmailConfig;
import org.dirmail.mta.queue.Envelope;
import org.dirmail.mta.queue.Maildrop;
import org.dirmail.mta.smtp.MailPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code dirmail sendmail}: the sendmail(8) interface for cron and programs. Reads a message from
 * standard input and leaves it durably in the queue's maildrop, whether the server runs or not;
 * the server picks it up and checks it again. Exit codes are sysexits(3), as sendmail's.
 */
@Command(name = "sendmail",
        description = "Queue a message from standard input (sendmail-compatible: -t, -f, -F, -i, -oi; "
                + "-odi, -oem, -bm ... are accepted and ignored).")
final class SendmailCommand implements Callable<Integer> {

    static final int EX_OK = 0;
    static final int EX_USAGE = 64;
    static final int EX_DATAERR = 65;
    static final int EX_CANTCREAT = 73;
    static final int EX_TEMPFAIL = 75;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "configuration file (default: the embedded default)")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "state directory (default: ./var)")
    Path dataDir;

    @Option(names = "--help", usageHelp = true, description = "show this help")
    boolean help;

    /** sendmail's own arguments: its option syntax ({@code -fuser}, {@code -oi}) is not picocli's. */
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        try {
            int status = send(err);
            err.flush();
            return status;
        } catch (ConfigException e) {
            err.println("sendmail: " + e.getMessage());
            err.flush();
            return EX_USAGE;
        }
    }

    private int send(PrintWriter err) throws ConfigException, IOException {
        SendmailArguments a;
        try {
            a = SendmailArguments.parse(args);
        } catch (SendmailArguments.UsageException e) {
            err.println("sendmail: " + e.getMessage());
            return EX_USAGE;
        }
        DirmailConfig cfg = DirmailConfig.load(config, dataDir == null ? List.of() : List.of("data_dir=" + dataDir));
        String hostname = cfg.hostname();
        int limit = cfg.smtp().messageSizeLimit();
        byte[] input = readLimited(System.in, limit);
        if (input == null) {
            err.println("sendmail: message larger than smtp_max_message_size (" + limit + " bytes)");
            return EX_DATAERR;
        }
        InjectedMessage message = InjectedMessage.parse(input, a.ignoreDots());

        String user = System.getProperty("user.name", "nobody");
        Optional<String> sender = address(a.sender().orElse(user), hostname, true);
        if (sender.isEmpty()) {
            err.println("sendmail: invalid sender address " + printable(a.sender().orElse(user)));
            return EX_DATAERR;
        }
        Set<String> recipients = new LinkedHashSet<>();
        List<String> candidates = new ArrayList<>(a.recipients());
        if (a.fromHeaders()) {
            candidates.addAll(message.headerRecipients());
        }
        for (String candidate : candidates) {
            Optional<String> rcpt = address(candidate, hostname, false);
            if (rcpt.isEmpty()) {
                err.println("sendmail: invalid recipient address " + printable(candidate));
                return EX_DATAERR;
            }
            recipients.add(rcpt.get());
        }
        if (recipients.isEmpty()) {
            err.println("sendmail: no recipients given" + (a.fromHeaders() ? " nor found in To, Cc or Bcc" : "")
                    + " (use -t or name them)");
            return EX_USAGE;
        }
        message.removeBcc();
        String from = sender.get().isEmpty() ? user + "@" + hostname : sender.get();
        message.complete(from, a.fullName().orElse(null), hostname, ZonedDateTime.now());
        byte[] bytes = message.bytes();
        if (bytes.length > limit) {
            err.println("sendmail: message larger than smtp_max_message_size (" + limit + " bytes)");
            return EX_DATAERR;
        }
        Envelope envelope = new Envelope(sender.get(), List.copyOf(recipients), "local", Instant.now());
        try {
            Maildrop.drop(cfg.queueDir(), envelope, bytes);
            return EX_OK;
        } catch (AccessDeniedException e) {
            err.println("sendmail: cannot write to the maildrop " + Maildrop.directory(cfg.queueDir()) + ": permission denied");
            return EX_CANTCREAT;
        } catch (FileSystemException e) {
            err.println("sendmail: cannot create a file in the maildrop: " + e.getMessage());
            return EX_CANTCREAT;
        } catch (IOException e) {
            err.println("sendmail: cannot queue the message, try again later: " + e.getMessage());
            return EX_TEMPFAIL;
        }
    }

    /**
     * An address checked with the SMTP path rules; a bare local name gets {@code @hostname}, as
     * qmail-inject qualifies with its default host. {@code <>} and the empty string are the null sender.
     */
    static Optional<String> address(String text, String hostname, boolean allowNull) {
        String a = text.strip();
        if (a.startsWith("<") && a.endsWith(">")) {
            a = a.substring(1, a.length() - 1).strip();
        }
        if (a.isEmpty()) {
            return allowNull ? Optional.of("") : Optional.empty();
        }
        if (a.indexOf('@') < 0) {
            a = a + "@" + hostname;
        }
        return MailPath.parseAddress(a, false).map(p -> p.localPart() + "@" + p.domain().toLowerCase(Locale.ROOT));
    }

    /** All of standard input, or null when it is longer than {@code limit} (plus room for line ends). */
    private static byte[] readLimited(InputStream in, int limit) throws IOException {
        // LF input grows by one byte per line when it becomes CRLF; the real check is on the result.
        byte[] data = in.readNBytes(limit + 1);
        return data.length > limit ? null : data;
    }

    private static String printable(String s) {
        return "'" + s.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }
}
