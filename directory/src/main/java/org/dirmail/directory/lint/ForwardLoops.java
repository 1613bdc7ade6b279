package org.dirmail.directory.lint;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The forwarding graph among local entries (entry numbers of the {@link AddressIndex}) and its
 * loops: every strongly connected component with more than one entry, or one entry forwarding
 * to itself, is one loop, reported once. Iterative (Tarjan), so a 100,000-entry chain cannot
 * overflow the stack. Not thread-safe.
 */
final class ForwardLoops {

    // A loop through thousands of entries is named by its first few, to keep one line readable.
    private static final int NAMED_MEMBERS = 10;

    private final Map<Integer, List<Integer>> edges = new TreeMap<>(); // in scan order: stable output

    /** Entry {@code from} forwards to local entry {@code to}. */
    void add(int from, int to) {
        edges.computeIfAbsent(from, k -> new ArrayList<>()).add(to);
    }

    /** Reports each loop once, on its first-scanned entry; {@code dn} names entries. */
    void report(IntFunction<String> dn, Consumer<Finding> findings) {
        for (int[] loop : components()) {
            Arrays.sort(loop);
            String first = dn.apply(loop[0]);
            if (loop.length == 1) {
                findings.accept(new Finding(first, "mailForwardingAddress forwards to this entry itself: mail circles until it bounces as a loop",
                        "remove the mailForwardingAddress that names this entry"));
            } else {
                StringBuilder members = new StringBuilder();
                for (int i = 0; i < Math.min(loop.length, NAMED_MEMBERS); i++) {
                    members.append(i == 0 ? "" : ", ").append(dn.apply(loop[i]));
                }
                if (loop.length > NAMED_MEMBERS) {
                    members.append(" and ").append(loop.length - NAMED_MEMBERS).append(" more");
                }
                findings.accept(new Finding(first, "forwarding loop through " + loop.length + " entries (" + members
                        + "): mail circles until it bounces as a loop",
                        "remove one mailForwardingAddress in the loop"));
            }
        }
    }

    // Tarjan's strongly connected components, with explicit stacks; keeps only the loops.
    private List<int[]> components() {
        Map<Integer, Integer> order = new HashMap<>();
        Map<Integer, Integer> low = new HashMap<>();
        Deque<Integer> stack = new ArrayDeque<>();
        Set<Integer> onStack = new HashSet<>();
        List<int[]> loops = new ArrayList<>();
        int counter = 0;
        for (Integer root : edges.keySet()) {
            if (order.containsKey(root)) {
                continue;
            }
            Deque<int[]> work = new ArrayDeque<>(); // {node, index of the next edge}
            work.push(new int[] {root, 0});
            order.put(root, counter);
            low.put(root, counter++);
            stack.push(root);
            onStack.add(root);
            while (!work.isEmpty()) {
                int[] frame = work.peek();
                int node = frame[0];
                List<Integer> next = edges.getOrDefault(node, List.of());
                if (frame[1] < next.size()) {
                    int to = next.get(frame[1]++);
                    if (!order.containsKey(to)) {
                        order.put(to, counter);
                        low.put(to, counter++);
                        stack.push(to);
                        onStack.add(to);
                        work.push(new int[] {to, 0});
                    } else if (onStack.contains(to)) {
                        low.put(node, Math.min(low.get(node), order.get(to)));
                    }
                    continue;
                }
                work.pop();
                if (!work.isEmpty()) {
                    int parent = work.peek()[0];
                    low.put(parent, Math.min(low.get(parent), low.get(node)));
                }
                if (low.get(node).equals(order.get(node))) {
                    List<Integer> component = new ArrayList<>();
                    int member;
                    do {
                        member = stack.pop();
                        onStack.remove(member);
                        component.add(member);
                    } while (member != node);
                    if (component.size() > 1 || next.contains(node)) {
                        loops.add(component.stream().mapToInt(Integer::intValue).toArray());
                    }
                }
            }
        }
        return loops;
    }
}
