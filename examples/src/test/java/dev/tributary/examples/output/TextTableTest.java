package dev.tributary.examples.output;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextTableTest {

    private static List<String> lines(TextTable table) {
        return Arrays.asList(table.render().split("\\R"));
    }

    @Test
    void alignsTextLeftAndNumbersRightWithWidthsFromTheData() {
        TextTable table = TextTable.withColumns(List.of("name", "country", "elevation_ft"));
        table.addRow(List.of("Daocheng Yading Airport", "CN", 14472L));
        table.addRow(List.of("El Alto International Airport", "BO", 13355L));
        table.addRow(Arrays.asList("Somewhere", "XX", null));

        assertThat(lines(table)).containsExactly(
                "name                           country  elevation_ft",
                "-----------------------------  -------  ------------",
                "Daocheng Yading Airport        CN              14472",
                "El Alto International Airport  BO              13355",
                "Somewhere                      XX",
                "(3 rows)");
    }

    @Test
    void padsJapaneseByTerminalColumnsTwoPerCharacter() {
        TextTable table = TextTable.withColumns(List.of("japanese", "n"));
        table.addRow(List.of("アメリカ", 66L));
        table.addRow(List.of("中国", 39L));
        table.addRow(List.of("USA", 1L));

        List<String> lines = lines(table);
        assertThat(lines).containsExactly(
                "japanese   n",
                "--------  --",
                "アメリカ  66",
                "中国      39",
                "USA        1",
                "(3 rows)");
        // Every line takes the same number of terminal columns, not the same number of chars.
        assertThat(lines.subList(0, 5)).allSatisfy(line -> assertThat(DisplayText.width(line)).isEqualTo(12));
        assertThat(lines.get(2).codePointCount(0, lines.get(2).length())).isEqualTo(8);
    }

    @Test
    void padsArabicByItsLettersAndGivesCombiningMarksNoWidth() {
        // "الصين" (5 letters) and "مُحَمَّد" (4 letters with 4 combining vowel marks).
        String china = "الصين";
        String vocalised = "مُحَمَّد";
        assertThat(DisplayText.width(china)).isEqualTo(5);
        assertThat(vocalised.codePointCount(0, vocalised.length())).isEqualTo(8);
        assertThat(DisplayText.width(vocalised)).isEqualTo(4);

        TextTable table = TextTable.withColumns(List.of("arabic", "x"));
        table.addRow(List.of(china, "a"));
        table.addRow(List.of(vocalised, "b"));
        assertThat(lines(table)).containsExactly(
                "arabic  x",
                "------  -",
                china + "   a",
                vocalised + "    b",
                "(2 rows)");
    }

    @Test
    void keepsAtMostMaxRowsAndCountsTheRest() {
        TextTable table = TextTable.withColumns(List.of("n"), 2, 10);
        for (long n = 1; n <= 5; n++) {
            table.addRow(List.of(n));
        }
        assertThat(table.rowCount()).isEqualTo(5);
        assertThat(lines(table)).containsExactly("n", "-", "1", "2", "(2 of 5 rows shown)");
    }

    @Test
    void cutsLongValuesWithAnEllipsisWithoutSplittingAWideCharacter() {
        TextTable table = TextTable.withColumns(List.of("v"), 10, 6);
        table.addRow(List.of("abcdefghij"));
        table.addRow(List.of("日本日本日本"));
        assertThat(lines(table)).containsExactly("v", "------", "abcde…", "日本…", "(2 rows)");
    }

    @Test
    void showsNumbersWithoutExponentAndControlCharactersAsSpaces() {
        TextTable table = TextTable.withColumns(List.of("d", "text"));
        table.addRow(List.of(12345678.9d, "line one\nline two"));
        table.addRow(List.of(1.0E-7d, "tab\there"));
        assertThat(lines(table)).containsExactly(
                "         d  text",
                "----------  -----------------",
                "12345678.9  line one line two",
                " 0.0000001  tab here",
                "(2 rows)");
    }

    @Test
    void saysOneRowInTheSingular() {
        TextTable table = TextTable.withColumns(List.of("count"));
        table.addRow(List.of(5210L));
        assertThat(lines(table)).containsExactly("count", "-----", " 5210", "(1 row)");
    }

    @Test
    void rejectsARowOfTheWrongLengthNamingTheColumns() {
        TextTable table = TextTable.withColumns(List.of("a", "b"));
        assertThatThrownBy(() -> table.addRow(List.of("only one")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[a, b]")
                .hasMessageContaining("has 1");
        assertThatThrownBy(() -> TextTable.withColumns(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
