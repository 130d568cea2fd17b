/**
 * The table view of Bitbucket resources: each resource as rows of stable, typed, snake_case
 * columns ({@link dev.tributary.http.bitbucket.table.BitbucketTables}), for command-line output,
 * CSV and JSON exports, and loading into SQL tables.
 */
package dev.tributary.http.bitbucket.table;
