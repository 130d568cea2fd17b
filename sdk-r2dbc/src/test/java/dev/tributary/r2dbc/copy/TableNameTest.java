package dev.tributary.r2dbc.copy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableNameTest {

    @Test
    void parsesPlainQualifiedAndQuotedNames() {
        assertThat(TableName.parse("airports")).isEqualTo(new TableName(null, "airports"));
        assertThat(TableName.parse("public.Airports")).isEqualTo(new TableName("public", "Airports"));
        assertThat(TableName.parse("\"my schema\".\"a.b\"")).isEqualTo(new TableName("my schema", "a.b"));
        assertThat(TableName.parse("s.\"say \"\"hi\"\"\"")).isEqualTo(new TableName("s", "say \"hi\""));
    }

    @Test
    void quotesEveryPart() {
        assertThat(new TableName("public", "a\"b").quoted()).isEqualTo("\"public\".\"a\"\"b\"");
        assertThat(new TableName(null, "name.common").quoted()).isEqualTo("\"name.common\"");
        assertThat(new TableName("public", "airports")).hasToString("public.airports");
    }

    @Test
    void refusesMalformedNames() {
        assertThatThrownBy(() -> TableName.parse("a.b.c")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most two parts");
        assertThatThrownBy(() -> TableName.parse("a.")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Empty part");
        assertThatThrownBy(() -> TableName.parse("\"open")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Unclosed quote");
        assertThatThrownBy(() -> TableName.parse("\"a\"b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Quote.identifier("nul\0")).isInstanceOf(IllegalArgumentException.class);
    }
}
