package dev.tributary.examples.demo;

/**
 * A question the demo asks of the loaded tables.
 *
 * @param title what the question is, as the heading says it
 * @param sql   the query that answers it
 */
record DemoQuestion(String title, String sql) {
}
