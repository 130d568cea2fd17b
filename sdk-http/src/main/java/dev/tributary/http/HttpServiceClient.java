package dev.tributary.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tributary.http.auth.Auth;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP transport of one REST service (the bit.io platform API, Bitbucket Cloud): one
 * reactor-netty {@link HttpClient} with a connection pool of its own, a base URL, authentication,
 * retries, typed errors and JSON (de)serialization with the service's {@link ObjectMapper}. Service
 * clients are built on it; its requests are {@link RequestSpec}s.
 * <p>
 * Thread-safe and meant to be shared; {@link #close()} releases its connection pool.
 *
 * <pre>{@code
 * HttpServiceClient client = HttpServiceClient.builder()
 *         .baseUrl("https://api.bit.io/v2beta")
 *         .auth(Auth.bearerFromEnvironment("TRIBUTARY_API_KEY"))
 *         .objectMapper(JsonMapper.builder()
 *                 .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
 *                 .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
 *                 .build())
 *         .errorParser(ServiceErrorParser.bitio())
 *         .build();
 *
 * Mono<Database> db = client.get("/db/{user}/{db}", "alice", "demo").retrieve(Database.class);
 * }</pre>
 *
 * <table>
 *   <caption>Builder defaults</caption>
 *   <tr><th>setting</th><th>default</th></tr>
 *   <tr><td>auth</td><td>{@link Auth#none()}</td></tr>
 *   <tr><td>objectMapper</td><td>a {@code JsonMapper} that ignores unknown properties (no naming strategy)</td></tr>
 *   <tr><td>errorParser</td><td>{@link ServiceErrorParser#generic()}</td></tr>
 *   <tr><td>retry</td><td>{@link RetrySettings#defaults()}</td></tr>
 *   <tr><td>connectTimeout</td><td>10 s</td></tr>
 *   <tr><td>responseTimeout</td><td>30 s (from the start of an attempt until the response headers; for bodies read whole, also between reads)</td></tr>
 *   <tr><td>maxConnections</td><td>50</td></tr>
 *   <tr><td>maxIdleTime</td><td>30 s (a pooled connection idle longer is closed)</td></tr>
 *   <tr><td>pendingAcquireTimeout</td><td>45 s (waiting for a free pooled connection)</td></tr>
 *   <tr><td>TLS</td><td>the JDK's trust store; {@code http://} only to loopback unless {@link Builder#allowPlainHttp(boolean)}</td></tr>
 *   <tr><td>userAgent</td><td>{@code tributary-sdk-http}</td></tr>
 *   <tr><td>scheduler</td><td>{@code Schedulers.parallel()} (timers: retry delays, timeouts)</td></tr>
 * </table>
 */
public final class HttpServiceClient implements AutoCloseable {

    /** Query parameters whose values are always redacted in messages (compared case-insensitively). */
    static final Set<String> DEFAULT_SENSITIVE_QUERY_PARAMETERS = Set.of(
            "api_key", "apikey", "key", "token", "access_token", "refresh_token", "id_token", "client_secret",
            "secret", "password", "passwd", "signature", "sig", "code",
            "x-amz-signature", "x-amz-credential", "x-amz-security-token", "x-goog-signature", "x-goog-credential");

    private final URI baseUrl;
    private final HttpClient httpClient;
    private final ConnectionProvider connectionProvider;
    private final ObjectMapper objectMapper;
    private final Auth auth;
    private final ServiceErrorParser errorParser;
    private final RetrySettings retry;
    private final Duration responseTimeout;
    private final String userAgent;
    private final List<Map.Entry<String, String>> defaultHeaders;
    private final Set<String> sensitiveQueryParameters;
    private final Scheduler scheduler;
    private final AtomicBoolean closed = new AtomicBoolean();

    private HttpServiceClient(Builder b, URI baseUrl, HttpClient httpClient, ConnectionProvider connectionProvider) {
        this.baseUrl = baseUrl;
        this.httpClient = httpClient;
        this.connectionProvider = connectionProvider;
        this.objectMapper = b.objectMapper != null ? b.objectMapper : defaultObjectMapper();
        this.auth = b.auth;
        this.errorParser = b.errorParser;
        this.retry = b.retry;
        this.responseTimeout = b.responseTimeout;
        this.userAgent = b.userAgent;
        this.defaultHeaders = List.copyOf(b.defaultHeaders.entrySet());
        TreeSet<String> sensitive = new TreeSet<>(DEFAULT_SENSITIVE_QUERY_PARAMETERS);
        b.sensitiveQueryParameters.forEach(name -> sensitive.add(name.toLowerCase(Locale.ROOT)));
        this.sensitiveQueryParameters = Collections.unmodifiableSet(sensitive);
        this.scheduler = b.scheduler;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A GET request (RFC 9110 §9.3.1; idempotent, retried on transient failures).
     *
     * @param path         a path appended to the base URL's path ({@code "/db/{user}/{db}"}), or an
     *                     absolute {@code http(s)} URL used as given; may contain a query
     * @param uriVariables values for the {@code {name}} placeholders of {@code path}, in order, each
     *                     percent-encoded as one path segment ({@code /} becomes {@code %2F})
     * @return the request, not yet sent
     * @throws IllegalArgumentException when the placeholders and values do not match, or the result is not a valid URL
     */
    public RequestSpec get(String path, Object... uriVariables) {
        return method(HttpMethod.GET, path, uriVariables);
    }

    /**
     * A POST request (not idempotent: retried only when {@linkplain RequestSpec#safeToRepeat() safe to
     * repeat} or when the request certainly never reached the server).
     *
     * @param path         see {@link #get(String, Object...)}
     * @param uriVariables see {@link #get(String, Object...)}
     * @return the request, not yet sent
     */
    public RequestSpec post(String path, Object... uriVariables) {
        return method(HttpMethod.POST, path, uriVariables);
    }

    /**
     * A PUT request (idempotent).
     *
     * @param path         see {@link #get(String, Object...)}
     * @param uriVariables see {@link #get(String, Object...)}
     * @return the request, not yet sent
     */
    public RequestSpec put(String path, Object... uriVariables) {
        return method(HttpMethod.PUT, path, uriVariables);
    }

    /**
     * A PATCH request (not idempotent, RFC 5789).
     *
     * @param path         see {@link #get(String, Object...)}
     * @param uriVariables see {@link #get(String, Object...)}
     * @return the request, not yet sent
     */
    public RequestSpec patch(String path, Object... uriVariables) {
        return method(HttpMethod.PATCH, path, uriVariables);
    }

    /**
     * A DELETE request (idempotent).
     *
     * @param path         see {@link #get(String, Object...)}
     * @param uriVariables see {@link #get(String, Object...)}
     * @return the request, not yet sent
     */
    public RequestSpec delete(String path, Object... uriVariables) {
        return method(HttpMethod.DELETE, path, uriVariables);
    }

    /**
     * A request with any method.
     *
     * @param method       the method
     * @param path         see {@link #get(String, Object...)}
     * @param uriVariables see {@link #get(String, Object...)}
     * @return the request, not yet sent
     */
    public RequestSpec method(HttpMethod method, String path, Object... uriVariables) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        String expanded = UrlTemplates.expand(path, uriVariables == null ? new Object[0] : uriVariables);
        String lower = expanded.toLowerCase(Locale.ROOT);
        String url;
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            url = expanded;
        } else {
            String base = this.baseUrl.toString();
            if (base.endsWith("/")) {
                base = base.substring(0, base.length() - 1);
            }
            url = expanded.isEmpty() ? base : base + (expanded.startsWith("/") ? "" : "/") + expanded;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("invalid URL " + redact(url) + ": " + e.getReason(), e);
        }
        checkHttpUrl(uri);
        return new RequestSpec(this, method, uri);
    }

    /** @return the base URL requests' paths are appended to */
    public URI getBaseUrl() {
        return this.baseUrl;
    }

    /** @return the mapper that serializes request bodies and decodes responses */
    public ObjectMapper objectMapper() {
        return this.objectMapper;
    }

    /**
     * @param url a URL
     * @return {@code url} with user information removed and the values of sensitive query parameters
     * replaced by {@code REDACTED}: what exception messages show
     */
    public String redact(String url) {
        return UrlRedaction.redact(url, this.sensitiveQueryParameters);
    }

    /**
     * Releases the connection pool (if the client created it; an injected {@link HttpClient}'s is
     * the caller's). Requests in flight may fail. Idempotent; does not block.
     */
    @Override
    public void close() {
        closeLater().subscribe();
    }

    /**
     * @return completes when the connection pool has been released (at most once; later calls
     * complete at once)
     */
    public Mono<Void> closeLater() {
        return Mono.defer(() -> {
            if (this.connectionProvider == null || !this.closed.compareAndSet(false, true)) {
                return Mono.empty();
            }
            return this.connectionProvider.disposeLater();
        });
    }

    @Override
    public String toString() {
        return "HttpServiceClient{" + redact(this.baseUrl.toString()) + ", " + this.auth + '}';
    }

    // --- package-private machinery

    Exchange exchange(RequestSpec spec) {
        return new Exchange(this, spec);
    }

    HttpClient httpClient() {
        return this.httpClient;
    }

    Auth auth() {
        return this.auth;
    }

    ServiceErrorParser errorParser() {
        return this.errorParser;
    }

    RetrySettings retry() {
        return this.retry;
    }

    Duration responseTimeout() {
        return this.responseTimeout;
    }

    String userAgent() {
        return this.userAgent;
    }

    List<Map.Entry<String, String>> defaultHeaders() {
        return this.defaultHeaders;
    }

    Scheduler scheduler() {
        return this.scheduler;
    }

    /** @return whether {@code url} has the base URL's origin (scheme, host, port; RFC 6454) */
    boolean isSameOrigin(URI url) {
        return UrlTemplates.sameOrigin(this.baseUrl, url);
    }

    URI withQuery(URI url, List<Map.Entry<String, String>> query) {
        if (query.isEmpty()) {
            return url;
        }
        StringBuilder s = new StringBuilder();
        String raw = url.getRawQuery();
        if (raw != null && !raw.isEmpty()) {
            s.append(raw);
        }
        for (Map.Entry<String, String> parameter : query) {
            if (s.length() > 0) {
                s.append('&');
            }
            s.append(UrlTemplates.encodeQueryComponent(parameter.getKey())).append('=')
                    .append(UrlTemplates.encodeQueryComponent(parameter.getValue()));
        }
        String text = url.toString();
        int cut = text.indexOf('?');
        int fragment = text.indexOf('#');
        String head = cut >= 0 ? text.substring(0, cut) : fragment >= 0 ? text.substring(0, fragment) : text;
        return URI.create(head + '?' + s);
    }

    static ObjectMapper defaultObjectMapper() {
        return JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    }

    static void checkHttpUrl(URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("not an absolute http(s) URL with a host: "
                    + UrlRedaction.redact(uri.toString(), DEFAULT_SENSITIVE_QUERY_PARAMETERS));
        }
    }

    static Duration checkPositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
        return d;
    }

    /**
     * Builds an {@link HttpServiceClient}; not thread-safe. Setters check their argument;
     * {@link #build()} checks the combination.
     */
    public static final class Builder {

        private String baseUrl;
        private Auth auth = Auth.none();
        private ObjectMapper objectMapper;
        private ServiceErrorParser errorParser = ServiceErrorParser.generic();
        private RetrySettings retry = RetrySettings.defaults();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration responseTimeout = Duration.ofSeconds(30);
        private int maxConnections = 50;
        private Duration maxIdleTime = Duration.ofSeconds(30);
        private Duration pendingAcquireTimeout = Duration.ofSeconds(45);
        private SslContext sslContext;
        private KeyStore trustStore;
        private HttpClient httpClient;
        private boolean allowPlainHttp;
        private String userAgent = "tributary-sdk-http";
        private String name = "tributary-http";
        private final Map<String, String> defaultHeaders = new LinkedHashMap<>();
        private final List<String> sensitiveQueryParameters = new ArrayList<>();
        private Scheduler scheduler = Schedulers.parallel();

        private Builder() {
        }

        /**
         * @param baseUrl the service's base URL, e.g. {@code https://api.bit.io/v2beta}; request paths
         *                are appended to its path. {@code https} is required unless the host is a
         *                loopback address or {@link #allowPlainHttp(boolean)} is set
         * @return this builder
         */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /**
         * @param auth how requests authenticate (default {@link Auth#none()})
         * @return this builder
         */
        public Builder auth(Auth auth) {
            this.auth = Objects.requireNonNull(auth, "auth");
            return this;
        }

        /**
         * @param objectMapper the mapper for request and response bodies, configured for the service
         *                     (bit.io and Bitbucket use snake_case: set
         *                     {@code PropertyNamingStrategies.SNAKE_CASE} on it, or annotate the types)
         * @return this builder
         */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
            return this;
        }

        /**
         * @param errorParser reads the service's error bodies (default {@link ServiceErrorParser#generic()},
         *                    which is also the fallback when this one returns {@code null})
         * @return this builder
         */
        public Builder errorParser(ServiceErrorParser errorParser) {
            this.errorParser = Objects.requireNonNull(errorParser, "errorParser");
            return this;
        }

        /**
         * @param retry when to retry (default {@link RetrySettings#defaults()})
         * @return this builder
         */
        public Builder retry(RetrySettings retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /**
         * @param connectTimeout how long a TCP connect may take (default 10 s); positive
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = checkPositive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * @param responseTimeout how long an attempt may wait for the response headers, counted from its
         *                        start (acquiring or opening the connection included) on the client's
         *                        scheduler; for a body read whole, also the longest pause between two
         *                        reads (default 30 s); positive. A streamed body may pause as long as its
         *                        subscriber does not request
         * @return this builder
         */
        public Builder responseTimeout(Duration responseTimeout) {
            this.responseTimeout = checkPositive(responseTimeout, "responseTimeout");
            return this;
        }

        /**
         * @param maxConnections the most connections open at once (default 50); positive
         * @return this builder
         */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be positive, was " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * @param maxIdleTime how long a pooled connection may stay idle before it is closed (default 30 s,
         *                    below common load balancer idle timeouts); positive
         * @return this builder
         */
        public Builder maxIdleTime(Duration maxIdleTime) {
            this.maxIdleTime = checkPositive(maxIdleTime, "maxIdleTime");
            return this;
        }

        /**
         * @param pendingAcquireTimeout how long a request may wait for a free connection when all
         *                              {@code maxConnections} are busy (default 45 s); positive
         * @return this builder
         */
        public Builder pendingAcquireTimeout(Duration pendingAcquireTimeout) {
            this.pendingAcquireTimeout = checkPositive(pendingAcquireTimeout, "pendingAcquireTimeout");
            return this;
        }

        /**
         * @param sslContext the client TLS context to use instead of the JDK defaults (custom trust,
         *                   client certificates, protocols); built with Netty's
         *                   {@code SslContextBuilder.forClient()}
         * @return this builder
         */
        public Builder sslContext(SslContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /**
         * @param trustStore the certificates to trust instead of the JDK's (e.g. a private CA's)
         * @return this builder
         */
        public Builder trustStore(KeyStore trustStore) {
            this.trustStore = Objects.requireNonNull(trustStore, "trustStore");
            return this;
        }

        /**
         * @param httpClient a reactor-netty client to use as it is configured (its connection pool,
         *                   timeouts and TLS are the caller's, and {@link #close()} leaves them alone);
         *                   cannot be combined with the pool, connect timeout and TLS settings
         * @return this builder
         */
        public Builder httpClient(HttpClient httpClient) {
            this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
            return this;
        }

        /**
         * @param allow whether a plain {@code http://} base URL to a host that is not a loopback address
         *              is accepted (default {@code false}: credentials would travel in clear)
         * @return this builder
         */
        public Builder allowPlainHttp(boolean allow) {
            this.allowPlainHttp = allow;
            return this;
        }

        /**
         * @param userAgent the {@code User-Agent} header (RFC 9110 §10.1.5), e.g. {@code tributary-platform/0.1}
         * @return this builder
         */
        public Builder userAgent(String userAgent) {
            Objects.requireNonNull(userAgent, "userAgent");
            if (userAgent.isBlank() || userAgent.indexOf('\r') >= 0 || userAgent.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("userAgent must be non-blank without CR or LF");
            }
            this.userAgent = userAgent;
            return this;
        }

        /**
         * @param name the name of the connection pool (in reactor-netty's logs and metrics)
         * @return this builder
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * @param name  a header every request carries (e.g. {@code Accept-Language}); not {@code Authorization}
         * @param value its value
         * @return this builder
         */
        public Builder defaultHeader(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.equalsIgnoreCase("Authorization")) {
                throw new IllegalArgumentException("Authorization comes from auth(Auth), not a default header");
            }
            this.defaultHeaders.put(name, value);
            return this;
        }

        /**
         * @param names query parameters whose values are secret, redacted in every message, in addition
         *              to the defaults ({@code api_key}, {@code token}, {@code access_token},
         *              {@code signature}, {@code X-Amz-Signature}, ...); compared case-insensitively
         * @return this builder
         */
        public Builder sensitiveQueryParameters(String... names) {
            for (String n : names) {
                this.sensitiveQueryParameters.add(Objects.requireNonNull(n, "name"));
            }
            return this;
        }

        /**
         * @param scheduler the scheduler of retry delays and response timeouts (default
         *                  {@code Schedulers.parallel()}; a {@code VirtualTimeScheduler} in tests)
         * @return this builder
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * @return the client
         * @throws IllegalStateException when the base URL is missing, or {@code httpClient} is combined with
         *                               TLS settings, or both {@code sslContext} and {@code trustStore} are set
         * @throws IllegalArgumentException when the base URL is not a valid http(s) URL, or is plain http to
         *                                  another host than loopback without {@code allowPlainHttp(true)}
         */
        public HttpServiceClient build() {
            if (this.baseUrl == null) {
                throw new IllegalStateException("baseUrl is required");
            }
            URI base;
            try {
                base = new URI(this.baseUrl);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("invalid baseUrl " + UrlRedaction.redact(this.baseUrl,
                        DEFAULT_SENSITIVE_QUERY_PARAMETERS) + ": " + e.getReason(), e);
            }
            checkHttpUrl(base);
            if (base.getRawUserInfo() != null || base.getRawQuery() != null || base.getRawFragment() != null) {
                throw new IllegalArgumentException("baseUrl must not carry user information, a query or a fragment");
            }
            boolean https = base.getScheme().equalsIgnoreCase("https");
            if (!https && !this.allowPlainHttp && !UrlTemplates.isLoopback(base.getHost())) {
                throw new IllegalArgumentException("baseUrl " + base + " is plain http to a host that is not loopback:"
                        + " use https, or allowPlainHttp(true) to send requests (and credentials) in clear");
            }
            if (this.sslContext != null && this.trustStore != null) {
                throw new IllegalStateException("sslContext and trustStore conflict: put the trust store in the SslContext");
            }
            if (this.httpClient != null && (this.sslContext != null || this.trustStore != null)) {
                throw new IllegalStateException("httpClient conflicts with sslContext/trustStore: configure TLS on the HttpClient");
            }
            if (this.httpClient != null) {
                return new HttpServiceClient(this, base, this.httpClient, null);
            }
            SslContext tls = this.sslContext;
            if (tls == null && this.trustStore != null) {
                tls = sslContextTrusting(this.trustStore);
            }
            ConnectionProvider provider = ConnectionProvider.builder(this.name)
                    .maxConnections(this.maxConnections)
                    .maxIdleTime(this.maxIdleTime)
                    .pendingAcquireTimeout(this.pendingAcquireTimeout)
                    .evictInBackground(this.maxIdleTime)
                    .build();
            HttpClient client = HttpClient.create(provider)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, this.connectTimeout.toMillis()))
                    .followRedirect(false);
            if (tls != null) {
                SslContext context = tls;
                client = client.secure(spec -> spec.sslContext(context));
            }
            return new HttpServiceClient(this, base, client, provider);
        }

        private static SslContext sslContextTrusting(KeyStore trustStore) {
            try {
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(trustStore);
                return SslContextBuilder.forClient().trustManager(factory).build();
            } catch (GeneralSecurityException | SSLException e) {
                throw new IllegalArgumentException("cannot build a TLS context from the trust store: " + e.getMessage(), e);
            }
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
