package io.varta.watch.metrics;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The query string of a {@code /metrics} request. One parameter is understood: {@code pids=0} asks for a
 * body without per-pid rows ({@link PidRows#NONE}). Other parameters are ignored (the path is not checked
 * either, as in the reference, so scrape configs with extra {@code params} keep working); any other value of
 * {@code pids} is refused, so a typo never silently returns a different body than asked for.
 *
 * <p>Stateless; any thread.
 */
public final class MetricsQuery
{
    /** The parameter name. */
    public static final String PIDS = "pids";

    private MetricsQuery()
    {
    }

    /**
     * Any thread.
     *
     * @param rawQuery {@code URI.getRawQuery()}, may be null
     * @return the per-pid rows asked for
     * @throws IllegalArgumentException with a message for a {@code 400} body when {@code pids} has another value
     */
    public static PidRows pidRows(final String rawQuery)
    {
        PidRows rows = PidRows.UP_TO_CAP;
        if (null == rawQuery || rawQuery.isEmpty())
        {
            return rows;
        }
        for (final String pair : rawQuery.split("&"))
        {
            final int eq = pair.indexOf('=');
            final String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (!PIDS.equals(name))
            {
                continue;
            }
            final String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (!"0".equals(value))
            {
                final String shown = value.length() > 32 ? value.substring(0, 32) + "..." : value;
                throw new IllegalArgumentException(PIDS + ": expected 0 (no per-pid rows), got \""
                    + shown.replaceAll("[^\\x20-\\x7e]", "?") + "\"");
            }
            rows = PidRows.NONE;
        }
        return rows;
    }

    private static String decode(final String raw)
    {
        try
        {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        }
        catch (final IllegalArgumentException e)
        {
            return raw; // a malformed %-escape: compare the raw text
        }
    }
}
