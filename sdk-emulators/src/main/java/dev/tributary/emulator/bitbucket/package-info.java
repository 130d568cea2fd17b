/**
 * An emulator of the Bitbucket Cloud REST API 2.0 and its OAuth 2 endpoints for tests:
 * {@link dev.tributary.emulator.bitbucket.BitbucketEmulator}.
 */
package dev.tributary.emulator.bitbucket;
