package io.varta.watch.recovery;

/** Test support: fills a {@link RecoveryStats} from tests outside this package (its writers are package-private). */
public final class RecoveryStatsFixture
{
    private RecoveryStatsFixture()
    {
    }

    /** @return stats with the given outcome counted n times */
    public static RecoveryStats with(final RecoveryStats stats, final RecoveryOutcome outcome, final int n)
    {
        for (int i = 0; i < n; i++)
        {
            stats.count(outcome);
        }
        return stats;
    }

    /** @return stats with the counter raised by delta */
    public static RecoveryStats with(final RecoveryStats stats, final RecoveryCounter counter, final long delta)
    {
        stats.add(counter, delta);
        return stats;
    }
}
