package dev.strangler.proxy.mirror;

import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;

/**
 * Expires the mirror calls of one event loop without a timer per call. Every call waits the same
 * {@code mirror.timeout}, so the calls in flight, kept in send order in an intrusive doubly linked
 * list (O(1) add and remove), expire oldest first: a sweep every {@code period} looks only at the
 * head. A call thus times out between {@code timeout} and {@code timeout + period} after it was
 * sent. Scheduling and cancelling a Netty timer per copy cost a priority-queue insert and removal on
 * the event loop each; this costs two pointer updates. Single-threaded (its event loop).
 */
final class MirrorClock {

    private final long timeoutNanos;
    private MirrorCall head;
    private MirrorCall tail;

    /** Starts the sweep on {@code loop}; it runs as long as the loop does. */
    MirrorClock(EventLoop loop, long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(timeoutNanos / 10, TimeUnit.MILLISECONDS.toNanos(100)));
        loop.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.NANOSECONDS);
    }

    void add(MirrorCall c) {
        c.clock = this;
        c.prev = tail;
        c.next = null;
        if (tail == null) {
            head = c;
        } else {
            tail.next = c;
        }
        tail = c;
    }

    void remove(MirrorCall c) {
        if (c.prev == null) {
            head = c.next;
        } else {
            c.prev.next = c.next;
        }
        if (c.next == null) {
            tail = c.prev;
        } else {
            c.next.prev = c.prev;
        }
        c.prev = null;
        c.next = null;
        c.clock = null;
    }

    private void sweep() {
        long now = System.nanoTime();
        MirrorCall c;
        while ((c = head) != null && now - c.sentNanos >= timeoutNanos) {
            remove(c);
            c.onTimeout();
        }
    }
}
