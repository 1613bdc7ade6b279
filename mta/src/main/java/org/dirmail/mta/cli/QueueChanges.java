package org.dirmail.mta.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dirmail.mta.queue.ControlChannel;
import org.dirmail.mta.queue.FileQueue;

/**
 * Carries out {@code queue flush} and {@code queue delete}: through the running server (a request
 * in {@code control/}, see {@link ControlChannel}) when it holds the queue lock, or directly on
 * the files under the lock when it does not. Says which of the two happened.
 */
final class QueueChanges {

    /** How long to wait for the server's answer before giving up (a busy server answers in ms). */
    static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);

    /** sysexits EX_TEMPFAIL: the server took no notice; try again. */
    static final int TEMPFAIL = 75;

    private final Path queueDir;
    private final PrintWriter out;
    private final PrintWriter err;

    QueueChanges(Path queueDir, PrintWriter out, PrintWriter err) {
        this.queueDir = queueDir;
        this.out = out;
        this.err = err;
    }

    int flush() throws IOException, InterruptedException {
        if (FileQueue.inUse(queueDir)) {
            return viaServer(List.of("flush"));
        }
        out.println("the server is not running: nothing to flush; every queued message is attempted when it starts");
        out.flush();
        return 0;
    }

    int delete(List<String> ids) throws IOException, InterruptedException {
        if (FileQueue.inUse(queueDir)) {
            List<String> lines = new ArrayList<>();
            ids.forEach(id -> lines.add("delete " + id));
            return viaServer(lines);
        }
        int status = 0;
        try (FileQueue queue = FileQueue.open(queueDir, 1)) {
            out.println("the server is not running: changed the queue directly");
            for (String id : ids) {
                if (queue.contains(id)) {
                    queue.remove(id);
                    out.println(id + ": deleted");
                } else {
                    err.println("dirmail: " + printable(id) + ": no such message in the queue");
                    status = 1;
                }
            }
        }
        out.flush();
        err.flush();
        return status;
    }

    /** Leaves the request for the server and prints its answer line by line; 1 if any line failed. */
    private int viaServer(List<String> request) throws IOException, InterruptedException {
        try (ControlChannel channel = ControlChannel.open(queueDir)) {
            channel.send(request);
            Optional<List<String>> reply = channel.awaitReply(REPLY_TIMEOUT);
            if (reply.isEmpty()) {
                boolean withdrawn = channel.withdraw();
                err.println("dirmail: the running server did not answer within " + REPLY_TIMEOUT.toSeconds() + "s; "
                        + (withdrawn ? "request withdrawn, nothing changed" : "it took the request and may still carry it out"));
                err.flush();
                return TEMPFAIL;
            }
            out.println("the server is running: asked it through " + ControlChannel.directory(queueDir));
            int status = 0;
            for (String line : reply.get()) {
                if (line.startsWith("ok ")) {
                    out.println(line.substring(3));
                } else {
                    err.println("dirmail: " + line.replaceFirst("^error ", ""));
                    status = 1;
                }
            }
            out.flush();
            err.flush();
            return status;
        }
    }

    /** An id as typed, safe to echo to a terminal. */
    static String printable(String id) {
        return id.replaceAll("[^\\x21-\\x7e]", "?");
    }
}
