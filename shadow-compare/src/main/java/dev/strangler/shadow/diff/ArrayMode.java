package dev.strangler.shadow.diff;

/** How the elements of a JSON array are paired for comparison. */
public enum ArrayMode {
    /** Element i with element i (the default). */
    INDEX,
    /** Elements with equal values of a declared key field are paired, wherever they are. */
    KEYED,
    /** Order does not matter: equal elements cancel out, leftovers are missing/extra. */
    UNORDERED
}
