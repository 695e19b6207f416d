package io.varta.watch.daemon;

import io.varta.watch.observer.IngestCounter;
import io.varta.watch.observer.IngestCounters;

import java.util.Locale;

/**
 * The one line logged at shutdown that says where every datagram went:
 * {@code ingest: datagrams=N first_recv_ns=A last_recv_ns=B beats=N stalls=N accounted=N read=N <outcome>=N ...},
 * with every non-zero outcome counter after {@code read} (for UDP e.g. {@code wrong_length}, {@code pid_above_max},
 * {@code decrypt_failed}, {@code replay_refused}, {@code sender_table_full}), then {@code aead_attempts=N} when a
 * secure UDP listener tried keys: {@code datagrams} is what the observer thread handled,
 * {@code accounted} the sum of the outcomes, {@code read} the native receiver's own count of datagrams it read;
 * after a clean stop all three are equal. {@code bench/ingest.sh} parses it.
 *
 * <p>Stateless; any thread (the counters are published values).
 */
final class IngestSummary
{
    private IngestSummary()
    {
    }

    /**
     * Any thread.
     *
     * @param counters the observer's published counters, read after it stopped
     * @return the line, without prefix or newline
     */
    static String line(final IngestCounters counters)
    {
        final StringBuilder line = new StringBuilder("ingest: datagrams=").append(counters.get(IngestCounter.DATAGRAMS))
            .append(" first_recv_ns=").append(counters.firstRecvNanos())
            .append(" last_recv_ns=").append(counters.lastRecvNanos())
            .append(" beats=").append(counters.get(IngestCounter.BEATS))
            .append(" stalls=").append(counters.get(IngestCounter.STALLS))
            .append(" accounted=").append(counters.outcomesTotal())
            .append(" read=").append(counters.get(IngestCounter.DATAGRAMS_READ));
        for (final IngestCounter counter : IngestCounter.values())
        {
            if (counter.isDatagramOutcome() && IngestCounter.BEATS != counter && counters.get(counter) > 0)
            {
                line.append(' ').append(counter.name().toLowerCase(Locale.ROOT)).append('=')
                    .append(counters.get(counter));
            }
        }
        final long aeadAttempts = counters.get(IngestCounter.AEAD_ATTEMPTS);
        if (aeadAttempts > 0)
        {
            line.append(" aead_attempts=").append(aeadAttempts);
        }
        return line.toString();
    }
}
