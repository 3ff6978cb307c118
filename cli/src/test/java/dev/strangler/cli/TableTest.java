package dev.strangler.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class TableTest {

    private static String print(Table table) {
        StringWriter out = new StringWriter();
        table.print(new PrintWriter(out));
        return out.toString();
    }

    @Test
    void padsColumnsToTheWidestCellWithoutTrailingBlanks() {
        Table t = new Table("ID", "WEIGHT", "NOTE").row("appointments", "25%", "x").row("a", "100%", null);

        assertThat(print(t)).isEqualTo("""
                ID            WEIGHT  NOTE
                appointments  25%     x
                a             100%    -
                """);
    }

    @Test
    void keepsEachRowOnOneLine() {
        Table t = new Table("REASON").row("line one\nline two\ttab");

        assertThat(print(t).lines()).containsExactly("REASON", "line one line two tab");
    }

    @Test
    void rejectsRowsOfTheWrongWidth() {
        assertThatThrownBy(() -> new Table("A", "B").row("only one"))
                .hasMessage("row has 1 cells (expected: 2)");
    }
}
