package dev.tributary.r2dbc.clickhouse;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ClickHouse error text parsed into its code and message. ClickHouse writes errors over HTTP as
 * plain text, in two forms:
 * <ul>
 * <li>up to 21.x: {@code Code: 395, e.displayText() = DB::Exception: Value passed to 'throwIf'
 *     function is non zero, e.what() = DB::Exception} (18.16), later with a
 *     {@code  (version 20.8.3.18 (official build))} suffix;</li>
 * <li>since 21.x: {@code Code: 395. DB::Exception: Value passed ... (FUNCTION_THROW_IF_VALUE_IS_NON_ZERO)
 *     (version 23.3.1.1 (official build))}.</li>
 * </ul>
 * The message keeps the server's words without the {@code e.displayText() = }, {@code DB::Exception: }
 * prefixes and the {@code , e.what() = ...}, stack trace and {@code (version ...)} suffixes.
 *
 * @param code    the ClickHouse error code ({@code Code: NN})
 * @param message the message, never null
 */
record ServerErrorText(int code, String message) {

    /** A {@code Code: NN} error start in either format; group 1 the code. */
    static final Pattern START = Pattern.compile("Code: (\\d{1,9})(?:, e\\.displayText\\(\\) = |\\. |, )");

    private static final Pattern VERSION_SUFFIX = Pattern.compile("\\s*\\(version [^()]*(?:\\([^()]*\\))?[^()]*\\)\\s*$");
    private static final Pattern WHAT_SUFFIX = Pattern.compile(",\\s*e\\.what\\(\\) = [\\w:]+\\s*$");

    ServerErrorText {
        Objects.requireNonNull(message, "message");
    }

    /**
     * @param text a response body (or its tail) that should be a ClickHouse error text
     * @return the code and message when the text (after leading white space) starts with
     *         {@code Code: NN} in one of the two forms, else empty
     */
    static Optional<ServerErrorText> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String trimmed = text.strip();
        Matcher m = START.matcher(trimmed);
        if (!m.lookingAt()) {
            return Optional.empty();
        }
        int code;
        try {
            code = Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String message = trimmed.substring(m.end());
        int stack = indexOfStackTrace(message);
        if (stack >= 0) {
            message = message.substring(0, stack);
        }
        message = message.strip();
        message = VERSION_SUFFIX.matcher(message).replaceFirst("");
        message = WHAT_SUFFIX.matcher(message).replaceFirst("");
        if (message.startsWith("DB::Exception: ")) {
            message = message.substring("DB::Exception: ".length());
        }
        return Optional.of(new ServerErrorText(code, message.strip()));
    }

    /**
     * @param text an error text candidate
     * @return whether it ends the way server error texts end: {@code , e.what() = DB::Exception} (18.16),
     *         a {@code (version ...)} suffix (19.x and later), or a stack trace
     */
    static boolean hasServerSuffix(String text) {
        String trimmed = text.strip();
        return WHAT_SUFFIX.matcher(trimmed).find() || VERSION_SUFFIX.matcher(trimmed).find()
                || indexOfStackTrace(trimmed) >= 0;
    }

    private static int indexOfStackTrace(String message) {
        int i = message.indexOf("\nStack trace");
        int j = message.indexOf(", Stack trace");
        if (i < 0) {
            return j;
        }
        return j < 0 ? i : Math.min(i, j);
    }

    /**
     * The failure signalled when a response body carries a ClickHouse error text, e.g. an error
     * that arrived after rows had started streaming inside a 200 body.
     */
    static final class Failure extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final transient ServerErrorText error;

        Failure(ServerErrorText error) {
            super("ClickHouse error " + error.code() + ": " + error.message(), null, false, true);
            this.error = error;
        }

        /** @return the parsed error */
        ServerErrorText error() {
            return error;
        }
    }
}
