package org.dirmail.mta.delivery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.dirmail.mta.queue.Fsync;

/**
 * Writes one message into a Maildir the way qmail-local does, plus the fsyncs qmail leaves to
 * the filesystem: write {@code tmp/NAME}, force it, rename it to {@code new/NAME}, force
 * {@code new/}. Lines are stored with LF endings, as qmail-local and Postfix store them. The name
 * carries the file size ({@code S=}, Maildir++ quota) and the size with CRLF line ends
 * ({@code W=}, as Dovecot writes it), so POP3 can announce sizes without reading each file.
 */
final class MaildirWriter {

    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final long PID = ProcessHandle.current().pid();

    private final String hostname;

    MaildirWriter(String hostname) {
        // Maildir names must not contain '/' or ':' (maildir(5)); Courier escapes them as octal.
        this.hostname = hostname.replace("/", "\\057").replace(":", "\\072");
    }

    /**
     * Delivers {@code message} (CRLF line ends) with the given header lines prepended.
     *
     * @param maildir     the Maildir (created with tmp/new/cur when missing)
     * @param headerLines lines to prepend, without line ends (Return-Path, Delivered-To)
     * @return the delivered file in {@code new/}
     */
    Path deliver(Path maildir, String[] headerLines, byte[] message) throws IOException {
        return deliver(maildir, withLfLineEnds(headerLines, message));
    }

    /**
     * Delivers {@code content} as it will be stored (LF line ends, see {@link #withLfLineEnds});
     * its length is the {@code S=} size that counts against the quota.
     */
    Path deliver(Path maildir, byte[] content) throws IOException {
        long now = System.currentTimeMillis();
        String name = (now / 1000) + ".M" + TimeUnit.MILLISECONDS.toMicros(now % 1000)
                + "P" + PID + "Q" + SEQUENCE.incrementAndGet() + "." + hostname
                + ",S=" + content.length + ",W=" + crlfSize(content);
        Path tmp = maildir.resolve("tmp").resolve(name);
        Path target = maildir.resolve("new").resolve(name);
        try (FileChannel ch = createTmp(maildir, tmp)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            ensureMaildir(maildir); // tmp/ was there, new/ was not
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        }
        Fsync.directory(target.getParent());
        return target;
    }

    /** Creates {@code tmp/NAME}; only a first delivery finds no tmp/, so the Maildir is made then, not checked each time. */
    private static FileChannel createTmp(Path maildir, Path tmp) throws IOException {
        try {
            return FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            ensureMaildir(maildir);
            return FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    /** Creates tmp/, new/, cur/ when missing and makes the new entries durable. */
    private static void ensureMaildir(Path maildir) throws IOException {
        if (Files.isDirectory(maildir.resolve("new")) && Files.isDirectory(maildir.resolve("tmp"))
                && Files.isDirectory(maildir.resolve("cur"))) {
            return;
        }
        Files.createDirectories(maildir.getParent());
        for (String sub : new String[] {"tmp", "new", "cur"}) {
            Files.createDirectories(maildir.resolve(sub));
        }
        Fsync.directory(maildir);
        Fsync.directory(maildir.getParent());
    }

    /** The size the file has when sent with CRLF line ends: one more byte per bare LF. */
    static long crlfSize(byte[] content) {
        long size = content.length;
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n' && (i == 0 || content[i - 1] != '\r')) {
                size++;
            }
        }
        return size;
    }

    /** The prepended lines and the message, CRLF turned into LF (a lone CR or LF is kept as is). */
    static byte[] withLfLineEnds(String[] headerLines, byte[] message) {
        // Sized exactly up front: one array, no growing buffer, no final copy.
        byte[][] headers = new byte[headerLines.length][];
        int headerLength = 0;
        for (int i = 0; i < headerLines.length; i++) {
            headers[i] = headerLines[i].getBytes(StandardCharsets.UTF_8);
            headerLength += headers[i].length + 1;
        }
        int crlfs = 0;
        for (int i = 0; i + 1 < message.length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n') {
                crlfs++;
                i++;
            }
        }
        byte[] out = new byte[headerLength + message.length - crlfs];
        int pos = 0;
        for (byte[] header : headers) {
            System.arraycopy(header, 0, out, pos, header.length);
            pos += header.length;
            out[pos++] = '\n';
        }
        int start = 0;
        for (int i = 0; i + 1 < message.length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n') {
                System.arraycopy(message, start, out, pos, i - start);
                pos += i - start;
                start = i + 1; // the LF is copied with the next run
                i++;
            }
        }
        System.arraycopy(message, start, out, pos, message.length - start);
        return out;
    }
}
