package io.varta.watch.metrics;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The rendered {@code /metrics} body of one kind ({@link PidRows}), re-rendered at most once per window (1 s, as
 * the reference). An authorised scrape inside the window gets the cached bytes and counts
 * {@code varta_scrape_skipped_total}; refused requests (401, 405, 400, rate limit) never reach this class, so
 * they neither advance the window nor count as skipped.
 *
 * <p><b>Renders run on the render executor, scrapes wait with a deadline.</b> A scrape that finds no fresh body
 * starts a render there (unless one is already running, which it then shares: at most one render at a time),
 * and waits for it until its deadline. It then has the body, or gets {@link RenderDeadlineExceeded} at the
 * deadline itself, however long the render still takes; the render stops by itself soon after (it is handed
 * the same deadline and checks it while it builds and writes). So a scrape's answer never waits on the
 * granularity of those checks, and the HTTP side always has time left to send a 503. A scrape that joins a
 * running render shares that render's deadline (the first scrape's), so it may get the 503 a little before its
 * own deadline. A render that failed is not cached; the next scrape tries again.
 *
 * <p>Threading: {@link #body} from any thread (the HTTP threads); renders on the executor given (or, for the
 * {@link Supplier} constructor, on the calling thread). State is guarded by this object's monitor, never held
 * while waiting. The skipped count is published with a volatile write.
 */
public final class ScrapeCache
{
    /** The reference's render window. */
    public static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** No deadline. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    /** Renders a body; called on the render executor. */
    @FunctionalInterface
    public interface Renderer
    {
        /**
         * @param deadlineNanos when to give up (on the cache's clock), {@link #NO_DEADLINE} for never
         * @return a fresh body
         * @throws RenderDeadlineExceeded when the deadline passed first
         */
        byte[] render(long deadlineNanos);
    }

    private final Renderer renderer;
    private final Executor renderExecutor;
    private final LongSupplier nanoClock;
    private final long windowNanos;
    private byte[] body;
    private long renderedAtNanos;
    private CompletableFuture<byte[]> inFlight;
    private volatile long skipped;

    /**
     * A cache that renders on the scraping thread, without a deadline.
     *
     * @param renderer renders a fresh body
     * @param nanoClock monotonic nanoseconds (injectable for tests)
     * @param windowNanos how long a body is served from cache
     */
    public ScrapeCache(final Supplier<byte[]> renderer, final LongSupplier nanoClock, final long windowNanos)
    {
        this(deadline -> renderer.get(), Runnable::run, nanoClock, windowNanos);
    }

    /**
     * @param renderer renders a fresh body before a deadline
     * @param renderExecutor where renders run (one thread is enough: this cache runs one render at a time)
     * @param nanoClock monotonic nanoseconds (injectable for tests); also the clock of the deadlines
     * @param windowNanos how long a body is served from cache
     */
    public ScrapeCache(final Renderer renderer, final Executor renderExecutor, final LongSupplier nanoClock,
        final long windowNanos)
    {
        this.renderer = renderer;
        this.renderExecutor = renderExecutor;
        this.nanoClock = nanoClock;
        this.windowNanos = windowNanos;
    }

    /**
     * Any thread; waits as long as the render takes.
     *
     * @return the body to serve: cached when the last render is younger than the window, else fresh
     */
    public byte[] body()
    {
        return body(NO_DEADLINE);
    }

    /**
     * Any thread.
     *
     * @param deadlineNanos when to give up, on this cache's clock ({@link #NO_DEADLINE} for never)
     * @return the body to serve: cached when the last render is younger than the window, else fresh
     * @throws RenderDeadlineExceeded when no body was ready at the deadline
     * @throws IllegalStateException when the render failed otherwise (a bug, or out of memory)
     */
    public byte[] body(final long deadlineNanos)
    {
        final CompletableFuture<byte[]> render;
        synchronized (this)
        {
            final long now = nanoClock.getAsLong();
            if (null != body && now - renderedAtNanos < windowNanos)
            {
                skipped++;
                return body;
            }
            if (null != inFlight)
            {
                render = inFlight;
            }
            else
            {
                if (NO_DEADLINE != deadlineNanos && now - deadlineNanos >= 0)
                {
                    throw new RenderDeadlineExceeded("deadline passed before the render started");
                }
                render = new CompletableFuture<>();
                inFlight = render;
                renderExecutor.execute(() -> run(render, now, deadlineNanos)); // may run (and end) right here
            }
        }
        return await(render, deadlineNanos);
    }

    /** Any thread: scrapes served from cache since start. */
    public long skipped()
    {
        return skipped;
    }

    /** Render executor: one render, its outcome handed to every waiting scrape. */
    private void run(final CompletableFuture<byte[]> render, final long startedNanos, final long deadlineNanos)
    {
        try
        {
            final byte[] fresh = renderer.render(deadlineNanos);
            synchronized (this)
            {
                body = fresh;
                renderedAtNanos = startedNanos;
                inFlight = null;
            }
            render.complete(fresh);
        }
        catch (final Throwable t) // handed to the scrapes; an Error here must not kill a silent executor thread
        {
            synchronized (this)
            {
                inFlight = null;
            }
            render.completeExceptionally(t);
        }
    }

    private byte[] await(final CompletableFuture<byte[]> render, final long deadlineNanos)
    {
        try
        {
            if (NO_DEADLINE == deadlineNanos)
            {
                return render.get();
            }
            return render.get(Math.max(0, deadlineNanos - nanoClock.getAsLong()), TimeUnit.NANOSECONDS);
        }
        catch (final TimeoutException e)
        {
            throw new RenderDeadlineExceeded("render still running at the deadline");
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new RenderDeadlineExceeded("interrupted while waiting for the render");
        }
        catch (final ExecutionException e)
        {
            final Throwable cause = e.getCause();
            if (cause instanceof RenderDeadlineExceeded exceeded)
            {
                throw new RenderDeadlineExceeded(exceeded.getMessage());
            }
            throw new IllegalStateException("render failed: " + cause, cause);
        }
    }
}
