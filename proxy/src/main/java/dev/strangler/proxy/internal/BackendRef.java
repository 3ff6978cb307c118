package dev.strangler.proxy.internal;

/** A backend's name and its index into {@link BackendPool}'s per-thread arrays. */
record BackendRef(String name, int index) {
}
