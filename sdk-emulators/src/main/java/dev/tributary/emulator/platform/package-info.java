/**
 * An emulator of the bit.io v2beta platform API over a real PostgreSQL, for tests:
 * {@link dev.tributary.emulator.platform.PlatformEmulator} is the entry point;
 * {@link dev.tributary.emulator.platform.Fault} the injectable failures;
 * {@link dev.tributary.emulator.platform.PostgresLogin} what a PostgreSQL wire-protocol gateway
 * gets for an API key. The rest is package-private machinery: the HTTP routing
 * ({@code PlatformApi}), the streamed query endpoint, import and export jobs, the real databases and
 * their roles, and the registry of file converters and writers ({@code FileFormats}).
 */
package dev.tributary.emulator.platform;
