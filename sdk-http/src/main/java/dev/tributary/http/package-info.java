/**
 * The HTTP core of Tributary's REST sources: {@link dev.tributary.http.HttpServiceClient} (one
 * reactor-netty client per service, with its connection pool, authentication, retries and typed
 * errors), {@link dev.tributary.http.RequestSpec} (a request and how to read its response: decoded,
 * as a tree, streamed JSON array, download), {@link dev.tributary.http.MultipartBody} (RFC 7578
 * uploads with a precomputed length) and the {@link dev.tributary.http.HttpException} hierarchy
 * (transient / non-transient, like R2DBC's). Pagination is in {@code dev.tributary.http.paging}, job
 * polling in {@code dev.tributary.http.polling}, authentication in {@code dev.tributary.http.auth}.
 */
package dev.tributary.http;
