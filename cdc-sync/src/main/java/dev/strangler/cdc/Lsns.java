package dev.strangler.cdc;

/** PostgreSQL LSN text form ({@code 16/B374D848}) ↔ 64-bit number. */
public final class Lsns {

    private Lsns() {
    }

    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}
