/**
 * PostgreSQL-protocol backends over r2dbc-postgresql, discovered the R2DBC way
 * ({@code META-INF/services/io.r2dbc.spi.ConnectionFactoryProvider}):
 * <ul>
 *   <li>{@code r2dbc:postgresql:} is r2dbc-postgresql's own driver, unchanged (not registered
 *       again here);</li>
 *   <li>{@code r2dbc:alloydb:} ({@link dev.tributary.r2dbc.postgres.AlloyDbConnectionFactoryProvider},
 *       options in {@link dev.tributary.r2dbc.postgres.AlloyDbOptions});</li>
 *   <li>{@code r2dbc:bitio:} ({@link dev.tributary.r2dbc.postgres.BitioConnectionFactoryProvider},
 *       options in {@link dev.tributary.r2dbc.postgres.BitioOptions}).</li>
 * </ul>
 * URLs, the option builders and connection strings all end in one package-private mapping, so
 * they cannot drift. Configuration errors are {@link java.lang.IllegalArgumentException}s thrown
 * by {@code ConnectionFactories.get(...)} or {@code build()}; connection errors are
 * r2dbc-postgresql's (for example {@code R2dbcPermissionDeniedException}, SQLSTATE 28P01, for a
 * wrong password) and are not re-mapped here.
 *
 * <h2>Secrets and logging</h2>
 * Passwords and API keys are sensitive options ({@code REDACTED} in
 * {@code ConnectionFactoryOptions.toString()}; r2dbc-postgresql prints its configuration's
 * password as {@code ****}) and are never part of this package's messages. r2dbc-postgresql
 * 1.1 logs every protocol message at DEBUG on {@code io.r2dbc.postgresql.client.ReactorNettyClient}
 * ("Request: ..."; whether DEBUG is on is read once, when that class loads): the password message
 * prints as {@code PasswordMessage{password='...'}} and the SCRAM messages as buffer positions, so
 * DEBUG does not show the secret, nor does reactor-netty at TRACE. At TRACE, that same logger makes
 * the driver add a Netty {@code LoggingHandler} that hex-dumps every byte exchanged, inside TLS:
 * the cleartext password ({@code password} authentication) and the MD5 hash ({@code md5}) are in
 * that dump. Never enable TRACE on {@code io.r2dbc.postgresql.client} where logs are kept.
 *
 * <h2>TLS</h2>
 * libpq's modes: {@code require} encrypts without checking the certificate, {@code verify-ca}
 * checks the chain only, {@code verify-full} also checks that the certificate names the host as
 * configured. (Netty 4.2 client contexts would check host names in the handshake by default,
 * against the SNI name, so never for IP addresses; the mapping turns that off and checks
 * {@code verify-full} host names itself.)
 */
package dev.tributary.r2dbc.postgres;
