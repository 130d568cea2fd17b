package dev.tributary.r2dbc.copy;

import org.junit.jupiter.api.Test;

import static dev.tributary.r2dbc.copy.ValueSyntax.BIGINT;
import static dev.tributary.r2dbc.copy.ValueSyntax.BOOLEAN;
import static dev.tributary.r2dbc.copy.ValueSyntax.DATE;
import static dev.tributary.r2dbc.copy.ValueSyntax.DOUBLE;
import static dev.tributary.r2dbc.copy.ValueSyntax.TIMESTAMPTZ;
import static org.assertj.core.api.Assertions.assertThat;

class ValueSyntaxTest {

    @Test
    void infersNumbersConservatively() {
        assertThat(ValueSyntax.candidates("42")).isEqualTo(BIGINT | DOUBLE);
        assertThat(ValueSyntax.candidates("-7")).isEqualTo(BIGINT | DOUBLE);
        assertThat(ValueSyntax.candidates("0")).isEqualTo(BIGINT | DOUBLE);
        assertThat(ValueSyntax.candidates("3.14")).isEqualTo(DOUBLE);
        assertThat(ValueSyntax.candidates("0.5")).isEqualTo(DOUBLE);
        assertThat(ValueSyntax.candidates("-1.0E20")).isEqualTo(DOUBLE);
        assertThat(ValueSyntax.candidates("1e5")).isEqualTo(DOUBLE);
        assertThat(ValueSyntax.candidates("NaN")).isEqualTo(DOUBLE);
        assertThat(ValueSyntax.candidates("-Infinity")).isEqualTo(DOUBLE);
        assertThat(ValueSyntax.candidates("99999999999999999999")).isEqualTo(DOUBLE);
        // codes, phone numbers, padded values stay text
        assertThat(ValueSyntax.candidates("007")).isZero();
        assertThat(ValueSyntax.candidates("00.5")).isZero();
        assertThat(ValueSyntax.candidates("+41")).isZero();
        assertThat(ValueSyntax.candidates(" 5")).isZero();
        assertThat(ValueSyntax.candidates(".5")).isZero();
        assertThat(ValueSyntax.candidates("1e")).isZero();
        assertThat(ValueSyntax.candidates("12345-6789")).isZero();
        assertThat(ValueSyntax.candidates("1e400")).isZero();
        assertThat(ValueSyntax.candidates("")).isZero();
    }

    @Test
    void infersBooleansDatesAndTimestamps() {
        assertThat(ValueSyntax.candidates("true")).isEqualTo(BOOLEAN);
        assertThat(ValueSyntax.candidates("FALSE")).isEqualTo(BOOLEAN);
        assertThat(ValueSyntax.candidates("yes")).isZero();
        assertThat(ValueSyntax.candidates("t")).isZero();
        assertThat(ValueSyntax.candidates("2024-05-31")).isEqualTo(DATE | TIMESTAMPTZ);
        assertThat(ValueSyntax.candidates("2024-02-29")).isEqualTo(DATE | TIMESTAMPTZ);
        assertThat(ValueSyntax.candidates("2023-02-29")).isZero();
        assertThat(ValueSyntax.candidates("2024-05-31T12:00:00Z")).isEqualTo(TIMESTAMPTZ);
        assertThat(ValueSyntax.candidates("2024-05-31 12:00")).isEqualTo(TIMESTAMPTZ);
        assertThat(ValueSyntax.candidates("2024-05-31T12:00:00.123456+05:30")).isEqualTo(TIMESTAMPTZ);
        assertThat(ValueSyntax.candidates("2024-06-01 08:30:15.5+02")).isEqualTo(TIMESTAMPTZ);
        assertThat(ValueSyntax.candidates("2024-05-31T12:00-0800")).isEqualTo(TIMESTAMPTZ);
        assertThat(ValueSyntax.candidates("2024-05-31T25:00")).isZero();
        assertThat(ValueSyntax.candidates("2024-05-31T12:00:00.")).isZero();
        assertThat(ValueSyntax.candidates("2024-05-31T12:00 UTC")).isZero();
        assertThat(ValueSyntax.candidates("31/05/2024")).isZero();
    }

