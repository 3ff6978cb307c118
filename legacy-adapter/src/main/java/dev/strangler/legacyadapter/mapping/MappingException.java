package dev.strangler.legacyadapter.mapping;

import java.util.List;
import java.util.stream.Collectors;

/** A mapping file that cannot be used; lists every problem found, not just the first. */
public final class MappingException extends RuntimeException {

    private final transient List<MappingProblem> problems;

    public MappingException(List<MappingProblem> problems) {
        super(problems.size() + " problem(s) in mapping:\n  "
                + problems.stream().map(MappingProblem::toString).collect(Collectors.joining("\n  ")));
        this.problems = List.copyOf(problems);
    }

    /** Every problem, in file order. */
    public List<MappingProblem> problems() {
        return problems;
    }
}
