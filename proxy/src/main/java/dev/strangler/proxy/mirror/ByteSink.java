package dev.strangler.proxy.mirror;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * A growable byte array that copies bytes out of Netty buffers (without touching their indices or
 * reference counts), up to a cap. Single-threaded: used on one event loop.
 */
final class ByteSink {

    private static final byte[] EMPTY = new byte[0];
    private byte[] bytes = EMPTY;
    private int length;
    private boolean overflowed;

    /** Copies the readable bytes of {@code buf}; false (and nothing copied) once more than {@code cap} would be held. */
    boolean append(ByteBuf buf, long cap) {
        int n = buf.readableBytes();
        if (n == 0 || overflowed) {
            return !overflowed;
        }
        if ((long) length + n > cap) {
            overflowed = true;
            return false;
        }
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + n, Math.min((int) Math.min(cap, Integer.MAX_VALUE - 8),
                    Math.max(1024, bytes.length * 2))));
        }
        buf.getBytes(buf.readerIndex(), bytes, length, n);
        length += n;
        return true;
    }

    boolean overflowed() {
        return overflowed;
    }

    int length() {
        return length;
    }

    /** The bytes held, as an array of exactly {@link #length()} (the comparator owns it afterwards). */
    byte[] toArray() {
        return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    }
}
