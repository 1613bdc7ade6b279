package org.dirmail.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An SMTP load client that sends at a fixed rate over K persistent sessions and times every
 * transaction from MAIL to the reply after the final dot, then prints p50/p90/p99/max, the
 * non-250 replies by code and a {@code RESULT} line for {@code bench/run.sh}. Message i is due
 * at {@code start + i / rate}; a session that is still busy sends it late, and the latency from
 * the due time is reported too, so a slow server cannot hide behind fewer sends (coordinated
 * omission). Trusts nothing the server says beyond reply codes.
 *
 * <p>{@code java -cp benchmarks.jar org.dirmail.bench.LatencyProbe --port 2525 --rate 100 --seconds 20}
 */
public final class LatencyProbe {

    private final ProbeOptions options;
    private final byte[] body;
    private final AtomicLong nextTicket = new AtomicLong();
    private long startNanos;

    private LatencyProbe(ProbeOptions options) {
        this.options = options;
        this.body = BenchMessages.dotStuffed(BenchMessages.message(options.size()));
    }

    public static void main(String[] args) throws InterruptedException {
        ProbeOptions options;
        try {
            options = ProbeOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("latency probe: " + e.getMessage());
            System.err.println(ProbeOptions.USAGE);
            System.exit(2);
            return;
        }
        ProbeReport report = new LatencyProbe(options).run();
        System.out.print(report.text());
        System.exit(report.ok() ? 0 : 1);
    }

    private ProbeReport run() throws InterruptedException {
        System.out.printf(Locale.ROOT, "latency probe: %s:%d, %d msg/s for %d messages, %d octets, %d sessions%n",
                options.host(), options.port(), options.rate(), options.messages(), options.size(),
                options.sessions());
        List<Worker> workers = new ArrayList<>();
        startNanos = System.nanoTime() + 100_000_000L; // all sessions connect before the first send
        for (int i = 0; i < options.sessions(); i++) {
            Worker w = new Worker();
            workers.add(w);
            w.thread.start();
        }
        ProbeReport report = new ProbeReport(options);
        for (Worker w : workers) {
            w.thread.join();
            report.add(w.service, w.fromDue, w.codes, w.errors);
        }
        report.finish(System.nanoTime() - startNanos);
        return report;
    }

    private long dueNanos(long ticket) {
        return startNanos + ticket * 1_000_000_000L / options.rate();
    }

    /** The recipient of message {@code ticket}: seeded, so every MTA gets the same sequence. */
    private String recipient(long ticket) {
        if (!options.recipient().contains("%d")) {
            return options.recipient();
        }
        int user = new SplittableRandom(options.seed() * 1_000_003L + ticket).nextInt(options.users());
        return options.recipient().replace("%d", Integer.toString(user));
    }

    /** One session's thread: takes the next due message, waits for its time, sends it. */
    private final class Worker implements Runnable {
        final Thread thread = new Thread(this, "probe-session");
        final LatencyStats service = new LatencyStats();
        final LatencyStats fromDue = new LatencyStats();
        final Map<Integer, Integer> codes = new TreeMap<>();
        int errors;

        @Override
        public void run() {
            ProbeSession session = null;
            long ticket;
            while ((ticket = nextTicket.getAndIncrement()) < options.messages()) {
                long due = dueNanos(ticket);
                try {
                    if (session == null) { // connect and EHLO are not part of a transaction: do them early
                        session = new ProbeSession(options.host(), options.port(), options.helo());
                    }
                    for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(wait);
                    }
                    long begin = System.nanoTime();
                    int code = session.send(options.sender(), recipient(ticket), body);
                    long end = System.nanoTime();
                    codes.merge(code, 1, Integer::sum);
                    if (code == 250) {
                        service.record(end - begin);
                        fromDue.record(end - due);
                    } else if (code == 421) {
                        session.close();
                        session = null;
                    }
                } catch (IOException e) {
                    errors++;
                    if (errors <= 3) {
                        System.err.println("latency probe: message " + ticket + ": " + e.getMessage());
                    }
                    if (session != null) {
                        session.close();
                        session = null;
                    }
                }
            }
            if (session != null) {
                session.close();
            }
        }
    }
}
