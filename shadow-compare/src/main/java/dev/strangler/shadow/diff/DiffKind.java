package dev.strangler.shadow.diff;

/** How a field differs between the primary's answer and the shadow's. */
public enum DiffKind {
    /** Same type on both sides, different value. */
    CHANGED,
    /** Present in the primary's answer, absent from the shadow's. */
    MISSING,
    /** Absent from the primary's answer, present in the shadow's. */
    EXTRA,
    /** Present on both sides with different JSON types (e.g. string vs number). */
    TYPE
}
