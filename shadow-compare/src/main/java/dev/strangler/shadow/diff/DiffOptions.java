package dev.strangler.shadow.diff;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Compiled comparison options for one route.
 *
 * @param ignore          subtrees never compared
 * @param arrays          array pairing rules; the first matching rule wins, default INDEX
 * @param numberTolerance numbers within this absolute distance are equal (0 = exact)
 */
public record DiffOptions(List<PointerPattern> ignore, List<CompiledArrayRule> arrays, double numberTolerance) {

    public static final DiffOptions DEFAULT = new DiffOptions(List.of(), List.of(), 0);

    public DiffOptions {
        ignore = List.copyOf(requireNonNull(ignore, "ignore"));
        arrays = List.copyOf(requireNonNull(arrays, "arrays"));
        if (!(numberTolerance >= 0) || Double.isInfinite(numberTolerance)) {
            throw new IllegalArgumentException("numberTolerance: " + numberTolerance + " (expected: a finite number >= 0)");
        }
    }

    /** Compiles ignore patterns and array rules as written in configuration. */
    public static DiffOptions of(List<String> ignore, List<ArrayRule> arrays, double numberTolerance) {
        return new DiffOptions(ignore.stream().map(PointerPattern::parse).toList(),
                arrays.stream().map(r -> new CompiledArrayRule(r.pattern(), r.mode(), r.key())).toList(),
                numberTolerance);
    }

    /** An {@link ArrayRule} with its pattern parsed. */
    public record CompiledArrayRule(PointerPattern pattern, ArrayMode mode, String key) {
    }
}
