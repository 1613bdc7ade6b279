package org.dirmail.mta.queue;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileQueueTest {

    @TempDir
    Path root;

    private static final Envelope ENVELOPE = new Envelope("alice@example.com",
            List.of("bob@example.com", "carol@example.com"), "127.0.0.1", Instant.ofEpochMilli(1_700_000_000_000L));

    @Test
    void enqueueIsDurableAndReadsBackExactly() throws Exception {
        List<String> committed = new CopyOnWriteArrayList<>();
        try (FileQueue q = FileQueue.open(root, 2)) {
            q.onCommitted(committed::add);
            ByteBuf body = buf("Subject: hi\r\n\r\nbody\r\n");
            String id = q.enqueue(ENVELOPE, body).toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(body.refCnt()).as("the queue releases the buffer").isZero();
            assertThat(committed).containsExactly(id);
            assertThat(root.resolve("msg").resolve(id)).exists();
            assertThat(root.resolve("tmp")).isEmptyDirectory();
            QueuedMessage m = q.read(id);
            assertThat(m.envelope()).isEqualTo(ENVELOPE);
            assertThat(new String(m.message(), US_ASCII)).isEqualTo("Subject: hi\r\n\r\nbody\r\n");
        }
    }

    @Test
    void nullSenderSurvivesTheRoundTrip() throws Exception {
        Envelope bounce = new Envelope("", List.of("a@example.com"), "::1", Instant.ofEpochMilli(5));
        try (FileQueue q = FileQueue.open(root, 1)) {
            String id = q.enqueue(bounce, buf("x\r\n")).toCompletableFuture().get();
            assertThat(q.read(id).envelope()).isEqualTo(bounce);
        }
    }

    @Test
    void concurrentEnqueuesAllCommitWithUniqueIds() throws Exception {
        try (FileQueue q = FileQueue.open(root, 4)) {
            List<CompletableFuture<String>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(q.enqueue(ENVELOPE, buf("message " + i + "\r\n")).toCompletableFuture());
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(futures).extracting(CompletableFuture::join).doesNotHaveDuplicates().hasSize(200);
            assertThat(q.ids()).hasSize(200);
        }
    }

    @Test
    void recoveryKeepsCommittedRemovesUnacknowledgedAndFinishedLeftovers() throws Exception {
        String id;
        try (FileQueue q = FileQueue.open(root, 1)) {
            id = q.enqueue(ENVELOPE, buf("m\r\n")).toCompletableFuture().get();
            q.markFinished(id, 0, true, "");
        }
        Files.writeString(root.resolve("tmp").resolve("0000000000000001"), "half written");
        Files.writeString(root.resolve("state").resolve("0000000000000002"), "done 0\n");

        try (FileQueue q = FileQueue.open(root, 1)) {
            assertThat(q.ids()).containsExactly(id);
            assertThat(q.finishedRecipients(id).get(0)).isTrue();
            assertThat(q.finishedRecipients(id).get(1)).isFalse();
            assertThat(root.resolve("tmp")).isEmptyDirectory();
            assertThat(root.resolve("state").resolve("0000000000000002")).doesNotExist();
            q.remove(id);
            assertThat(q.ids()).isEmpty();
        }
    }

    @Test
    void secondProcessOnTheSameQueueIsRefused() throws Exception {
        try (FileQueue q = FileQueue.open(root, 1)) {
            assertThatThrownBy(() -> FileQueue.open(root, 1))
                    .isInstanceOf(IOException.class).hasMessageContaining("in use by another dirmail process");
        }
    }

    @Test
    void envelopeWithLineBreakIsRefusedAndNothingIsQueued() throws Exception {
        Envelope forged = new Envelope("a@example.com\nrcpt evil@example.net", List.of("b@example.com"), "1.2.3.4",
                Instant.now());
        try (FileQueue q = FileQueue.open(root, 1)) {
            ByteBuf body = buf("x\r\n");
            assertThatThrownBy(() -> q.enqueue(forged, body).toCompletableFuture().get())
                    .hasMessageContaining("CR, LF or NUL");
            assertThat(body.refCnt()).isZero();
            assertThat(q.ids()).isEmpty();
            assertThat(root.resolve("tmp")).isEmptyDirectory();
        }
    }

    @Test
    void truncatedFileIsCorruptAndQuarantined() throws Exception {
        try (FileQueue q = FileQueue.open(root, 1)) {
            String id = q.enqueue(ENVELOPE, buf("0123456789\r\n")).toCompletableFuture().get();
            q.read(id); // the first read is served from the hand-off; the next one reads the file
            Path file = root.resolve("msg").resolve(id);
            byte[] bytes = Files.readAllBytes(file);
            Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 3));
            assertThatThrownBy(() -> q.read(id)).isInstanceOf(CorruptQueueFileException.class)
                    .hasMessageContaining("expected 12 message bytes, found 9");
            q.quarantine(id);
            assertThat(root.resolve("corrupt").resolve(id)).exists();
            assertThat(q.ids()).isEmpty();
        }
    }

    @Test
    void firstReadFromMemoryAndLaterReadsFromDiskGiveTheSameMessage() throws Exception {
        Envelope nanos = new Envelope("alice@example.com", List.of("bob@example.com"), "127.0.0.1",
                Instant.ofEpochSecond(1_700_000_000L, 123_456_789));
        try (FileQueue q = FileQueue.open(root, 1)) {
            String id = q.enqueue(nanos, buf("Subject: same\r\n\r\nbytes\r\n")).toCompletableFuture().get();
            QueuedMessage fromMemory = q.read(id);
            QueuedMessage fromDisk = q.read(id);
            assertThat(fromMemory.envelope()).isEqualTo(fromDisk.envelope());
            assertThat(fromMemory.envelope().receivedAt()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
            assertThat(fromMemory.message()).isEqualTo(fromDisk.message())
                    .isEqualTo("Subject: same\r\n\r\nbytes\r\n".getBytes(US_ASCII));
        }
    }

    @Test
    void handOffKeepsOnlyWhatFitsTheBound() throws Exception {
        try (FileQueue q = FileQueue.open(root, 1, 10)) {
            String kept = q.enqueue(ENVELOPE, buf("first\r\n")).toCompletableFuture().get();
            String tooMany = q.enqueue(ENVELOPE, buf("secon\r\n")).toCompletableFuture().get();
            String tooBig = q.enqueue(ENVELOPE, buf("much too long\r\n")).toCompletableFuture().get();
            rewriteBody(kept, "FIRST\r\n");
            rewriteBody(tooMany, "SECON\r\n");
            rewriteBody(tooBig, "MUCH TOO LONG\r\n");

            assertThat(new String(q.read(kept).message(), US_ASCII)).as("from memory").isEqualTo("first\r\n");
            assertThat(new String(q.read(tooMany).message(), US_ASCII)).as("from disk").isEqualTo("SECON\r\n");
            assertThat(new String(q.read(tooBig).message(), US_ASCII)).as("from disk").isEqualTo("MUCH TOO LONG\r\n");
            assertThat(new String(q.read(kept).message(), US_ASCII)).as("taken once").isEqualTo("FIRST\r\n");
            // Taking it made room again.
            String next = q.enqueue(ENVELOPE, buf("third\r\n")).toCompletableFuture().get();
            rewriteBody(next, "THIRD\r\n");
            assertThat(new String(q.read(next).message(), US_ASCII)).isEqualTo("third\r\n");
        }
    }

    @Test
    void afterARestartMessagesAreReadFromDisk() throws Exception {
        String id;
        try (FileQueue q = FileQueue.open(root, 1)) {
            id = q.enqueue(ENVELOPE, buf("before\r\n")).toCompletableFuture().get();
        }
        rewriteBody(id, "BEFORE\r\n");
        try (FileQueue q = FileQueue.open(root, 1)) {
            QueuedMessage m = q.read(id);
            assertThat(m.envelope()).isEqualTo(ENVELOPE);
            assertThat(new String(m.message(), US_ASCII)).isEqualTo("BEFORE\r\n");
        }
    }

    @Test
    void aMessageGoneFromDiskIsNotServedFromMemory() throws Exception {
        try (FileQueue q = FileQueue.open(root, 1)) {
            String removed = q.enqueue(ENVELOPE, buf("a\r\n")).toCompletableFuture().get();
            String deleted = q.enqueue(ENVELOPE, buf("b\r\n")).toCompletableFuture().get();
            q.remove(removed);
            Files.delete(root.resolve("msg").resolve(deleted));
            assertThatThrownBy(() -> q.read(removed)).isInstanceOf(java.nio.file.NoSuchFileException.class);
            assertThatThrownBy(() -> q.read(deleted)).isInstanceOf(java.nio.file.NoSuchFileException.class);
        }
    }

    /** Replaces the message bytes of {@code msg/ID} with others of the same length. */
    private void rewriteBody(String id, String body) throws IOException {
        Path file = root.resolve("msg").resolve(id);
        byte[] bytes = Files.readAllBytes(file);
        byte[] replacement = body.getBytes(US_ASCII);
        System.arraycopy(replacement, 0, bytes, bytes.length - replacement.length, replacement.length);
        Files.write(file, bytes);
    }

    private static ByteBuf buf(String s) {
        return Unpooled.copiedBuffer(s, US_ASCII);
    }
}
