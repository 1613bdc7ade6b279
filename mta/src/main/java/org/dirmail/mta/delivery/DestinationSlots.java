package org.dirmail.mta.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Admits asynchronous remote transactions under two limits, as Postfix's qmgr does: at most
 * {@code total} at once, and at most {@code perDomain} to one destination. Waiting jobs hold no
 * thread; each destination keeps its own FIFO and destinations take turns for free slots, so one
 * slow destination fills only its own slots. Thread-safe; a job's stage may complete on any
 * thread, so jobs must start without blocking (they hand blocking work to an executor).
 */
final class DestinationSlots {

    /** One destination's running count and waiting jobs. */
    private static final class Destination {
        int running;
        final Deque<Supplier<? extends CompletionStage<?>>> waiting = new ArrayDeque<>();
        boolean inTurn;
    }

    private final int total;
    private final int perDomain;
    private final Map<String, Destination> destinations = new HashMap<>();
    /** Destinations with a waiting job and a free slot of their own, in the order they get one. */
    private final Deque<String> turns = new ArrayDeque<>();
    private int running;

    DestinationSlots(int total, int perDomain) {
        this.total = total;
        this.perDomain = perDomain;
    }

    /** Starts {@code job} now if both limits allow, otherwise when a slot of its destination frees. */
    void submit(String domain, Supplier<? extends CompletionStage<?>> job) {
        synchronized (this) {
            Destination d = destinations.computeIfAbsent(domain, k -> new Destination());
            d.waiting.add(job);
            offerTurn(domain, d);
        }
        startAdmitted();
    }

    /** Transactions running now, all destinations together. */
    synchronized int running() {
        return running;
    }

    private void offerTurn(String domain, Destination d) {
        if (!d.inTurn && !d.waiting.isEmpty() && d.running < perDomain) {
            d.inTurn = true;
            turns.add(domain);
        }
    }

    /**
     * Takes jobs under the lock, starts them outside it. A job that is done when it returns gives
     * its slot back here, in the loop, so a run of instant answers does not nest calls.
     */
    private void startAdmitted() {
        List<Map.Entry<String, Supplier<? extends CompletionStage<?>>>> admitted = new ArrayList<>();
        do {
            admitted.clear();
            synchronized (this) {
                while (running < total && !turns.isEmpty()) {
                    String domain = turns.poll();
                    Destination d = destinations.get(domain);
                    d.inTurn = false;
                    admitted.add(Map.entry(domain, d.waiting.poll()));
                    d.running++;
                    running++;
                    offerTurn(domain, d); // behind the others: destinations alternate
                }
            }
            for (var entry : admitted) {
                CompletableFuture<?> stage = start(entry.getValue());
                if (stage.isDone()) {
                    free(entry.getKey());
                } else {
                    stage.whenComplete((result, error) -> release(entry.getKey()));
                }
            }
        } while (!admitted.isEmpty());
    }

    private static CompletableFuture<?> start(Supplier<? extends CompletionStage<?>> job) {
        try {
            return job.get().toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e); // the job reports its own failure; the slot must come back
        }
    }

    private void release(String domain) {
        free(domain);
        startAdmitted();
    }

    private synchronized void free(String domain) {
        Destination d = destinations.get(domain);
        d.running--;
        running--;
        if (d.running == 0 && d.waiting.isEmpty()) {
            destinations.remove(domain);
        } else {
            offerTurn(domain, d);
        }
    }
}
