package org.dirmail.directory.lint;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Loop detection on hand-made graphs: each loop once, chains and trees no loop, no deep recursion. */
class ForwardLoopsTest {

    @Test
    void aCycleWithATailIsOneLoopOfItsMembersOnly() {
        ForwardLoops loops = new ForwardLoops();
        loops.add(0, 1); // tail into the cycle
        loops.add(1, 2);
        loops.add(2, 3);
        loops.add(3, 1);
        loops.add(3, 4); // a way out does not break the loop

        assertThat(report(loops)).containsExactly("e1 : forwarding loop through 3 entries (e1, e2, e3): "
                + "mail circles until it bounces as a loop ; fix: remove one mailForwardingAddress in the loop");
    }

    @Test
    void selfForwardIsALoopButAChainOrSharedTargetIsNot() {
        ForwardLoops loops = new ForwardLoops();
        loops.add(5, 5);
        loops.add(0, 1);
        loops.add(2, 1);
        loops.add(1, 3);

        assertThat(report(loops)).singleElement().asString().startsWith("e5 : mailForwardingAddress forwards to this entry itself");
    }

    @Test
    void aChainOfAHundredThousandEntriesNeedsNoDeepStack() {
        ForwardLoops loops = new ForwardLoops();
        int n = 100_000;
        for (int i = 0; i < n - 1; i++) {
            loops.add(i, i + 1);
        }
        assertThat(report(loops)).isEmpty();

        loops.add(n - 1, 0);
        assertThat(report(loops)).singleElement().asString().startsWith("e0 : forwarding loop through 100000 entries (e0, e1, e2, e3, e4, e5, e6, e7, e8, e9 and 99990 more)");
    }

    @Test
    void controlCharactersInDirectoryValuesCannotStartANewLine() {
        Finding f = new Finding("uid=x\r\ndn: forged", "p", "f");

        assertThat(f.line()).isEqualTo("dn: uid=x\\u000d\\u000adn: forged : p ; fix: f").doesNotContain("\n");
    }

    private static List<String> report(ForwardLoops loops) {
        List<String> out = new ArrayList<>();
        loops.report(id -> "e" + id, f -> out.add(f.line().substring("dn: ".length())));
        return out;
    }
}
