/**
 * A PostgreSQL wire-protocol gateway for the emulators: {@link dev.tributary.emulator.pgwire.PostgresGateway}
 * listens on 127.0.0.1, checks each client's password (an API key on the bit.io platform) with a
 * {@link dev.tributary.emulator.pgwire.PasswordAuthenticator}, logs in to a real PostgreSQL server as
 * the authenticator's {@link dev.tributary.emulator.pgwire.UpstreamLogin} says, and then forwards the
 * session's bytes unchanged.
 */
package dev.tributary.emulator.pgwire;
