package dev.strangler.shadow.diff;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonDiffTest {

    private final ObjectMapper json = new ObjectMapper();

    private List<Difference> diff(DiffOptions options, String a, String b) throws Exception {
        JsonNode ta = json.readTree(a);
        JsonNode tb = json.readTree(b);
        return new JsonDiff(options).diff(ta, tb);
    }

    private static Difference d(String pointer, DiffKind kind) {
        return new Difference(pointer, kind);
    }

    @Test
    void reportsEveryKindWithJsonPointers() throws Exception {
        List<Difference> diffs = diff(DiffOptions.DEFAULT,
                "{\"a\":1,\"b\":\"x\",\"c\":true,\"n\":{\"deep\":[1,2]},\"gone\":null,\"t/k\":1}",
                "{\"a\":2,\"b\":3,\"c\":true,\"n\":{\"deep\":[1,2,3]},\"new\":[],\"t/k\":1}");

        assertThat(diffs).containsExactly(
                d("/a", DiffKind.CHANGED),
                d("/b", DiffKind.TYPE),
                d("/n/deep/2", DiffKind.EXTRA),
                d("/gone", DiffKind.MISSING),
                d("/new", DiffKind.EXTRA));
    }

    @Test
    void equalTreesHaveNoDifferencesAndRootTypeChangeIsBody() throws Exception {
        assertThat(diff(DiffOptions.DEFAULT, "{\"a\":[1,{\"b\":null}]}", "{\"a\":[1,{\"b\":null}]}")).isEmpty();
        assertThat(diff(DiffOptions.DEFAULT, "{}", "[]")).containsExactly(d("body", DiffKind.TYPE));
    }

    @Test
    void escapesPointerSegments() throws Exception {
        assertThat(diff(DiffOptions.DEFAULT, "{\"a/b\":{\"m~n\":1}}", "{\"a/b\":{\"m~n\":2}}"))
                .containsExactly(d("/a~1b/m~0n", DiffKind.CHANGED));
    }

    @Test
    void comparesArraysByIndexByDefault() throws Exception {
        assertThat(diff(DiffOptions.DEFAULT, "[1,2,3]", "[1,3]"))
                .containsExactly(d("/1", DiffKind.CHANGED), d("/2", DiffKind.MISSING));
    }

    @Test
    void pairsArrayElementsByDeclaredKeyWhereverTheyAre() throws Exception {
        DiffOptions options = DiffOptions.of(List.of(), List.of(new ArrayRule("/appts", ArrayMode.KEYED, "id")), 0);

        List<Difference> diffs = diff(options,
                "{\"appts\":[{\"id\":1,\"s\":\"A\"},{\"id\":2,\"s\":\"B\"},{\"id\":3,\"s\":\"C\"}]}",
                "{\"appts\":[{\"id\":2,\"s\":\"B\"},{\"id\":1,\"s\":\"X\"},{\"id\":4,\"s\":\"D\"}]}");

        assertThat(diffs).containsExactly(
                d("/appts/0/s", DiffKind.CHANGED),
                d("/appts/2", DiffKind.MISSING),
                d("/appts/2", DiffKind.EXTRA));
    }

    @Test
    void comparesUnorderedArraysAsMultisets() throws Exception {
        DiffOptions options = DiffOptions.of(List.of(), List.of(new ArrayRule("/tags", ArrayMode.UNORDERED, null)), 0);

        assertThat(diff(options, "{\"tags\":[\"a\",\"b\",\"b\"]}", "{\"tags\":[\"b\",\"a\",\"b\"]}")).isEmpty();
        assertThat(diff(options, "{\"tags\":[\"a\",\"b\",\"b\"]}", "{\"tags\":[\"b\",\"c\",\"a\"]}"))
                .containsExactly(d("/tags/2", DiffKind.MISSING), d("/tags/1", DiffKind.EXTRA));
    }

    @Test
    void numbersEqualWithinToleranceAndAcrossRepresentations() throws Exception {
        assertThat(diff(DiffOptions.DEFAULT, "{\"p\":1.0,\"q\":10}", "{\"p\":1,\"q\":10.00}")).isEmpty();
        assertThat(diff(DiffOptions.DEFAULT, "{\"p\":1.5}", "{\"p\":1.5001}")).containsExactly(d("/p", DiffKind.CHANGED));

        DiffOptions tolerant = DiffOptions.of(List.of(), List.of(), 0.01);
        assertThat(diff(tolerant, "{\"p\":1.5,\"n\":100}", "{\"p\":1.5001,\"n\":100}")).isEmpty();
        assertThat(diff(tolerant, "{\"p\":1.5}", "{\"p\":1.52}")).containsExactly(d("/p", DiffKind.CHANGED));
        assertThatThrownBy(() -> DiffOptions.of(List.of(), List.of(), -1)).hasMessageContaining("numberTolerance: -1");
    }

    @Test
    void ignoresPointersWithWildcards() throws Exception {
        DiffOptions options = DiffOptions.of(List.of("/meta/requestId", "/items/*/etag", "/**/updatedAt"), List.of(), 0);

        List<Difference> diffs = diff(options,
                "{\"meta\":{\"requestId\":\"a\",\"v\":1},\"items\":[{\"etag\":\"x\",\"n\":1}],\"x\":{\"y\":{\"updatedAt\":1}}}",
                "{\"meta\":{\"requestId\":\"b\",\"v\":2},\"items\":[{\"etag\":\"y\",\"n\":1}],\"x\":{\"y\":{}},\"updatedAt\":5}");

        assertThat(diffs).containsExactly(d("/meta/v", DiffKind.CHANGED));
    }

    @Test
    void countsArrayElementsUnderOneFieldName() {
        assertThat(Difference.fieldOf("/items/12/price")).isEqualTo("/items/*/price");
        assertThat(Difference.fieldOf("/items/0")).isEqualTo("/items/*");
        assertThat(Difference.fieldOf("/a/b")).isEqualTo("/a/b");
        assertThat(Difference.fieldOf("header:date")).isEqualTo("header:date");
    }

    @Test
    void rejectsBadRulesWithSpecificMessages() {
        assertThatThrownBy(() -> PointerPattern.parse("items")).hasMessageContaining("starting with /");
        assertThatThrownBy(() -> new ArrayRule("/a", ArrayMode.KEYED, null)).hasMessageContaining("arrays[/a].key: missing");
        assertThatThrownBy(() -> new ArrayRule("/a", ArrayMode.INDEX, "id")).hasMessageContaining("no key for mode INDEX");
    }
}
