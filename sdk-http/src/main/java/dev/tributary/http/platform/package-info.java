/**
 * The reactive client of the bit.io v2beta data platform API: {@link dev.tributary.http.platform.PlatformClient}
 * and what it returns: {@link dev.tributary.http.platform.Databases},
 * {@link dev.tributary.http.platform.QuerySpec} (SQL over HTTP, streamed),
 * {@link dev.tributary.http.platform.Imports} and {@link dev.tributary.http.platform.Exports} (jobs
 * polled to completion, downloads), {@link dev.tributary.http.platform.ServiceAccounts},
 * {@link dev.tributary.http.platform.ApiKeys}; the request types ({@code CreateDatabase},
 * {@code UpdateDatabase}, {@code CreateImport}, {@code CreateExport}, named after the OpenAPI
 * schemas) and the response models ({@code Database}, {@code ImportJob}, {@code ExportJob},
 * {@code ServiceAccount}, {@code ApiKey}). The contract is the project's
 * {@code shared/fixtures/bitio/API.md}; {@code dev.tributary.emulator.platform.PlatformEmulator}
 * (module sdk-emulators) implements it over a real PostgreSQL for tests.
 */
package dev.tributary.http.platform;
