package org.dirmail.mta.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.dirmail.mta.config.DirmailConfig;
import org.dirmail.mta.queue.CorruptQueueFileException;
import org.dirmail.mta.queue.QueueInspector;
import org.dirmail.mta.queue.QueuedMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dirmail queue list|show|stats|flush|delete}: the queue as mailq, qmail-qstat, postqueue -f
 * and postsuper -d show and change it. Reading needs no lock and works beside a running server;
 * changes go through {@link QueueChanges}. Trusts only the queue files it reads, and those little.
 */
@Command(name = "queue", mixinStandardHelpOptions = true,
        description = "Inspect and manage the mail queue (works whether the server runs or not).")
final class QueueCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "Missing command: list, show, stats, flush or delete");
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List queued messages with each recipient's state and last error (like mailq).")
    int list(@Mixin ConfigOptions options) throws Exception {
        QueueInspector queue = new QueueInspector(options.load().queueDir());
        PrintWriter out = out();
        List<QueueInspector.Entry> entries = queue.list();
        if (entries.isEmpty()) {
            out.println("queue is empty");
        }
        Instant now = Instant.now();
        long pending = 0;
        for (QueueInspector.Entry e : entries) {
            out.printf("%s  age %-7s size %-9d from <%s>%n", e.id(),
                    age(e.envelope().receivedAt(), now), e.size(), e.envelope().sender());
            for (QueueInspector.Recipient r : e.recipients()) {
                out.println("    " + recipientLine(r));
            }
            pending += e.pending();
        }
        if (!entries.isEmpty()) {
            out.printf("-- %d message(s), %d recipient(s) pending%n", entries.size(), pending);
        }
        out.flush();
        return 0;
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show one message: envelope, recipient states, then its header (all of it with --body).")
    int show(@Mixin ConfigOptions options,
            @Parameters(paramLabel = "ID", description = "a queue id, as queue list shows it") String id,
            @Option(names = "--body", description = "print the whole message, not only its header") boolean body)
            throws Exception {
        QueueInspector queue = new QueueInspector(options.load().queueDir());
        Optional<QueueInspector.Entry> entry;
        Optional<QueuedMessage> message;
        try {
            entry = queue.entry(id);
            message = queue.message(id);
        } catch (CorruptQueueFileException e) {
            spec.commandLine().getErr().println("dirmail: " + e.getMessage());
            return 1;
        }
        if (entry.isEmpty() || message.isEmpty()) {
            spec.commandLine().getErr().println("dirmail: " + QueueChanges.printable(id) + ": no such message in the queue");
            return 1;
        }
        QueueInspector.Entry e = entry.get();
        PrintWriter out = out();
        out.println("id:        " + e.id());
        out.println("arrival:   " + e.envelope().receivedAt() + " (age " + age(e.envelope().receivedAt(), Instant.now()) + ")");
        out.println("size:      " + e.size() + " bytes");
        out.println("client:    " + e.envelope().clientAddress());
        out.println("sender:    <" + e.envelope().sender() + ">");
        for (QueueInspector.Recipient r : e.recipients()) {
            out.println("recipient: " + recipientLine(r));
        }
        out.println();
        String text = new String(message.get().message(), StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        out.print((body || end < 0 ? text : text.substring(0, end + 2)).replace("\r\n", System.lineSeparator()));
        out.flush();
        return 0;
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Count queued messages and pending recipients (like qmail-qstat).")
    int stats(@Mixin ConfigOptions options) throws Exception {
        QueueInspector queue = new QueueInspector(options.load().queueDir());
        List<QueueInspector.Entry> entries = queue.list();
        long pending = entries.stream().mapToLong(QueueInspector.Entry::pending).sum();
        PrintWriter out = out();
        out.println("messages in queue: " + entries.size());
        out.println("recipients pending: " + pending);
        if (!entries.isEmpty()) {
            QueueInspector.Entry oldest = entries.stream()
                    .min((a, b) -> a.envelope().receivedAt().compareTo(b.envelope().receivedAt())).orElseThrow();
            out.println("oldest: " + oldest.id() + ", age " + age(oldest.envelope().receivedAt(), Instant.now()));
        }
        out.println("waiting in maildrop: " + queue.maildropCount());
        out.println("corrupt files kept: " + queue.corruptCount());
        out.flush();
        return 0;
    }

    @Command(name = "flush", mixinStandardHelpOptions = true,
            description = "Attempt every queued message now, ignoring the retry schedule (like postqueue -f).")
    int flush(@Mixin ConfigOptions options) throws Exception {
        DirmailConfig config = options.load();
        return new QueueChanges(config.queueDir(), out(), spec.commandLine().getErr()).flush();
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Remove messages from the queue without a bounce (like postsuper -d).")
    int delete(@Mixin ConfigOptions options,
            @Parameters(paramLabel = "ID", arity = "1..*", description = "queue ids, as queue list shows them")
            List<String> ids) throws Exception {
        DirmailConfig config = options.load();
        return new QueueChanges(config.queueDir(), out(), spec.commandLine().getErr()).delete(ids);
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private static String recipientLine(QueueInspector.Recipient r) {
        String state = r.state().name().toLowerCase(java.util.Locale.ROOT);
        String detail = r.detail().isEmpty() ? ""
                : r.state() == QueueInspector.State.PENDING ? "  (last error: " + r.detail() + ")"
                : "  (" + r.detail() + ")";
        return String.format("%-8s <%s>%s", state, r.address(), detail);
    }

    /** A short age like qmail-qread's: 45s, 12m, 3h 5m, 2d 4h. */
    static String age(Instant since, Instant now) {
        long s = Math.max(0, Duration.between(since, now).getSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m";
        }
        if (s < 86400) {
            return s / 3600 + "h" + (s % 3600 / 60 > 0 ? " " + s % 3600 / 60 + "m" : "");
        }
        return s / 86400 + "d" + (s % 86400 / 3600 > 0 ? " " + s % 86400 / 3600 + "h" : "");
    }
}
