package dev.tributary.examples.cli;

import dev.tributary.http.auth.AuthorizationCodeFlow;
import dev.tributary.http.auth.TokenEndpoint;
import dev.tributary.http.auth.TokenStore;
import dev.tributary.http.auth.Tokens;
import dev.tributary.http.bitbucket.BitbucketAuth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tributary bitbucket login}: the OAuth 2 authorization code flow for an OAuth consumer
 * ({@value BitbucketOptions#CLIENT_ID_VARIABLE}, {@value BitbucketOptions#CLIENT_SECRET_VARIABLE}):
 * prints the authorization URL, waits for the browser's redirect to a callback server on
 * 127.0.0.1, and stores the tokens in a file ({@link BitbucketOptions#tokenFile(Map)}, mode 600).
 * The other commands then act as the user who approved, refreshing the tokens as they expire.
 */
@Command(name = "login",
        mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        header = "Logs in with an OAuth consumer (authorization code flow) and stores the tokens.",
        description = {"Prints Bitbucket's authorization URL for the OAuth consumer " + BitbucketOptions.CLIENT_ID_VARIABLE
                + " (secret " + BitbucketOptions.CLIENT_SECRET_VARIABLE + "), waits for the browser's redirect to "
                + "http://127.0.0.1:PORT (the consumer's callback URL must be http://localhost:PORT or http://127.0.0.1:PORT), "
                + "exchanges the code and stores the tokens in " + BitbucketOptions.TOKEN_FILE_VARIABLE + ", else "
                + "$XDG_CONFIG_HOME/tributary/bitbucket-tokens.json, else ~/.config/tributary/bitbucket-tokens.json "
                + "(readable by you only). The other commands then use them (with the same consumer variables set), "
                + "refreshing them as they expire. Tokens are never printed."})
final class BitbucketLoginCommand implements Callable<Integer> {

    @ParentCommand
    private BitbucketCommand bitbucket;

    @Spec
    private CommandSpec spec;

    @Option(names = "--callback-port", paramLabel = "PORT", defaultValue = "33333",
            description = "The callback server's port on 127.0.0.1: the port of the consumer's callback URL "
                    + "(default: ${DEFAULT-VALUE}); 0 for a free one (then redirect_uri is sent).")
    private int callbackPort;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long to wait for the redirect (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Override
    public Integer call() {
        if (this.callbackPort < 0 || this.callbackPort > 65535) {
            throw new ParameterException(this.spec.commandLine(), "--callback-port must be 0..65535, was " + this.callbackPort);
        }
        if (this.timeoutSeconds < 1) {
            throw new ParameterException(this.spec.commandLine(), "--timeout must be at least 1, was " + this.timeoutSeconds);
        }
        Map<String, String> environment = this.bitbucket.tributary.environment();
        TokenEndpoint endpoint = BitbucketOptions.consumerEndpoint(environment, this.bitbucket.tributary.redaction(),
                this.spec.commandLine());
        if (endpoint == null) {
            throw new ParameterException(this.spec.commandLine(), "login needs an OAuth consumer: set "
                    + BitbucketOptions.CLIENT_ID_VARIABLE + " and " + BitbucketOptions.CLIENT_SECRET_VARIABLE);
        }
        String authorizeUrl = environment.getOrDefault(BitbucketOptions.AUTHORIZE_URL_VARIABLE, "");
        Path file = BitbucketOptions.tokenFile(environment);
        AuthorizationCodeFlow flow;
        try {
            flow = AuthorizationCodeFlow.builder(endpoint, URI.create(authorizeUrl.isBlank() ? BitbucketAuth.AUTHORIZE_URL
                            : authorizeUrl.strip()))
                    .callbackPort(this.callbackPort).timeout(Duration.ofSeconds(this.timeoutSeconds))
                    .tokenStore(TokenStore.file(file)).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(this.spec.commandLine(), "Invalid authorization URL ("
                    + BitbucketOptions.AUTHORIZE_URL_VARIABLE + "): " + e.getMessage());
        }
        PrintWriter out = this.spec.commandLine().getOut();
        Tokens tokens = flow.authorize(url -> {
            out.println("Open this URL in a browser and approve the access:");
            out.println();
            out.println("  " + url);
            out.println();
            out.println("Waiting for the redirect (up to " + this.timeoutSeconds + " s)...");
            out.flush();
        }).block();
        out.println("Logged in: tokens stored in " + file
                + tokens.expiresAt().map(at -> " (access token valid until " + at + ", then refreshed)").orElse(""));
        out.flush();
        return 0;
    }

    @Override
    public String toString() {
        return "BitbucketLoginCommand{callbackPort=" + this.callbackPort + '}';
    }
}
