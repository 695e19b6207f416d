package io.varta.watch.observer;

import io.varta.watch.nativeio.ProcNatives;
import io.varta.watch.tracker.IdentitySource;
import io.varta.watch.tracker.ProcessIdentity;

/**
 * The observer's {@link IdentitySource}: {@code /proc} read by the native library ({@link ProcNatives}), so a
 * first-seen pid and a stall-time recycle check cost their system calls and leave no garbage. The library's result
 * codes are checked once against {@link ProcessIdentity}'s, which own their meaning, and then passed through.
 *
 * <p>Threading: stateless; the observer thread calls it through its {@link ProcessIdentity} (benchmarks too).
 */
public final class NativeIdentitySource implements IdentitySource
{
    /** The one instance (stateless). */
    public static final NativeIdentitySource INSTANCE = new NativeIdentitySource();

    private NativeIdentitySource()
    {
        final int[] codes = ProcNatives.constants();
        if (codes.length != 4 || ProcessIdentity.PRESENT != codes[0] || ProcessIdentity.GONE != codes[1]
            || ProcessIdentity.PARTIAL != codes[2] || ProcessIdentity.UNKNOWN != codes[3])
        {
            throw new IllegalStateException("native /proc identity codes differ from ProcessIdentity's");
        }
    }

    @Override
    public int read(final long pid, final long[] out)
    {
        return ProcNatives.identity((int)pid, out);
    }

    @Override
    public long readStartTime(final long pid)
    {
        return ProcNatives.startTime((int)pid);
    }

    @Override
    public long ownNsInode()
    {
        return ProcNatives.ownNsInode();
    }
}