    @Test
    void validatesIntegersAsPostgresDoesWithinTheTypesRange() {
        assertThat(ValueSyntax.isInteger(" 42 ", Integer.MIN_VALUE, Integer.MAX_VALUE)).isTrue();
        assertThat(ValueSyntax.isInteger("+5", Long.MIN_VALUE, Long.MAX_VALUE)).isTrue();
        assertThat(ValueSyntax.isInteger("007", Long.MIN_VALUE, Long.MAX_VALUE)).isTrue();
        assertThat(ValueSyntax.isInteger("32767", Short.MIN_VALUE, Short.MAX_VALUE)).isTrue();
        assertThat(ValueSyntax.isInteger("32768", Short.MIN_VALUE, Short.MAX_VALUE)).isFalse();
        assertThat(ValueSyntax.isInteger("9223372036854775808", Long.MIN_VALUE, Long.MAX_VALUE)).isFalse();
        assertThat(ValueSyntax.isInteger("1.0", Long.MIN_VALUE, Long.MAX_VALUE)).isFalse();
        assertThat(ValueSyntax.isInteger("-", Long.MIN_VALUE, Long.MAX_VALUE)).isFalse();
        assertThat(ValueSyntax.isInteger("five", Long.MIN_VALUE, Long.MAX_VALUE)).isFalse();
    }

    @Test
    void validatesFloatsAndBooleansAsPostgresDoes() {
        assertThat(ValueSyntax.isFloat("1.5e-3")).isTrue();
        assertThat(ValueSyntax.isFloat(" 2 ")).isTrue();
        assertThat(ValueSyntax.isFloat(".5")).isTrue();
        assertThat(ValueSyntax.isFloat("-inf")).isTrue();
        assertThat(ValueSyntax.isFloat("Infinity")).isTrue();
        assertThat(ValueSyntax.isFloat("nan")).isTrue();
        assertThat(ValueSyntax.isFloat(".")).isFalse();
        assertThat(ValueSyntax.isFloat("1e")).isFalse();
        assertThat(ValueSyntax.isFloat("1,5")).isFalse();
        for (String yes : new String[]{"t", "TRUE", "tr", "yes", "y", "on", "1", " true "}) {
            assertThat(ValueSyntax.isBoolean(yes)).as(yes).isTrue();
        }
        for (String no : new String[]{"f", "False", "no", "n", "off", "of", "0"}) {
            assertThat(ValueSyntax.isBoolean(no)).as(no).isTrue();
        }
        for (String neither : new String[]{"o", "maybe", "2", "truth", "yess"}) {
            assertThat(ValueSyntax.isBoolean(neither)).as(neither).isFalse();
        }
    }

    @Test
    void takesTimestampsWithoutAnOffsetAsUtc() {
        assertThat(ValueSyntax.timestamptzLiteral("2024-05-31")).isEqualTo("2024-05-31 00:00:00+00");
        assertThat(ValueSyntax.timestamptzLiteral("2024-05-31T12:00")).isEqualTo("2024-05-31T12:00+00");
        assertThat(ValueSyntax.timestamptzLiteral("2024-05-31 12:00:00.5")).isEqualTo("2024-05-31 12:00:00.5+00");
        assertThat(ValueSyntax.timestamptzLiteral("2024-05-31T12:00-05")).isEqualTo("2024-05-31T12:00-05");
        assertThat(ValueSyntax.timestamptzLiteral("2024-05-31T12:00Z")).isEqualTo("2024-05-31T12:00Z");
        assertThat(ValueSyntax.timestamptzLiteral("infinity")).isEqualTo("infinity");
        assertThat(ValueSyntax.isTimestampOrDate("2024-05-31")).isTrue();
        assertThat(ValueSyntax.isDate("2024-05-31T12:00")).isFalse();
    }
}
