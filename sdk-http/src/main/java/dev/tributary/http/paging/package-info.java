/**
 * Pagination of REST collections: {@link dev.tributary.http.paging.Pagination}, a demand-driven walk over next links.
 */
package dev.tributary.http.paging;
