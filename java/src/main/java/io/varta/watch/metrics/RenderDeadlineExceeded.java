package io.varta.watch.metrics;

/**
 * A scrape could not get a body before its render deadline (the render took too long, or another scrape's
 * render held the body cache past it). The endpoint answers {@code 503} instead of letting the JDK server's
 * response timeout close the connection under a half-written or unwritten response.
 *
 * <p>Thrown on the scraping thread; any thread may construct it.
 */
public final class RenderDeadlineExceeded extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** @param message what ran out of time, for the 503 body and the log line */
    public RenderDeadlineExceeded(final String message)
    {
        super(message, null, false, false);
    }
}
