/**
 * Authentication of REST requests: {@link dev.tributary.http.auth.Auth} (Bearer API keys from a
 * value, a supplier or an environment variable; Basic), and OAuth 2 (RFC 6749) on it:
 * {@link dev.tributary.http.auth.TokenEndpoint} (the token endpoint and the client's credentials),
 * {@link dev.tributary.http.auth.OAuth2Auth} (client credentials, refresh token with rotation,
 * single-flight renewal), {@link dev.tributary.http.auth.AuthorizationCodeFlow} (authorization code
 * with a loopback callback server, optional PKCE), {@link dev.tributary.http.auth.TokenStore} and
 * {@link dev.tributary.http.auth.Tokens} (where rotating refresh tokens are kept), and the typed
 * errors {@link dev.tributary.http.auth.TokenRequestException} and
 * {@link dev.tributary.http.auth.AuthorizationCodeException}.
 */
package dev.tributary.http.auth;
