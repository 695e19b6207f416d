package io.varta.watch.supervision;

import io.varta.watch.log.Diagnostics;
import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.Natives;
import io.varta.watch.nativeio.SupervisionNatives;
import io.varta.watch.observer.LoopProgress;
import io.varta.watch.observer.LoopStage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The self-watchdog: the native {@code varta-watchdog} thread ({@code native/src/watchdog_thread.c}) that reads the
 * observer loop's {@link LoopProgress} every tick and
 * <ul>
 *   <li>aborts the process (SIGABRT, after one raw stderr line naming the stage) when a stage, or the sleep past
 *       its announced wake-up, or a whole iteration has lasted longer than the deadline;</li>
 *   <li>sends {@code WATCHDOG=1} every {@code WATCHDOG_USEC/2} and kicks the hardware watchdog at most once a
 *       second, but only on fresh evidence of progress (asleep as announced, or in an iteration that began
 *       within the last tick), and never before the loop completed its first iteration.</li>
 * </ul>
 * It is a native thread, not a Java one, so it keeps judging through garbage-collection pauses and safepoints: a
 * loop stopped by a GC pause longer than the deadline is seen, and aborted, while it is stopped.
 *
 * <p>Enabled by {@code --self-watchdog-secs}, or with a {@value #SYSTEMD_DEADLINE_SECS} s deadline when
 * {@code $WATCHDOG_USEC} is set (for this pid, per {@code $WATCHDOG_PID}) and the notify socket opened. The
 * tick is a quarter of the deadline and of {@code WATCHDOG_USEC/2}, at most 500 ms and at least 25 ms, so an
 * abort comes within deadline + one tick.
 *
 * <p>Threading: {@link #start}, {@link #stats} and {@link #close} from the controlling (main) thread.
 */
public final class SelfWatchdog implements AutoCloseable
{
    /** Smallest {@code --self-watchdog-secs}. */
    public static final long MIN_DEADLINE_SECS = 1;
    /** The deadline when only systemd's {@code WatchdogSec=} asks for a watchdog. */
    public static final long SYSTEMD_DEADLINE_SECS = 4;
    /** systemd's watchdog interval, in microseconds. */
    public static final String WATCHDOG_USEC = "WATCHDOG_USEC";
    /** The pid {@code WATCHDOG_USEC} is meant for, when set. */
    public static final String WATCHDOG_PID = "WATCHDOG_PID";
    /** Longest tick. */
    static final long MAX_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** Shortest tick. */
    static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    /** Kicks of the hardware watchdog are at least this far apart (its timeout is at least 30 s). */
    static final long KICK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Keeps the progress block (native memory the thread reads by address) reachable while the thread runs. */
    private final LoopProgress progress;
    private long handle;

    private SelfWatchdog(final LoopProgress progress, final long handle)
    {
        this.progress = progress;
        this.handle = handle;
    }

    /**
     * What the thread does: abort after {@code deadlineNanos} (0: never), pet the service manager every
     * {@code petIntervalNanos} (0: never), judge every {@code tickNanos}. Immutable; any thread.
     *
     * @param deadlineNanos how long a stage or an iteration may last, 0 for no abort
     * @param tickNanos how often the loop is judged
     * @param petIntervalNanos {@code WATCHDOG_USEC/2} in nanoseconds, 0 for no {@code WATCHDOG=1}
     */
    public record Plan(long deadlineNanos, long tickNanos, long petIntervalNanos)
    {
        /** @return true when a wedge aborts the process */
        public boolean aborts()
        {
            return deadlineNanos > 0;
        }

        /** @return true when {@code WATCHDOG=1} is sent */
        public boolean pets()
        {
            return petIntervalNanos > 0;
        }
    }

    /**
     * The plan for these settings. Any thread.
     *
     * @param selfWatchdogSecs {@code --self-watchdog-secs}, if given (&ge; {@value #MIN_DEADLINE_SECS})
     * @param watchdogUsec {@code $WATCHDOG_USEC} meant for this process, if any (see {@link #watchdogUsec})
     * @param notifyOpen whether the notify socket opened
     * @return the plan; {@link Plan#aborts()} and {@link Plan#pets()} both false when no watchdog is wanted
     */
    public static Plan plan(final OptionalLong selfWatchdogSecs, final OptionalLong watchdogUsec,
        final boolean notifyOpen)
    {
        final boolean systemd = watchdogUsec.isPresent() && notifyOpen;
        final long deadline = selfWatchdogSecs.isPresent() ? TimeUnit.SECONDS.toNanos(selfWatchdogSecs.getAsLong())
            : systemd ? TimeUnit.SECONDS.toNanos(SYSTEMD_DEADLINE_SECS) : 0;
        final long pet = systemd ? TimeUnit.MICROSECONDS.toNanos(watchdogUsec.getAsLong()) / 2 : 0;
        long tick = MAX_TICK_NANOS;
        if (deadline > 0)
        {
            tick = Math.min(tick, deadline / 4);
        }
        if (pet > 0)
        {
            tick = Math.min(tick, pet / 2);
        }
        return new Plan(deadline, Math.max(MIN_TICK_NANOS, tick), pet);
    }

    /**
     * {@code $WATCHDOG_USEC} when it is meant for this process: a positive decimal number of microseconds, and
     * {@code $WATCHDOG_PID} unset or equal to {@code ownPid} (as {@code sd_watchdog_enabled(3)} reads them). A
     * malformed value is reported once and ignored. Any thread.
     *
     * @param environment the process environment
     * @param ownPid this process's pid
     * @param log where a malformed value is reported
     * @return the interval in microseconds, or empty
     */
    public static OptionalLong watchdogUsec(final Map<String, String> environment, final long ownPid,
        final Diagnostics log)
    {
        final String usec = environment.get(WATCHDOG_USEC);
        if (null == usec || usec.isEmpty())
        {
            return OptionalLong.empty();
        }
        final String pid = environment.get(WATCHDOG_PID);
        if (null != pid && !pid.isEmpty() && !pid.equals(Long.toString(ownPid)))
        {
            return OptionalLong.empty(); // meant for another process (e.g. our parent)
        }
        try
        {
            final long value = Long.parseLong(usec);
            if (value > 0)
            {
                return OptionalLong.of(value);
            }
        }
        catch (final NumberFormatException e)
        {
            // reported below
        }
        log.warn(WATCHDOG_USEC + "=" + usec + " is not a positive number of microseconds; systemd watchdog ignored");
        return OptionalLong.empty();
    }

    /**
     * Starts the thread. Main thread.
     *
     * @param progress the loop's published progress (outlives the thread)
     * @param plan what to do
     * @param notifyFd the connected notify socket for {@code WATCHDOG=1}, or -1
     * @param hwFd an open hardware watchdog device to kick, or -1
     * @return the running thread's handle
     * @throws NativeIoException {@code cannot start the self-watchdog thread: <reason>}
     */
    public static SelfWatchdog start(final LoopProgress progress, final Plan plan, final int notifyFd,
        final int hwFd) throws NativeIoException
    {
        final long[] settings = {plan.deadlineNanos(), plan.tickNanos(), plan.tickNanos(),
            plan.pets() ? plan.petIntervalNanos() : 0, KICK_INTERVAL_NANOS, LoopStage.SLEEP.code(),
            LoopStage.STOPPED.code()};
        final long rc = SupervisionNatives.watchdogStart(progress.nativeBlock(), settings,
            plan.pets() ? notifyFd : -1, hwFd, stageLabels());
        if (rc < 0)
        {
            throw new NativeIoException("cannot start the self-watchdog thread: " + Natives.strerror((int)-rc),
                (int)-rc);
        }
        return new SelfWatchdog(progress, rc);
    }

    /** Every stage's label in code order, each followed by a NUL byte. */
    private static byte[] stageLabels()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final LoopStage stage : LoopStage.values())
        {
            out.writeBytes(stage.label().getBytes(StandardCharsets.US_ASCII));
            out.write(0);
        }
        return out.toByteArray();
    }

    /**
     * Main thread.
     *
     * @return ticks, WATCHDOG=1 sent, WATCHDOG=1 failed, errno of the latest failure, kicks, failed kicks, errno of
     *     the latest failed kick (all 0 after {@link #close()})
     */
    public long[] stats()
    {
        final long[] out = new long[SupervisionNatives.STATS_LONGS];
        if (0 != handle)
        {
            SupervisionNatives.watchdogStats(handle, out);
        }
        return out;
    }

    /** Stops and joins the thread; idempotent. Main thread. */
    @Override
    public void close()
    {
        if (0 != handle)
        {
            SupervisionNatives.watchdogStop(handle);
            handle = 0;
        }
        java.lang.ref.Reference.reachabilityFence(progress);
    }
}
