package dev.strangler.proxy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Steady load for lifecycle tests: {@code clients} threads, each a {@link KeepAliveClient} sending
 * GETs back to back to the port {@code target} names at the time of each new connection. Counts
 * answers and failures (any I/O error or a status other than 200); never retries.
 */
final class LoadRunner implements AutoCloseable {

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong connects = new AtomicLong();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

    LoadRunner(int clients, String path, IntSupplier target) {
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> run(path, target), "load-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void run(String path, IntSupplier target) {
        KeepAliveClient c = null;
        while (running.get()) {
            if (c == null) {
                c = new KeepAliveClient(target.getAsInt());
            }
            int connectsBefore = c.connects;
            try {
                KeepAliveClient.Answer a = c.get(path);
                if (a.status() == 200) {
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    failures.add("status " + a.status());
                }
                if (a.close()) {
                    c = null; // next request on a new connection, maybe to another port
                }
            } catch (IOException | RuntimeException e) {
                failed.incrementAndGet();
                failures.add(e.toString());
                c = null;
            }
            connects.addAndGet(c == null ? 0 : c.connects - connectsBefore);
        }
        if (c != null) {
            c.close();
        }
    }

    long total() {
        return ok.get() + failed.get();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(20_000);
        }
    }
}
