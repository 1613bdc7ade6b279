package org.dirmail.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The latency probe's command line, {@code --name value} pairs, checked once: unknown names and
 * values out of range stop the probe before it sends anything.
 *
 * @param recipient an address, or a template in which {@code %d} becomes a random number below
 *                  {@code users} (as smtp-load.sh draws {@code userN@example.com})
 */
record ProbeOptions(String host, int port, int rate, long messages, int size, int sessions, String recipient,
        int users, String sender, String helo, long seed, String label) {

    static final String USAGE = "usage: LatencyProbe [--host 127.0.0.1] [--port 2525] [--rate 100 (msg/s)]\n"
            + "       [--seconds 20 | --messages N] [--size 4096] [--sessions 10]\n"
            + "       [--rcpt alice@example.com | --rcpt 'user%d@example.com' --users 10000]\n"
            + "       [--from bench@sender.example] [--helo probe.localdomain] [--seed 1] [--label TEXT]";

    private static final Set<String> NAMES = Set.of("host", "port", "rate", "seconds", "messages", "size",
            "sessions", "rcpt", "users", "from", "helo", "seed", "label");

    static ProbeOptions parse(String[] args) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (!NAMES.contains(name) || i + 1 >= args.length) {
                throw new IllegalArgumentException("bad argument " + args[i]);
            }
            given.put(name, args[i + 1]);
        }
        int rate = number(given, "rate", 100, 1, 1_000_000);
        long messages = given.containsKey("messages")
                ? number(given, "messages", 0, 1, Integer.MAX_VALUE)
                : (long) rate * number(given, "seconds", 20, 1, 86_400);
        return new ProbeOptions(given.getOrDefault("host", "127.0.0.1"), number(given, "port", 2525, 1, 65535),
                rate, messages, number(given, "size", 4096, 256, 100 << 20), number(given, "sessions", 10, 1, 1000),
                given.getOrDefault("rcpt", "alice@example.com"), number(given, "users", 10_000, 1, Integer.MAX_VALUE),
                given.getOrDefault("from", "bench@sender.example"), given.getOrDefault("helo", "probe.localdomain"),
                number(given, "seed", 1, 0, Integer.MAX_VALUE), given.getOrDefault("label", "none"));
    }

    private static int number(Map<String, String> given, String name, int fallback, int min, int max) {
        String text = given.get(name);
        if (text == null) {
            return fallback;
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " is not a number: " + text);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException("--" + name + " must be in [" + min + ", " + max + "]: " + text);
        }
        return value;
    }
}
