package io.varta.watch.bench;

import io.varta.watch.event.EventFanOut;
import io.varta.watch.event.ObserverEvents;
import io.varta.watch.event.Stall;
import io.varta.watch.event.StallFreshness;
import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogFormat;
import io.varta.watch.nativeio.ChildSet;
import io.varta.watch.observer.ObserverLoop;
import io.varta.watch.observer.TrackingConfig;
import io.varta.watch.recovery.ChildEnvironment;
import io.varta.watch.recovery.Recovery;
import io.varta.watch.recovery.RecoveryCommand;
import io.varta.watch.recovery.RecoveryConfig;
import io.varta.watch.recovery.RecoveryCounter;
import io.varta.watch.recovery.RecoveryListener;
import io.varta.watch.recovery.RecoveryOutcome;
import io.varta.watch.tracker.ObserverClock;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A recovery storm next to ordinary stall detection, in one process: does recovery delay stall events of other
 * pids? The real {@link ObserverLoop} drains a ring filled by a producer thread (as in
 * {@link RingStallLatencyHarness}); {@code storm} real agent processes ({@code sleep}, so their start times are
 * real and held-over stalls pass the re-check) go silent at the same instant and each gets a real recovery child
 * (default {@code /bin/true {pid}}), while {@code others} synthetic pids stall spread over the following second.
 * Each round runs once with recovery off and once with it on, after one unreported warm-up run with it on (class
 * loading and JIT); per run it prints the other pids' stall lateness (observed stall time − (last beat +
 * threshold)), the spawn rate, the peak thread count of the process ({@code /proc/self/task}), the peak of
 * outstanding children, and the observer thread's CPU time over the run (a figure other load on the host does not
 * inflate, unlike lateness); then the median p99 of each mode.
 *
 * <pre>
 * java -Xmx1g -cp bench/target/benchmarks.jar io.varta.watch.bench.RecoveryStormHarness \
 *     [thresholdMs=1000] [storm=1000] [others=10000] [rounds=3] [command="/bin/true {pid}"]
 * </pre>
 * Recovery's log lines go to a discarding stream (formatted, not printed). {@code -Dvarta.bench.observerNice=-10}
 * runs the observer thread at that nice value in both modes (root only for negative values), which takes the other
 * tenants of a shared host out of the comparison. {@code -Dvarta.bench.othersOffsetMs=20} starts the other pids'
 * second that much after the storm, so their figures leave out the iteration that raises the storm's 1,000 stalls
 * (which reads each live agent's {@code /proc/<pid>/stat} once, recovery on or off).
 */
public final class RecoveryStormHarness
{
    private static final int FIRST_SYNTHETIC_PID = 10_000_000;
    private static final long OTHERS_SPREAD_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int OBSERVER_NICE = Integer.getInteger("varta.bench.observerNice", 0);
    private static final long OTHERS_OFFSET_NANOS = TimeUnit.MILLISECONDS.toNanos(
        Integer.getInteger("varta.bench.othersOffsetMs", 0));

    private RecoveryStormHarness()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final long thresholdMs = args.length > 0 ? Long.parseLong(args[0]) : 1000;
        final int storm = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        final int others = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        final int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        final String command = args.length > 4 ? String.join(" ", Arrays.copyOfRange(args, 4, args.length))
            : "/bin/true {pid}";
        System.out.printf("recovery storm: %d agents stall at once (command: %s), %d other pids stall over %d ms;"
            + " threshold %d ms%n", storm, command, others, TimeUnit.NANOSECONDS.toMillis(OTHERS_SPREAD_NANOS),
            thresholdMs);
        System.out.printf("%-9s %10s %10s %10s %10s %10s %12s %14s %12s %12s %12s%n", "recovery", "p50_us", "p99_us",
            "p999_us", "max_us", "spawns/s", "peak_threads", "peak_children", "observer_cpu", "recovery_cpu",
            "children_cpu");
        try (ChildSet agents = ChildSet.create(storm, 0))
        {
            final long[] agentPids = startAgents(agents, storm);
            try
            {
                run(thresholdMs, agentPids, others, command, "warm-up");
                final double[] off = new double[rounds];
                final double[] on = new double[rounds];
                for (int round = 0; round < rounds; round++)
                {
                    off[round] = run(thresholdMs, agentPids, others, null, "off");
                    on[round] = run(thresholdMs, agentPids, others, command, "on");
                }
                Arrays.sort(off);
                Arrays.sort(on);
                System.out.printf("median p99 over %d rounds: off %.1f us, on %.1f us (difference %.1f us)%n", rounds,
                    off[rounds / 2], on[rounds / 2], on[rounds / 2] - off[rounds / 2]);
            }
            finally
            {
                stopAgents(agents, agentPids);
            }
        }
    }

    /** Real processes as the storm's agents: their pids have /proc start times, as kernel-attested agents do. */
    private static long[] startAgents(final ChildSet agents, final int n) throws IOException
    {
        final byte[][] argv = {bytes("sleep"), bytes("3600")};
        final byte[][] env = {bytes("PATH=/usr/bin:/bin")};
        final long[] spawned = new long[n];
        for (int i = 0; i < n; i++)
        {
            spawned[i] = agents.spawn(argv, env, false);
        }
        return spawned;
    }

    private static void stopAgents(final ChildSet agents, final long[] spawned) throws IOException
    {
        for (final long s : spawned)
        {
            agents.kill(ChildSet.slotOf(s), ChildSet.pidOf(s));
        }
        final long[] exits = new long[ChildSet.EXIT_FIELDS * ChildSet.MAX_EXITS_PER_WAIT];
        int reaped = 0;
        while (reaped < spawned.length)
        {
            reaped += agents.awaitExits(1_000_000_000L, exits);
        }
    }

    /** @return the other pids' p99 lateness in µs */
    private static double run(final long thresholdMs, final long[] agents, final int others, final String command,
        final String label) throws Exception
    {
        final long thresholdNanos = TimeUnit.MILLISECONDS.toNanos(thresholdMs);
        final int total = agents.length + others;
        final TrackingConfig config = TrackingConfig.builder(thresholdMs).trackerCapacity(total + 16)
            .rateLimits(0, 0, 0).namespacePolicy(true, false).build();
        final ObserverClock clock = ObserverClock.monotonic();
        final Set<Long> stormPids = new HashSet<>();
        for (final long a : agents)
        {
            stormPids.add((long)ChildSet.pidOf(a));
        }
        final StallLatencySink latency = new StallLatencySink(FIRST_SYNTHETIC_PID, others, thresholdNanos,
            clock.toSourceNanos(0));
        final SpawnTimes spawnTimes = new SpawnTimes();
        final Recovery recovery = null == command ? null : Recovery.start(
            RecoveryConfig.builder(RecoveryCommand.of(command), ChildEnvironment.of(List.of(), false, Map.of()))
                .debounceMillis(0).outstandingCapacity(total).build(),
            spawnTimes, new Diagnostics(LogFormat.TEXT, new PrintStream(OutputStream.nullOutputStream(), false,
                StandardCharsets.UTF_8), () -> 0L, System::nanoTime, 1));
        final List<ObserverEvents> sinks = new ArrayList<>(List.of(latency));
        if (null != recovery)
        {
            sinks.add(new StormOnly(recovery.sink(), stormPids));
        }
        final LoopOnThread loop = new LoopOnThread(config, new EventFanOut(sinks), clock, OBSERVER_NICE);
        final ThreadSampler sampler = new ThreadSampler(recovery);
        sampler.start();
        final long childrenCpuBefore = childrenCpuNanos();

        // Round 1 (not measured): every pid beats once, so the observer reads each new pid's /proc identity now.
        writeAll(loop, agents, 1);
        loop.writeSpread(FIRST_SYNTHETIC_PID, others, 1, 0);
        loop.awaitHandled(total);
        // Round 2 (measured): the storm's agents beat once at the same instant, the others over the next second.
        writeAll(loop, agents, 2);
        if (OTHERS_OFFSET_NANOS > 0)
        {
            LockSupport.parkNanos(OTHERS_OFFSET_NANOS);
        }
        loop.writeSpread(FIRST_SYNTHETIC_PID, others, 2, OTHERS_SPREAD_NANOS);

        final long deadline = System.nanoTime() + OTHERS_SPREAD_NANOS + thresholdNanos + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && (latency.measured() < others || null != recovery
            && recovery.stats().get(RecoveryCounter.DURATION_COUNT) < agents.length))
        {
            Thread.sleep(20);
        }
        final long observerCpuNanos = loop.observerCpuNanos();
        final long recoveryCpuNanos = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> "varta-recovery".equals(t.getName()))
            .mapToLong(t -> java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId()))
            .sum();
        loop.close();
        if (null != recovery)
        {
            recovery.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        }
        sampler.finish();
        final long childrenCpuNanos = childrenCpuNanos() - childrenCpuBefore;
        final double spawnsPerSecond = null == recovery ? Double.NaN : spawnTimes.perSecond();
        final double[] us = latency.percentileMicros(0.50, 0.99, 0.999, 1.0);
        System.out.printf("%-9s %10.1f %10.1f %10.1f %10.1f %10.0f %12d %14d %9.1f ms %9.1f ms %9.0f ms%n", label,
            us[0], us[1], us[2], us[3], spawnsPerSecond, sampler.peakThreads(), sampler.peakChildren(),
            observerCpuNanos / 1e6, recoveryCpuNanos / 1e6, childrenCpuNanos / 1e6);
        final double p99 = us[1];
        if (null != recovery && recovery.stats().get(RecoveryOutcome.SPAWNED) != agents.length)
        {
            System.out.printf("  (spawned %d of %d: %s)%n", recovery.stats().get(RecoveryOutcome.SPAWNED),
                agents.length, describe(recovery));
        }
        return p99;
    }

    /** CPU time of reaped children so far ({@code /proc/self/stat} cutime + cstime), ns. */
    private static long childrenCpuNanos() throws IOException
    {
        final String stat = Files.readString(Path.of("/proc/self/stat"));
        final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        final long ticks = Long.parseLong(f[13]) + Long.parseLong(f[14]); // fields 16 and 17
        return ticks * 10_000_000L; // USER_HZ 100
    }

    private static String describe(final Recovery recovery)
    {
        final StringBuilder out = new StringBuilder();
        for (final RecoveryOutcome o : RecoveryOutcome.values())
        {
            if (0 != recovery.stats().get(o))
            {
                out.append(o.label()).append('=').append(recovery.stats().get(o)).append(' ');
            }
        }
        return out.toString().trim();
    }

    /** Producer: one beat per agent, all at once. */
    /** All the storm's agents beat with this nonce at the same instant (one publish). */
    private static void writeAll(final LoopOnThread loop, final long[] agents, final long nonce)
    {
        for (final long a : agents)
        {
            loop.writeBeat(ChildSet.pidOf(a), nonce);
        }
        loop.publish();
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Hands recovery the measured round's stalls of the storm's agents only (the other pids are the yardstick). */
    private static final class StormOnly implements ObserverEvents
    {
        private final ObserverEvents recovery;
        private final Set<Long> storm;

        StormOnly(final ObserverEvents recovery, final Set<Long> storm)
        {
            this.recovery = recovery;
            this.storm = storm;
        }

        @Override
        public void onStall(final Stall stall)
        {
            if (2 == stall.lastNonce() && storm.contains(stall.pid()))
            {
                recovery.onStall(stall);
            }
        }

        @Override
        public long onTick(final long nowNanos, final StallFreshness freshness)
        {
            return recovery.onTick(nowNanos, freshness);
        }

        @Override
        public void onShutdown(final long nowNanos)
        {
            recovery.onShutdown(nowNanos);
        }
    }

    /** Recovery thread: when the first and the last child were spawned. */
    private static final class SpawnTimes implements RecoveryListener
    {
        private final AtomicLong first = new AtomicLong();
        private final AtomicLong last = new AtomicLong();
        private final AtomicLong count = new AtomicLong();

        @Override
        public void onSpawn(final Spawn spawn)
        {
            final long now = System.nanoTime();
            first.compareAndSet(0, now);
            last.set(now);
            count.incrementAndGet();
        }

        double perSecond()
        {
            final long n = count.get();
            return n < 2 ? Double.NaN : (n - 1) / ((last.get() - first.get()) / 1e9);
        }
    }

    /** Samples the process's thread count and recovery's outstanding children every millisecond. */
    private static final class ThreadSampler extends Thread
    {
        private final Recovery recovery;
        private volatile boolean done;
        private long peakThreads;
        private long peakChildren;

        ThreadSampler(final Recovery recovery)
        {
            super("sampler");
            this.recovery = recovery;
            setDaemon(true);
        }

        @Override
        public void run()
        {
            while (!done)
            {
                try (var tasks = Files.list(Path.of("/proc/self/task")))
                {
                    peakThreads = Math.max(peakThreads, tasks.count());
                }
                catch (final IOException e)
                {
                    throw new java.io.UncheckedIOException(e);
                }
                if (null != recovery)
                {
                    peakChildren = Math.max(peakChildren, recovery.stats().get(RecoveryCounter.CHILDREN_OUTSTANDING));
                }
                LockSupport.parkNanos(1_000_000);
            }
        }

        void finish() throws InterruptedException
        {
            done = true;
            join();
        }

        long peakThreads()
        {
            return peakThreads;
        }

        long peakChildren()
        {
            return peakChildren;
        }
    }
}
