package dev.tributary.examples.cli;

import dev.tributary.http.auth.Auth;
import dev.tributary.http.bitbucket.BitbucketAuth;
import dev.tributary.http.bitbucket.BitbucketClient;
import dev.tributary.http.auth.TokenEndpoint;
import dev.tributary.http.auth.TokenStore;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What every {@code tributary bitbucket} command that calls the API takes: the base URL
 * ({@code --base-url}, {@value #BASE_URL_VARIABLE}, else Bitbucket Cloud's). Credentials come
 * from the environment only, never from the command line, and are never printed:
 * <ul>
 *   <li>{@value #ACCESS_TOKEN_VARIABLE}: a repository, project or workspace access token (Bearer);</li>
 *   <li>{@value #EMAIL_VARIABLE} and {@value #API_TOKEN_VARIABLE}: an Atlassian API token (Basic);</li>
 *   <li>{@value #CLIENT_ID_VARIABLE} and {@value #CLIENT_SECRET_VARIABLE}: an OAuth consumer, client
 *       credentials grant at {@value #TOKEN_URL_VARIABLE} (default Bitbucket's token endpoint); or,
 *       after {@code tributary bitbucket login}, the logged-in user's tokens from
 *       {@link #tokenFile(Map)}, refreshed as they expire.</li>
 * </ul>
 * The first of these that is set is used. A picocli mixin.
 */
final class BitbucketOptions {

    static final String BASE_URL_VARIABLE = "BITBUCKET_BASE_URL";
    static final String ACCESS_TOKEN_VARIABLE = "BITBUCKET_ACCESS_TOKEN";
    static final String EMAIL_VARIABLE = "BITBUCKET_EMAIL";
    static final String API_TOKEN_VARIABLE = "BITBUCKET_API_TOKEN";
    static final String CLIENT_ID_VARIABLE = "BITBUCKET_CLIENT_ID";
    static final String CLIENT_SECRET_VARIABLE = "BITBUCKET_CLIENT_SECRET";
    static final String TOKEN_URL_VARIABLE = "BITBUCKET_TOKEN_URL";
    static final String AUTHORIZE_URL_VARIABLE = "BITBUCKET_AUTHORIZE_URL";
    static final String TOKEN_FILE_VARIABLE = "BITBUCKET_TOKEN_FILE";

    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--base-url", paramLabel = "URL",
            description = "The API's base URL (default: " + BASE_URL_VARIABLE + ", else " + BitbucketClient.DEFAULT_BASE_URL
                    + "); plain http only on a loopback address, as the emulator's.")
    private String baseUrl;

    /**
     * @param environment where the credentials and the base URL are read
     * @param redaction   told every secret, so that no error message shows one
     * @return a client; closed by the caller
     * @throws ParameterException without credentials, or for a base URL the client refuses
     */
    BitbucketClient connect(Map<String, String> environment, SecretRedaction redaction) {
        Auth auth = auth(environment, redaction);
        String url = this.baseUrl != null ? this.baseUrl : environment.getOrDefault(BASE_URL_VARIABLE, "");
        if (url.isBlank()) {
            url = BitbucketClient.DEFAULT_BASE_URL;
        }
        try {
            return BitbucketClient.builder().baseUrl(url.strip()).auth(auth).build();
        } catch (IllegalArgumentException | IllegalStateException refused) {
            throw new ParameterException(this.mixee.commandLine(), redaction.apply("Invalid base URL "
                    + (this.baseUrl != null ? "(--base-url)" : "(" + BASE_URL_VARIABLE + ")") + ": " + refused.getMessage()));
        }
    }

    private Auth auth(Map<String, String> environment, SecretRedaction redaction) {
        String accessToken = value(environment, ACCESS_TOKEN_VARIABLE);
        if (accessToken != null) {
            redaction.addSecret(accessToken);
            return BitbucketAuth.accessToken(accessToken);
        }
        String email = value(environment, EMAIL_VARIABLE);
        String apiToken = value(environment, API_TOKEN_VARIABLE);
        if (apiToken != null) {
            redaction.addSecret(apiToken);
            if (email == null) {
                throw new ParameterException(this.mixee.commandLine(), API_TOKEN_VARIABLE + " is set but not " + EMAIL_VARIABLE
                        + ": an API token is used with the e-mail address of its Atlassian account");
            }
            return BitbucketAuth.apiToken(email, () -> apiToken);
        }
        TokenEndpoint endpoint = consumerEndpoint(environment, redaction, this.mixee.commandLine());
        if (endpoint != null) {
            Path file = tokenFile(environment);
            return Files.exists(file) ? BitbucketAuth.oauth2RefreshToken(endpoint, TokenStore.file(file))
                    : BitbucketAuth.oauth2ClientCredentials(endpoint);
        }
        throw new ParameterException(this.mixee.commandLine(), "No Bitbucket credentials: set " + ACCESS_TOKEN_VARIABLE
                + " (an access token), or " + EMAIL_VARIABLE + " and " + API_TOKEN_VARIABLE + " (an API token), or "
                + CLIENT_ID_VARIABLE + " and " + CLIENT_SECRET_VARIABLE + " (an OAuth consumer)");
    }

    /**
     * @return the OAuth consumer's token endpoint, or {@code null} when neither
     *         {@value #CLIENT_ID_VARIABLE} nor {@value #CLIENT_SECRET_VARIABLE} is set
     * @throws ParameterException when only one is set, or for a bad {@value #TOKEN_URL_VARIABLE}
     */
    static TokenEndpoint consumerEndpoint(Map<String, String> environment, SecretRedaction redaction, CommandLine commandLine) {
        String clientId = value(environment, CLIENT_ID_VARIABLE);
        String clientSecret = value(environment, CLIENT_SECRET_VARIABLE);
        if (clientId == null && clientSecret == null) {
            return null;
        }
        redaction.addSecret(clientSecret);
        if (clientId == null || clientSecret == null) {
            throw new ParameterException(commandLine, "An OAuth consumer needs both " + CLIENT_ID_VARIABLE + " and "
                    + CLIENT_SECRET_VARIABLE);
        }
        String tokenUrl = value(environment, TOKEN_URL_VARIABLE);
        try {
            return BitbucketAuth.tokenEndpoint(clientId, () -> clientSecret)
                    .tokenUrl(tokenUrl != null ? tokenUrl : BitbucketAuth.TOKEN_URL).build();
        } catch (IllegalArgumentException | IllegalStateException refused) {
            throw new ParameterException(commandLine, redaction.apply("Invalid token URL (" + TOKEN_URL_VARIABLE + "): "
                    + refused.getMessage()));
        }
    }

    /**
     * @return where {@code login} stores the tokens: {@value #TOKEN_FILE_VARIABLE}, else
     *         {@code $XDG_CONFIG_HOME/tributary/bitbucket-tokens.json}, else
     *         {@code ~/.config/tributary/bitbucket-tokens.json}
     */
    static Path tokenFile(Map<String, String> environment) {
        String file = value(environment, TOKEN_FILE_VARIABLE);
        if (file != null) {
            return Path.of(file);
        }
        String config = value(environment, "XDG_CONFIG_HOME");
        Path dir = config != null ? Path.of(config) : Path.of(System.getProperty("user.home"), ".config");
        return dir.resolve("tributary").resolve("bitbucket-tokens.json");
    }

    private static String value(Map<String, String> environment, String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    @Override
    public String toString() {
        return "BitbucketOptions{baseUrl=" + this.baseUrl + '}';
    }
}
