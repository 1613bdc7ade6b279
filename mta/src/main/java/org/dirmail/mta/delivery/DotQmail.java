package org.dirmail.mta.delivery;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a {@code .qmail} file into {@link DeliveryStep}s, line by line as dot-qmail(5) reads it:
 * {@code #} comment, {@code |command} program, {@code /path} or {@code ./path} a Maildir when it
 * ends in {@code /} and an mbox otherwise, {@code &address} or an address starting with a letter
 * or digit a forward. The file is hostile: any other line, a path outside the mail root, an
 * invalid address or a NUL is refused, naming the file and the line.
 */
final class DotQmail {

    /** Larger files are refused: a real .qmail is a few lines. */
    static final int MAX_BYTES = 16 * 1024;

    private DotQmail() {
    }

    /** What is wrong with the file, with its name and the line number. */
    static final class MalformedException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    /**
     * The file's instructions in order; empty for a file without any (which means "the default
     * delivery", as in qmail-local).
     *
     * @param name     the file's path, for error messages
     * @param home     the directory {@code ./} paths are relative to
     * @param mailRoot where every path must lie
     */
    static List<DeliveryStep> parse(String name, byte[] content, Path home, Path mailRoot) throws MalformedException {
        if (content.length > MAX_BYTES) {
            throw new MalformedException(name + " is larger than " + MAX_BYTES + " bytes");
        }
        String text = new String(content, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        List<DeliveryStep> steps = new ArrayList<>();
        // A final line end leaves one empty string behind; it is no line.
        int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
        for (int i = 0; i < count; i++) {
            String where = name + " line " + (i + 1);
            String line = stripTrailingBlanks(lines[i]);
            if (line.isEmpty()) {
                if (i == 0 && count > 1) {
                    throw new MalformedException(where + ": a blank first line is not allowed (dot-qmail(5))");
                }
                continue;
            }
            DeliveryStep step = parseLine(line, where, home, mailRoot);
            if (step != null) {
                steps.add(step);
            }
        }
        return steps;
    }

    private static DeliveryStep parseLine(String line, String where, Path home, Path mailRoot)
            throws MalformedException {
        if (line.indexOf('\0') >= 0 || line.indexOf('\r') >= 0) {
            throw new MalformedException(where + ": contains NUL or CR");
        }
        char first = line.charAt(0);
        if (first == '#') {
            return null;
        }
        if (first == '|') {
            String command = line.substring(1).strip();
            if (command.isEmpty()) {
                throw new MalformedException(where + ": empty program");
            }
            return new DeliveryStep.Program(command);
        }
        if (first == '/' || line.startsWith("./")) {
            String path = first == '/' ? line : home.resolve(line.substring(2)).toString();
            try {
                Path resolved = MailStorePath.resolve(mailRoot, path, where);
                return MailStorePath.isMaildir(line) ? new DeliveryStep.Maildir(resolved) : new DeliveryStep.Mbox(resolved);
            } catch (MailStorePath.BadStoreException e) {
                throw new MalformedException(e.getMessage());
            }
        }
        String address = first == '&' ? line.substring(1).strip() : line;
        if (first == '&' || Character.isLetterOrDigit(first)) {
            if (!Forwarder.valid(address)) {
                throw new MalformedException(where + ": '" + printable(address) + "' is not a forwarding address");
            }
            return new DeliveryStep.Forward(address);
        }
        throw new MalformedException(where + ": not a comment, program, file, Maildir or address");
    }

    // qmail-local ignores trailing spaces and tabs on every line.
    private static String stripTrailingBlanks(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
            end--;
        }
        return line.substring(0, end);
    }

    // File content goes into a deferral text and the log: keep it short and printable.
    private static String printable(String value) {
        String cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
