package org.dirmail.mta.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.dirmail.mta.delivery.ActiveMessages.Admission;
import org.junit.jupiter.api.Test;

class ActiveMessagesTest {

    @Test
    void boundsTheNumberOfMessagesInDelivery() {
        ActiveMessages active = new ActiveMessages(2, 1_000);
        assertThat(active.admit("a", 10)).isEqualTo(Admission.NOW);
        assertThat(active.admit("b", 10)).isEqualTo(Admission.NOW);
        assertThat(active.admit("c", 10)).isEqualTo(Admission.LATER);
        assertThat(active.release("a")).containsExactly("c");
        assertThat(active.release("b")).isEmpty();
    }

    @Test
    void boundsTheBytesInMemoryButALargeMessageStillGoesAlone() {
        ActiveMessages active = new ActiveMessages(10, 100);
        assertThat(active.admit("small", 60)).isEqualTo(Admission.NOW);
        assertThat(active.admit("big", 500)).isEqualTo(Admission.LATER);
        assertThat(active.admit("tiny", 10)).as("arrival order: not ahead of big").isEqualTo(Admission.LATER);
        assertThat(active.release("small")).containsExactly("big");
        assertThat(active.release("big")).containsExactly("tiny");
    }

    @Test
    void closingReturnsTheWaitingAndAdmitsNothingMore() throws Exception {
        ActiveMessages active = new ActiveMessages(1, 100);
        active.admit("a", 1);
        active.admit("b", 1);
        assertThat(active.close()).containsExactly("b");
        assertThat(active.admit("c", 1)).isEqualTo(Admission.CLOSED);
        assertThat(active.release("a")).isEmpty();
        long start = System.nanoTime();
        active.awaitIdle(5_000);
        assertThat(System.nanoTime() - start).as("nothing active: no wait").isLessThan(1_000_000_000L);
    }
}
