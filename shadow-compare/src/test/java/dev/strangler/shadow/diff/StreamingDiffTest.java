package dev.strangler.shadow.diff;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The token-stream fast path gives exactly what JsonDiff on trees gives, or steps aside. */
class StreamingDiffTest {

    private static final DiffOptions PLAIN = DiffOptions.DEFAULT;
    private static final DiffOptions IGNORING = DiffOptions.of(List.of("/meta/*", "/items/*/etag"), List.of(), 0);
    private static final DiffOptions TOLERANT = DiffOptions.of(List.of(), List.of(), 0.01);

    private static List<Difference> trees(DiffOptions o, String a, String b) {
        return new JsonDiff(o).diff(ResponseDiff.parse(bytes(a)), ResponseDiff.parse(bytes(b)));
    }

    private static List<Difference> streams(DiffOptions o, String a, String b) {
        return new StreamingDiff(o).diff(bytes(a), bytes(b));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Aligned pairs: the fast path answers, and answers like the trees. */
    @Test
    void alignedBodiesGiveTheTreeDiffWithoutTrees() {
        String[][] pairs = {
                {"{\"a\":1,\"b\":\"x\",\"c\":true,\"d\":null}", "{\"a\":1,\"b\":\"x\",\"c\":true,\"d\":null}"},
                {"{\"a\":1,\"b\":\"x\"}", "{ \"a\" : 1 ,\n \"b\" : \"y\" }"},
                {"{\"a\":1}", "{\"a\":\"1\"}"},
                {"{\"a\":{\"b\":[1,2]}}", "{\"a\":[1,2]}"},
                {"{\"a\":true}", "{\"a\":false}"},
                {"{\"a\":null}", "{\"a\":0}"},
                {"{\"n\":1,\"m\":1.0,\"k\":2.5,\"big\":123456789012345678901234567890}",
                        "{\"n\":1.0,\"m\":1,\"k\":2.50,\"big\":123456789012345678901234567891}"},
                {"{\"items\":[1,2,3]}", "{\"items\":[1,2]}"},
                {"{\"items\":[1]}", "{\"items\":[1,{\"x\":[2]},[3]]}"},
                {"{\"items\":[{\"id\":1,\"etag\":\"a\",\"p\":2},{\"id\":2,\"etag\":\"b\",\"p\":3}]}",
                        "{\"items\":[{\"id\":1,\"etag\":\"z\",\"p\":2},{\"id\":2,\"etag\":\"y\",\"p\":4}]}"},
                {"{\"meta\":{\"requestId\":\"r1\",\"at\":1},\"v\":1}", "{\"meta\":{\"requestId\":\"r2\",\"at\":2},\"v\":2}"},
                {"{\"a/b\":{\"c~d\":1}}", "{\"a/b\":{\"c~d\":2}}"},
                {"[1,\"two\",{\"three\":3}]", "[1,\"two\",{\"three\":4},5]"},
                {"42", "43"},
                {"\"text\"", "{\"a\":1}"},
                {"{\"x\":1.004}", "{\"x\":1.0}"},
                {"{\"x\":100}", "{\"x\":101}"},
        };
        for (DiffOptions o : List.of(PLAIN, IGNORING, TOLERANT)) {
            for (String[] p : pairs) {
                List<Difference> fast = streams(o, p[0], p[1]);
                assertThat(fast).as("fast path taken for %s vs %s", p[0], p[1]).isNotNull();
                assertThat(fast).as("%s vs %s (%s)", p[0], p[1], o).isEqualTo(trees(o, p[0], p[1]));
            }
        }
        assertThat(streams(PLAIN, "{\"items\":[1,2,3]}", "{\"items\":[1,2]}"))
                .containsExactly(new Difference("/items/2", DiffKind.MISSING)); // the check above can fail
        assertThat(streams(TOLERANT, "{\"x\":1.004}", "{\"x\":1.0}")).isEmpty();
    }

    /** Keys in another order or missing, duplicates, bad JSON: null, and the trees decide. */
    @Test
    void stepsAsideWhenShapesDoNotLineUp() {
        assertThat(streams(PLAIN, "{\"a\":1,\"b\":2}", "{\"b\":2,\"a\":1}")).isNull();
        assertThat(streams(PLAIN, "{\"a\":1,\"b\":2}", "{\"a\":1}")).isNull();
        assertThat(streams(PLAIN, "{\"a\":1}", "{\"a\":1,\"c\":3}")).isNull();
        assertThat(streams(PLAIN, "{\"a\":1,\"a\":2}", "{\"a\":1,\"a\":2}")).isNull();
        assertThat(streams(PLAIN, "{\"a\":1", "{\"a\":1}")).isNull();
        assertThat(streams(PLAIN, "", "{}")).isNull();
        assertThat(StreamingDiff.applies(DiffOptions.of(List.of(), List.of(new ArrayRule("/t", ArrayMode.UNORDERED, null)), 0)))
                .isFalse();
    }
}
