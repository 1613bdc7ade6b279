package org.dirmail.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The two limits on remote transactions, with jobs the test finishes by hand. */
class DestinationSlotsTest {

    private final List<String> started = new ArrayList<>();
    private final List<CompletableFuture<Void>> running = new ArrayList<>();

    private Supplier<CompletionStage<?>> job(String name) {
        return () -> {
            started.add(name);
            CompletableFuture<Void> f = new CompletableFuture<>();
            running.add(f);
            return f;
        };
    }

    @Test
    void oneDomainGetsNoMoreThanItsLimitAndTheNextStartsWhenOneEnds() {
        DestinationSlots slots = new DestinationSlots(20, 2);
        for (int i = 1; i <= 4; i++) {
            slots.submit("slow.example", job("slow" + i));
        }

        assertThat(started).containsExactly("slow1", "slow2");
        running.get(1).complete(null);
        assertThat(started).containsExactly("slow1", "slow2", "slow3");
        assertThat(slots.running()).isEqualTo(2);
    }

    @Test
    void aFullDomainDoesNotHoldUpAnother() {
        DestinationSlots slots = new DestinationSlots(20, 2);
        for (int i = 1; i <= 5; i++) {
            slots.submit("slow.example", job("slow" + i));
        }
        slots.submit("fast.example", job("fast"));

        assertThat(started).containsExactly("slow1", "slow2", "fast");
    }

    @Test
    void theTotalLimitHoldsAndDomainsWithBacklogsTakeTurns() {
        DestinationSlots slots = new DestinationSlots(2, 10);
        for (String name : List.of("a1", "a2", "a3", "a4", "b1", "b2")) {
            slots.submit(name.substring(0, 1) + ".example", job(name));
        }

        assertThat(started).containsExactly("a1", "a2");
        running.get(0).complete(null);
        running.get(1).completeExceptionally(new IllegalStateException("a failed job frees its slot too"));
        running.get(2).complete(null);
        running.get(3).complete(null);
        assertThat(started).as("after a3, a waits behind b").containsExactly("a1", "a2", "a3", "b1", "a4", "b2");
        assertThat(slots.running()).isEqualTo(2);
    }

    @Test
    void jobsThatAnswerAtOnceRunOneAfterAnotherWithoutNesting() {
        DestinationSlots slots = new DestinationSlots(1, 1);
        int[] depth = {0};
        int[] deepest = {0};
        for (int i = 0; i < 5000; i++) {
            slots.submit("instant.example", () -> {
                deepest[0] = Math.max(deepest[0], ++depth[0]);
                depth[0]--;
                return CompletableFuture.completedFuture(null);
            });
        }
        assertThat(slots.running()).isZero();
        assertThat(deepest[0]).isEqualTo(1);
    }

    @Test
    void aJobThatThrowsGivesItsSlotBack() {
        DestinationSlots slots = new DestinationSlots(1, 1);
        slots.submit("x.example", () -> {
            throw new IllegalStateException("broken");
        });
        slots.submit("x.example", job("next"));

        assertThat(started).containsExactly("next");
    }
}
