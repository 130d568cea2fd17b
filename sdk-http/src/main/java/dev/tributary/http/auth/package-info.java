/**
 * Authentication of REST requests: {@link dev.tributary.http.auth.Auth} (Bearer API keys from a value, a supplier or an environment variable; Basic; the plug point of OAuth 2).
 */
package dev.tributary.http.auth;
