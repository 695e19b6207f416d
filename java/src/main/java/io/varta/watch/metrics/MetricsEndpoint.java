package io.varta.watch.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogKind;
import io.varta.watch.log.LogLevel;
import io.varta.watch.nativeio.ThreadScheduling;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code /metrics} HTTP endpoint with the reference observer's contract, on the JDK's
 * {@code com.sun.net.httpserver} with its own two threads.
 *
 * <p>Per request, in this order (the reference reads {@code GET } before it looks at the headers):
 * <ol>
 *   <li>per-source-IP token bucket ({@link IpRateLimiter}); an empty bucket closes the connection without
 *       any response, counted {@code varta_prom_connections_dropped_total{reason="rate_limit"}} (the
 *       reference's accept-then-close; one difference: the JDK server has already read the request head
 *       when the handler runs, the reference refuses before reading);</li>
 *   <li>method: anything but GET gets {@code 405} with {@code Allow: GET};</li>
 *   <li>auth: {@code Authorization: Bearer <64 hex>} ({@link BearerToken}); otherwise {@code 401} with
 *       {@code WWW-Authenticate: Bearer realm="varta"}, counted {@code varta_prom_auth_failures_total};</li>
 *   <li>{@code 200} with the body of {@link ScrapeCache} (rendered at most once per second). The path is not
 *       checked.</li>
 * </ol>
 * Every response carries {@code Connection: close}; the status line is the JDK server's {@code HTTP/1.1}
 * (the reference writes {@code HTTP/1.0}; clients and Prometheus accept either).
 *
 * <p>Why not the client library's own {@code HTTPServer} ({@code prometheus-metrics-exporter-httpserver},
 * itself built on this JDK server): it cannot express this contract. Its authentication hook answers 401
 * without the {@code WWW-Authenticate: Bearer realm="varta"} header and without counting, it serves every
 * method, it routes by path, and it has no per-IP buckets with refusals counted by reason nor a one-second
 * body cache counted in {@code varta_scrape_skipped_total}. We keep the library's model (callback metrics
 * over a registry) and its text-format writer; only the transport is ours.
 *
 * <p>Isolation: requests run on this endpoint's threads and read only published values
 * ({@link VartaMetrics}); a slow or hostile client can delay other scrapes (bounded by the JDK server's
 * request and response timeouts set in {@link #start}) but never the observer thread.
 *
 * <p>Threading: {@link #start} and {@link #close} from the controlling thread; handlers on the endpoint's
 * threads.
 */
public final class MetricsEndpoint implements AutoCloseable
{
    /** HTTP threads. */
    static final int THREADS = 2;
    /** Default {@code --scrape-budget-ms}: serving a scrape longer than this is counted. */
    public static final long DEFAULT_SCRAPE_BUDGET_MILLIS = 250;
    /** Accepted {@code --scrape-budget-ms} range. */
    public static final long MIN_SCRAPE_BUDGET_MILLIS = 50;
    /** Accepted {@code --scrape-budget-ms} range. */
    public static final long MAX_SCRAPE_BUDGET_MILLIS = 60_000;

    private final HttpServer server;
    /**
     * Nice value of the request threads: under CPU contention a scrape flood waits, the receive path and
     * stall detection do not.
     */
    private static final int SERVER_THREAD_NICE = 10;

    private static final ThreadLocal<Boolean> LOWERED = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private final ExecutorService executor;
    private final IpRateLimiter ipLimiter;
    private final BearerToken token;
    private final ScrapeCache cache;
    private final EndpointStats stats;
    private final long scrapeBudgetNanos;
    private final Diagnostics log;

    private MetricsEndpoint(final HttpServer server, final ExecutorService executor, final IpRateLimiter ipLimiter,
        final BearerToken token, final ScrapeCache cache, final EndpointStats stats, final long scrapeBudgetNanos,
        final Diagnostics log)
    {
        this.server = server;
        this.executor = executor;
        this.ipLimiter = ipLimiter;
        this.token = token;
        this.cache = cache;
        this.stats = stats;
        this.scrapeBudgetNanos = scrapeBudgetNanos;
        this.log = log;
    }

    /**
     * Binds and starts serving. Controlling thread.
     *
     * @param address where to listen (port 0 = ephemeral)
     * @param token the bearer token
     * @param ipLimiter the per-IP buckets
     * @param cache the body cache (renders through {@link VartaMetrics})
     * @param stats counters shared with the renderer
     * @param scrapeBudgetMillis {@code --scrape-budget-ms}
     * @param log diagnostics (serve failures, rate-limited as {@code prom_serve})
     * @return the running endpoint
     * @throws IOException when the address cannot be bound
     */
    public static MetricsEndpoint start(final InetSocketAddress address, final BearerToken token,
        final IpRateLimiter ipLimiter, final ScrapeCache cache, final EndpointStats stats,
        final long scrapeBudgetMillis, final Diagnostics log) throws IOException
    {
        // Bound how long a client may take to send its request and to read the response (seconds; checked by
        // the server's timer). Read once, when the JDK server's configuration class initialises.
        System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "2"));
        System.setProperty("sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime", "2"));
        final HttpServer server = HttpServer.create(address, 64);
        final AtomicInteger n = new AtomicInteger();
        final ExecutorService executor = Executors.newFixedThreadPool(THREADS, r ->
        {
            final Thread t = new Thread(() ->
            {
                ThreadScheduling.setNice(SERVER_THREAD_NICE);
                r.run();
            }, "varta-metrics-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        stats.attach(cache);
        final MetricsEndpoint endpoint = new MetricsEndpoint(server, executor, ipLimiter, token, cache, stats,
            TimeUnit.MILLISECONDS.toNanos(scrapeBudgetMillis), log);
        server.createContext("/", endpoint::handle);
        // The JDK server hands each exchange over from its own dispatcher thread (which accepts and reads
        // connections): lower that thread's priority too, the first time it calls in.
        server.setExecutor(command ->
        {
            lowerCallingThreadPriorityOnce();
            executor.execute(command);
        });
        server.start();
        return endpoint;
    }

    /** @return the bound address (with the ephemeral port filled in) */
    public InetSocketAddress boundAddress()
    {
        return server.getAddress();
    }

    private void handle(final HttpExchange exchange)
    {
        final long started = System.nanoTime();
        try (exchange)
        {
            final IpRateLimiter.Verdict verdict = ipLimiter.admit(exchange.getRemoteAddress().getAddress());
            if (IpRateLimiter.Verdict.REFUSED == verdict)
            {
                stats.drop(EndpointStats.DropReason.RATE_LIMIT);
                return; // close() before any response: the JDK server closes the connection
            }
            if (IpRateLimiter.Verdict.ADMITTED_AFTER_EVICTION == verdict)
            {
                stats.drop(EndpointStats.DropReason.IP_TABLE_FULL);
            }
            exchange.getResponseHeaders().set("Connection", "close");
            if (!"GET".equals(exchange.getRequestMethod()))
            {
                exchange.getResponseHeaders().set("Allow", "GET");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            if (!token.matchesHeader(exchange.getRequestHeaders().getFirst("Authorization")))
            {
                stats.authFailure();
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"varta\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            final byte[] body = cache.body();
            exchange.getResponseHeaders().set("Content-Type", VartaMetrics.contentType());
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody())
            {
                out.write(body);
            }
            stats.served(System.nanoTime() - started, scrapeBudgetNanos);
        }
        catch (final IOException | RuntimeException e)
        {
            log.rateLimited(LogKind.PROM_SERVE, LogLevel.WARN, "/metrics serve error: " + e);
        }
    }

    /** Stops accepting, ends the HTTP threads. Controlling thread; idempotent. */
    @Override
    public void close()
    {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Any thread: sets the calling thread to {@link #SERVER_THREAD_NICE} once. */
    private static void lowerCallingThreadPriorityOnce()
    {
        if (!LOWERED.get())
        {
            ThreadScheduling.setNice(SERVER_THREAD_NICE);
            LOWERED.set(Boolean.TRUE);
        }
    }
}
