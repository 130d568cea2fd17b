package dev.tributary.emulator.bitbucket;

import java.time.Clock;
import java.time.Duration;

/** API tokens, access tokens and OAuth 2 grants. Thread-safe. (Being filled in.) */
final class Credentials {

    static final String TOKEN_PATH = "/site/oauth2/access_token";
    static final String AUTHORIZE_PATH = "/site/oauth2/authorize";

    Credentials(Clock clock, Store store, Duration accessTokenLifetime, Duration codeLifetime) {
    }

    String createApiToken(String email) {
        throw new UnsupportedOperationException("not yet");
    }

    String createAccessToken(String nickname, String workspace) {
        throw new UnsupportedOperationException("not yet");
    }

    void seedConsumer(String key, String secret, String callbackUrl, String actingUser) {
        throw new UnsupportedOperationException("not yet");
    }

    long grants(String grantType) {
        return 0;
    }
}
