package dev.tributary.examples.cli;

import dev.tributary.http.platform.PlatformClient;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.Arrays;
import java.util.Map;

/**
 * The options every platform command takes: the API key and the API's base URL. A picocli mixin.
 * <p>
 * The key comes from {@code -k KEY}, from a prompt ({@code -k} alone; not echoed), or from
 * {@value PlatformClient#API_KEY_VARIABLE}; it is never printed (picocli shows interactive values as
 * {@code ***} in its trace, and error messages go through {@link SecretRedaction}). The base URL
 * comes from {@code --base-url}, {@value #BASE_URL_VARIABLE} or the service's default; a plain
 * {@code http://} URL is accepted on a loopback address (the {@code emulator} command's).
 */
final class PlatformOptions {

    /** The environment variable holding the API's base URL (after {@code --base-url}). */
    static final String BASE_URL_VARIABLE = "TRIBUTARY_BASE_URL";

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = {"-k", "--api-key"}, arity = "0..1", interactive = true, echo = false, paramLabel = "KEY",
            prompt = "API key (not echoed): ",
            description = "The platform's API key. Alone (-k), it is asked for without echo; prefer the environment "
                    + "variable " + PlatformClient.API_KEY_VARIABLE + " to a key on the command line. Never printed.")
    private char[] apiKey;

    @Option(names = "--base-url", paramLabel = "URL",
            description = "The platform API's base URL (default: " + BASE_URL_VARIABLE + ", else "
                    + PlatformClient.DEFAULT_BASE_URL + "); plain http only on a loopback address, as the emulator's.")
    private String baseUrl;

    /** @return whether {@code --api-key} or {@code --base-url} was given */
    boolean given() {
        return this.apiKey != null || this.baseUrl != null;
    }

    /**
     * The platform client for these options; closed by the caller.
     *
     * @param environment where {@value PlatformClient#API_KEY_VARIABLE} and {@value #BASE_URL_VARIABLE} are read
     * @param redaction   told the key, so that no error message shows it
     * @return the client
     * @throws ParameterException without an API key, or for a base URL the client refuses
     */
    PlatformClient connect(Map<String, String> environment, SecretRedaction redaction) {
        String key = this.apiKey != null ? new String(this.apiKey) : environment.get(PlatformClient.API_KEY_VARIABLE);
        if (this.apiKey != null) {
            Arrays.fill(this.apiKey, ' ');
        }
        if (key == null || key.isBlank()) {
            throw new ParameterException(this.mixee.commandLine(), "No API key: set " + PlatformClient.API_KEY_VARIABLE
                    + ", or give -k/--api-key (-k alone asks for it without echo)");
        }
        redaction.addSecret(key.strip());
        String url = this.baseUrl != null ? this.baseUrl : environment.getOrDefault(BASE_URL_VARIABLE, "");
        if (url.isBlank()) {
            url = PlatformClient.DEFAULT_BASE_URL;
        }
        try {
            return PlatformClient.builder().apiKey(key.strip()).baseUrl(url.strip()).build();
        } catch (IllegalArgumentException | IllegalStateException refused) {
            throw new ParameterException(this.mixee.commandLine(), redaction.apply("Invalid base URL "
                    + (this.baseUrl != null ? "(--base-url)" : "(" + BASE_URL_VARIABLE + ")") + ": " + refused.getMessage()));
        }
    }

    /**
     * For a command with both paths: checks that the platform options go with {@code -d} and
     * that {@code -d} and {@code TRIBUTARY_URL} are not both given.
     *
     * @param database    the {@code -d} value, or {@code null}
     * @param environment the process environment
     * @throws ParameterException for both targets, or platform options without {@code -d}
     */
    void checkTarget(String database, Map<String, String> environment) {
        String url = environment.get(TargetDatabase.URL_VARIABLE);
        if (database != null && url != null && !url.isBlank()) {
            throw new ParameterException(this.mixee.commandLine(), "Two databases: -d " + database + " (the platform) and "
                    + TargetDatabase.URL_VARIABLE + " (R2DBC); unset " + TargetDatabase.URL_VARIABLE + " to use the platform,"
                    + " or leave out -d");
        }
        if (database == null && given()) {
            throw new ParameterException(this.mixee.commandLine(),
                    "--api-key and --base-url are for the platform: name its database with -d <user>/<db>");
        }
    }

    @Override
    public String toString() {
        return "PlatformOptions{apiKey=" + (this.apiKey == null ? "not given" : "REDACTED") + ", baseUrl=" + this.baseUrl + '}';
    }
}
