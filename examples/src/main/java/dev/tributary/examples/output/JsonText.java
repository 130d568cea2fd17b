package dev.tributary.examples.output;

import java.util.Objects;

/**
 * The text of a {@code json} or {@code jsonb} value: shown as text in tables and CSV, embedded
 * as JSON by {@link JsonRowWriter}.
 *
 * @param json the JSON document as the database wrote it
 */
record JsonText(String json) {

    JsonText {
        Objects.requireNonNull(json, "json");
    }

    @Override
    public String toString() {
        return this.json;
    }
}
