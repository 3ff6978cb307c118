package dev.strangler.proxy.internal;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * What it takes to send a request again: its head (the same object; encoders do not change it) and
 * retained duplicates of the body chunks sent so far, up to {@code cap} bytes. Past the cap the
 * chunks are released and the request can no longer be replayed once sent. Event-loop confined;
 * {@link #release()} must be called when the exchange ends.
 */
final class ReplayBuffer {

    private final HttpRequest head;
    private final long cap;
    private ArrayDeque<HttpContent> chunks; // allocated with the first chunk worth holding
    private long bytes;
    private boolean overflowed;
    private boolean complete;

    ReplayBuffer(HttpRequest head, long cap) {
        this.head = head;
        this.cap = cap;
    }

    HttpRequest head() {
        return head;
    }

    /** True while every byte sent so far is held here. */
    boolean usable() {
        return !overflowed;
    }

    /** True once the last chunk is held. */
    boolean complete() {
        return complete;
    }

    /** Keeps a duplicate of {@code c} (the caller still owns {@code c} itself). */
    void add(HttpContent c) {
        if (overflowed) {
            return;
        }
        bytes += c.content().readableBytes();
        if (bytes > cap) {
            overflowed = true;
            release();
            return;
        }
        if (chunks == null) {
            chunks = new ArrayDeque<>(2);
        }
        chunks.add(c.retainedDuplicate()); // our own reference, released in release() or handed to a write
        if (c instanceof LastHttpContent) {
            complete = true;
        }
    }

    /** Writes duplicates of the held chunks to {@code backend} (not flushed). */
    void writeChunks(Channel backend) {
        if (chunks == null) {
            return;
        }
        for (HttpContent c : chunks) {
            backend.write(c.retainedDuplicate(), backend.voidPromise()); // ownership of the duplicate passes on
        }
    }

    /** Releases the held chunks; idempotent. */
    void release() {
        if (chunks == null) {
            return;
        }
        HttpContent c;
        while ((c = chunks.poll()) != null) {
            ReferenceCountUtil.release(c); // we own the duplicates we kept
        }
    }
}
