package dev.tributary.examples.demo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a demo question got back.
 *
 * @param rows    the rows, column name to value, in the server's order
 * @param elapsed from sending the query to its last row
 */
record Answer(List<Map<String, Object>> rows, Duration elapsed) {
}
