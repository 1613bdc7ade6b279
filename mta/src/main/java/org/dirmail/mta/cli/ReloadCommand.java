package org.dirmail.mta.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.dirmail.mta.config.ConfigException;
import org.dirmail.mta.queue.ControlChannel;
import org.dirmail.mta.queue.FileQueue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code dirmail reload}: asks the running server to re-read its configuration and certificates,
 * through a request in the queue's {@code control/} directory (the channel {@code dirmail queue
 * flush} uses: only the queue's owner can write it, and it works with the admin listener off), and
 * prints the server's answer. Trusts the answer only as text to print.
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Make the running server re-read its configuration file and certificates (like SIGHUP).")
final class ReloadCommand implements Callable<Integer> {

    /** Loading certificates and binding listeners takes well under this. */
    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(60);

    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path queueDir;
        try {
            queueDir = options.load().queueDir();
        } catch (ConfigException e) {
            // The server would refuse the same file; it was not asked and runs on unchanged.
            err.println("dirmail: reload refused, the running server was not asked: " + e.getMessage());
            err.flush();
            return 1;
        }
        if (!FileQueue.inUse(queueDir)) {
            err.println("dirmail: no server is running on " + queueDir);
            err.flush();
            return QueueChanges.TEMPFAIL;
        }
        try (ControlChannel channel = ControlChannel.open(queueDir)) {
            channel.send(List.of("reload"));
            Optional<List<String>> reply = channel.awaitReply(REPLY_TIMEOUT);
            if (reply.isEmpty() || reply.get().isEmpty()) {
                boolean withdrawn = channel.withdraw();
                err.println("dirmail: the running server did not answer within " + REPLY_TIMEOUT.toSeconds() + "s"
                        + (withdrawn ? "; request withdrawn" : "; it may still reload"));
                err.flush();
                return QueueChanges.TEMPFAIL;
            }
            String line = printable(reply.get().get(0));
            if (line.startsWith("ok ")) {
                out.println("reloaded: " + line.substring(3));
                out.flush();
                return 0;
            }
            err.println("dirmail: reload refused, running configuration kept: " + line.replaceFirst("^error ", ""));
            err.flush();
            return 1;
        }
    }

    /** The server's answer, safe to print on a terminal. */
    private static String printable(String line) {
        return line.replaceAll("[\\p{Cntrl}&&[^\\t]]", "?");
    }
}
