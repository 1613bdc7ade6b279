package org.dirmail.mta.server;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.dirmail.mta.delivery.DeliveryScheduler;
import org.dirmail.mta.queue.ControlChannel;
import org.dirmail.mta.queue.FileQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's ear on the queue directory: one thread wakes on new files in {@code maildrop/}
 * (handed to {@link MaildropPickup}) and {@code control/} (flush and delete requests from
 * {@code dirmail queue}, carried out by the scheduler; {@code reload} requests from
 * {@code dirmail reload}, carried out by the server). A WatchService, no polling; files already
 * there at start, or lost to an event overflow, are found by a scan.
 */
final class QueueWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueueWatcher.class);

    private final FileQueue queue;
    private final DeliveryScheduler scheduler;
    private final MaildropPickup pickup;
    private final Supplier<ReloadResult> reload;
    private final WatchService watcher;
    private final Thread thread;

    private QueueWatcher(FileQueue queue, DeliveryScheduler scheduler, MaildropPickup pickup,
            Supplier<ReloadResult> reload) throws IOException {
        this.queue = queue;
        this.scheduler = scheduler;
        this.pickup = pickup;
        this.reload = reload;
        this.watcher = queue.maildropDir().getFileSystem().newWatchService();
        this.thread = new Thread(this::run, "queue-watcher");
        this.thread.setDaemon(true);
    }

    /** Watches first, then scans, so a file arriving in between is not missed. */
    static QueueWatcher start(FileQueue queue, DeliveryScheduler scheduler, MaildropPickup pickup,
            Supplier<ReloadResult> reload) throws IOException {
        QueueWatcher w = new QueueWatcher(queue, scheduler, pickup, reload);
        try {
            queue.maildropDir().register(w.watcher, StandardWatchEventKinds.ENTRY_CREATE);
            queue.controlDir().register(w.watcher, StandardWatchEventKinds.ENTRY_CREATE);
        } catch (IOException e) {
            w.watcher.close();
            throw e;
        }
        w.thread.start();
        return w;
    }

    private void run() {
        scanControl();
        pickup.pickUpAll();
        try {
            while (true) {
                WatchKey key = watcher.take();
                Path dir = (Path) key.watchable();
                for (WatchEvent<?> event : key.pollEvents()) {
                    handle(dir, event);
                }
                key.reset();
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            log.debug("queue watcher stopped");
        }
    }

    private void handle(Path dir, WatchEvent<?> event) {
        boolean control = dir.equals(queue.controlDir());
        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
            if (control) {
                scanControl();
            } else {
                pickup.pickUpAll();
            }
            return;
        }
        Path file = dir.resolve((Path) event.context());
        if (control) {
            if (ControlChannel.isRequest(file)) {
                answer(file);
            }
        } else {
            pickup.pickUp(file);
        }
    }

    private void scanControl() {
        List<Path> requests = new ArrayList<>();
        try (var files = Files.list(queue.controlDir())) {
            files.filter(ControlChannel::isRequest).sorted().forEach(requests::add);
        } catch (IOException e) {
            log.error("cannot list {}: {}", queue.controlDir(), e.toString());
        }
        requests.forEach(this::answer);
    }

    /** Carries out one request; each line gets one reply line, {@code ok ...} or {@code error ...}. */
    private void answer(Path request) {
        List<String> reply = new ArrayList<>();
        try {
            for (String line : ControlChannel.read(request)) {
                reply.add(execute(line.strip()));
            }
            ControlChannel.reply(request, reply);
        } catch (java.nio.file.NoSuchFileException e) {
            log.debug("control request {} withdrawn", request.getFileName());
        } catch (IOException e) {
            log.error("control request {}: {}", request.getFileName(), e.toString());
        }
    }

    private String execute(String line) throws IOException {
        String[] words = line.split(" ");
        if (words.length == 1 && words[0].equals("flush")) {
            return "ok " + scheduler.flushAll() + " message(s) submitted for delivery now";
        }
        if (words.length == 1 && words[0].equals("reload")) {
            ReloadResult result = reload.get();
            // One reply line per request line: a message quoting the file must not add lines.
            return (result.applied() ? "ok " : "error ") + result.message().replaceAll("[\\r\\n]+", " ");
        }
        if (words.length == 2 && words[0].equals("delete")) {
            String id = words[1];
            return switch (scheduler.delete(id)) {
                case REMOVED -> "ok " + id + ": deleted";
                case REMOVED_DURING_ATTEMPT -> "ok " + id
                        + ": deleted; a delivery attempt in progress may still complete what it had started";
                case UNKNOWN -> "error " + id.replaceAll("[^0-9A-Za-z]", "?") + ": no such message in the queue";
            };
        }
        return "error unknown request";
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            log.debug("closing the queue watcher: {}", e.toString());
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
