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
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code /metrics} HTTP endpoint with the reference observer's contract, on the JDK's
 * {@code com.sun.net.httpserver} with its own two request threads and two render threads.
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
 *   <li>query: {@code pids=0} selects the body without per-pid rows ({@link MetricsQuery}); another value of
 *       {@code pids} gets {@code 400} with a one-line text body;</li>
 *   <li>{@code 200} with the body of the matching {@link ScrapeCache} (rendered at most once per second), or
 *       {@code 503} with a one-line text body when no body was ready by the render deadline
 *       ({@link RenderDeadlineExceeded}), counted {@code varta_prom_render_deadline_exceeded_total} ({@code 500}
 *       if the render failed otherwise). The path is not checked.</li>
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
 * <p><b>Complete or refused, never cut.</b> The JDK server closes any connection whose response is not complete
 * a fixed time after it read the request head ({@code sun.net.httpserver.maxRspTime}, checked once a second),
 * whatever the handler is doing; the handler is not told. It was 2 s and the render ran on the request thread,
 * so at a few hundred thousand pids a scrape ended as an empty reply (closed before the headers) or a 200 cut
 * short (closed mid-body). Now the window is {@link #RESPONSE_TIMEOUT_SECONDS} s, renders run on render threads,
 * and the request thread waits for the body only until the render deadline, half of the window
 * ({@link #renderDeadlineNanos()}); then it answers 503 while the connection is still open, whatever the render
 * is doing (the render stops by itself at its next check). The other half is slack for a request thread that a
 * busy host schedules late (these threads run at nice 10; up to 0.9 s late was seen at load 10 on 2 cores) and
 * for writing a body whose size the per-pid cap bounds (1.7 MB at the default cap, mostly absorbed by the
 * socket's send buffer). Only a client that stops reading for the rest of the window can still see a 200 cut
 * short (the reference cuts after a 50 ms write timeout).
 *
 * <p>Isolation: requests run on this endpoint's threads and read only published values
 * ({@link VartaMetrics}); a slow or hostile client can delay other scrapes (bounded by the JDK server's
 * request and response timeouts set in {@link #start}) but never the observer thread.
 *
 * <p>Threading: {@link #start} and {@link #close} from the controlling thread; handlers on the endpoint's
 * request threads, renders on its render threads (all at nice 10).
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
    /**
     * Seconds a client has to send its request head ({@code sun.net.httpserver.maxReqTime}) unless the JVM was
     * started with another value: a slow client holds a request thread at most this long.
     */
    public static final long REQUEST_TIMEOUT_SECONDS = 2;
    /**
     * Seconds from the end of the request head to the last byte of the response, render included
     * ({@code sun.net.httpserver.maxRspTime}) unless the JVM was started with another value.
     */
    public static final long RESPONSE_TIMEOUT_SECONDS = 4;
    private static final String MAX_REQ_TIME = "sun.net.httpserver.maxReqTime";
    private static final String MAX_RSP_TIME = "sun.net.httpserver.maxRspTime";

    private final HttpServer server;
    /**
     * Nice value of the request threads: under CPU contention a scrape flood waits, the receive path and
     * stall detection do not.
     */
    private static final int SERVER_THREAD_NICE = 10;

    private static final ThreadLocal<Boolean> LOWERED = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private final ExecutorService executor;
    private final ExecutorService renderExecutor;
    private final IpRateLimiter ipLimiter;
    private final BearerToken token;
    private final ScrapeCache withPidRows;
    private final ScrapeCache withoutPidRows;
    private final EndpointStats stats;
    private final long scrapeBudgetNanos;
    private final long renderDeadlineNanos;
    private final Diagnostics log;

    private MetricsEndpoint(final HttpServer server, final ExecutorService executor,
        final ExecutorService renderExecutor, final IpRateLimiter ipLimiter, final BearerToken token,
        final ScrapeCache withPidRows, final ScrapeCache withoutPidRows, final EndpointStats stats,
        final long scrapeBudgetNanos, final Diagnostics log)
    {
        this.server = server;
        this.executor = executor;
        this.renderExecutor = renderExecutor;
        this.ipLimiter = ipLimiter;
        this.token = token;
        this.withPidRows = withPidRows;
        this.withoutPidRows = withoutPidRows;
        this.stats = stats;
        this.scrapeBudgetNanos = scrapeBudgetNanos;
        this.renderDeadlineNanos = renderDeadlineNanos();
        this.log = log;
    }

    /**
     * How long after the request head was read a body must be ready: half of the JDK server's response timeout
     * (the other half is for writing it). Any thread; call after {@link #start} has set the timeout properties.
     *
     * @return the render deadline in nanoseconds
     */
    public static long renderDeadlineNanos()
    {
        final long seconds = Long.getLong(MAX_RSP_TIME, RESPONSE_TIMEOUT_SECONDS);
        final long window = seconds > 0 && seconds < Long.MAX_VALUE / 1_000_000_000L ? seconds
            : RESPONSE_TIMEOUT_SECONDS; // timeout disabled or absurd: keep the default's deadline
        return TimeUnit.SECONDS.toNanos(window) / 2;
    }

    /**
     * {@link #start(InetSocketAddress, BearerToken, IpRateLimiter, VartaMetrics.Inputs, VartaMetrics.SinkStats,
     * EndpointStats, long, Diagnostics)} for a process without an export file or audit log (their families are
     * emitted at 0).
     */
    public static MetricsEndpoint start(final InetSocketAddress address, final BearerToken token,
        final IpRateLimiter ipLimiter, final VartaMetrics.Inputs inputs, final EndpointStats stats,
        final long scrapeBudgetMillis, final Diagnostics log) throws IOException
    {
        return start(address, token, ipLimiter, inputs, VartaMetrics.SinkStats.NONE, stats, scrapeBudgetMillis,
            log);
    }

    /**
     * Binds and starts serving. Controlling thread.
     *
     * @param address where to listen (port 0 = ephemeral)
     * @param token the bearer token
     * @param ipLimiter the per-IP buckets
     * @param inputs what the families read; its {@code monotonicNanos} must be {@link System#nanoTime()} (the
     *        clock of the render deadline)
     * @param stats counters shared with the renderer
     * @param scrapeBudgetMillis {@code --scrape-budget-ms}
     * @param log diagnostics (serve failures, rate-limited as {@code prom_serve})
     * @return the running endpoint
     * @throws IOException when the address cannot be bound
     */
    public static MetricsEndpoint start(final InetSocketAddress address, final BearerToken token,
        final IpRateLimiter ipLimiter, final VartaMetrics.Inputs inputs, final VartaMetrics.SinkStats sinks,
        final EndpointStats stats, final long scrapeBudgetMillis, final Diagnostics log) throws IOException
    {
        // Bound how long a client may take to send its request and to read the response (seconds; checked by
        // the server's timer once a second). Read once, when the JDK server's configuration class initialises.
        // The response timeout runs from the end of the request head, through our render, to the last byte.
        System.setProperty(MAX_REQ_TIME, System.getProperty(MAX_REQ_TIME, Long.toString(REQUEST_TIMEOUT_SECONDS)));
        System.setProperty(MAX_RSP_TIME, System.getProperty(MAX_RSP_TIME, Long.toString(RESPONSE_TIMEOUT_SECONDS)));
        final HttpServer server = HttpServer.create(address, 64);
        final ExecutorService executor = Executors.newFixedThreadPool(THREADS, niceThreads("varta-metrics-"));
        // One render thread per body kind: each cache runs one render at a time, and a slow body with per-pid
        // rows never delays the small ?pids=0 one. Each kind has its own model (VartaMetrics is single-threaded).
        final ExecutorService renderExecutor = Executors.newFixedThreadPool(2, niceThreads("varta-metrics-render-"));
        final VartaMetrics withRows = new VartaMetrics(inputs, stats, sinks);
        final VartaMetrics withoutRows = new VartaMetrics(inputs, stats, sinks);
        final ScrapeCache withPidRows = new ScrapeCache(deadline -> withRows.render(PidRows.UP_TO_CAP, deadline),
            renderExecutor, System::nanoTime, ScrapeCache.WINDOW_NANOS);
        final ScrapeCache withoutPidRows = new ScrapeCache(deadline -> withoutRows.render(PidRows.NONE, deadline),
            renderExecutor, System::nanoTime, ScrapeCache.WINDOW_NANOS);
        stats.attach(withPidRows, withoutPidRows);
        final MetricsEndpoint endpoint = new MetricsEndpoint(server, executor, renderExecutor, ipLimiter, token,
            withPidRows, withoutPidRows, stats, TimeUnit.MILLISECONDS.toNanos(scrapeBudgetMillis), log);
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

    /** Threads of this endpoint: daemon, at {@link #SERVER_THREAD_NICE}. */
    private static ThreadFactory niceThreads(final String prefix)
    {
        final AtomicInteger n = new AtomicInteger();
        return r ->
        {
            final Thread t = new Thread(() ->
            {
                ThreadScheduling.setNice(SERVER_THREAD_NICE);
                r.run();
            }, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** @return the bound address (with the ephemeral port filled in) */
    public InetSocketAddress boundAddress()
    {
        return server.getAddress();
    }

    /**
     * One request, on an endpoint thread. The JDK server calls this right after it read the request head and
     * started the response timeout, so {@code started} is where the render deadline counts from.
     */
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
            final PidRows rows;
            try
            {
                rows = MetricsQuery.pidRows(exchange.getRequestURI().getRawQuery());
            }
            catch (final IllegalArgumentException e)
            {
                sendText(exchange, 400, e.getMessage());
                return;
            }
            final byte[] body;
            try
            {
                body = (PidRows.NONE == rows ? withoutPidRows : withPidRows).body(started + renderDeadlineNanos);
            }
            catch (final RenderDeadlineExceeded e)
            {
                stats.renderDeadlineMissed();
                final String message = "no /metrics body within the render deadline of "
                    + TimeUnit.NANOSECONDS.toMillis(renderDeadlineNanos) + " ms (" + e.getMessage()
                    + "); lower --prom-pid-series-max, or scrape with ?pids=0 for the aggregates only";
                log.rateLimited(LogKind.PROM_SERVE, LogLevel.WARN, message);
                exchange.getResponseHeaders().set("Retry-After", "1");
                sendText(exchange, 503, message);
                return;
            }
            catch (final IllegalStateException e)
            {
                log.rateLimited(LogKind.PROM_SERVE, LogLevel.WARN, "/metrics " + e.getMessage());
                sendText(exchange, 500, "/metrics " + e.getMessage());
                return;
            }
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

    /** Endpoint thread: a status with a one-line {@code text/plain} body. */
    private static void sendText(final HttpExchange exchange, final int status, final String line) throws IOException
    {
        final byte[] text = (line + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, text.length);
        try (OutputStream out = exchange.getResponseBody())
        {
            out.write(text);
        }
    }

    /** Stops accepting, ends the HTTP threads. Controlling thread; idempotent. */
    @Override
    public void close()
    {
        server.stop(0);
        executor.shutdownNow();
        renderExecutor.shutdownNow();
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
