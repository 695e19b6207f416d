package io.varta.watch.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Freezes one thread of another process the way {@code bench/verdicts.sh} does: every thread of the process is
 * pinned to the CPUs this process may use but the last, the chosen thread alone to the last one, and there a SCHED_FIFO busy
 * loop ({@code chrt -f 1}) runs for {@code on}, then nothing for {@code off}, again and again until
 * {@link #close()}. A SCHED_OTHER thread never runs on a CPU where a SCHED_FIFO task is runnable, so the thread
 * stops for each whole {@code on} period; everything else of the process goes on.
 *
 * <p>Safety on a shared machine: each busy loop ends by itself {@link #HOG_SELF_LIMIT} after its period should
 * have ended, so a test JVM killed mid-period leaves no SCHED_FIFO loop behind; {@link #close()} kills the current
 * one at once.
 *
 * <p>Needs root (SCHED_FIFO, another process's thread affinity), at least 2 allowed CPUs, {@code chrt} and
 * {@code taskset}: {@link #unavailable()} says which is missing.
 *
 * <p>Threading: {@link #close()} from any thread; the periods run on a thread of their own.
 */
public final class ThreadFreezer implements AutoCloseable
{
    /** How long after its period a busy loop that nobody killed ends by itself. */
    public static final Duration HOG_SELF_LIMIT = Duration.ofSeconds(1);
    /** /proc/PID/task/TID/comm holds at most 15 bytes of a thread's name. */
    private static final int COMM_LENGTH = 15;

    private final long pid;
    private final long tid;
    private final int frozenCpu;
    private final Duration on;
    private final Duration off;
    private final Object lock = new Object();
    private final Thread periods;
    private Process hog;
    private boolean closed;
    private int completed;
    private String failure;

    private ThreadFreezer(final long pid, final long tid, final int frozenCpu, final Duration on, final Duration off)
    {
        this.pid = pid;
        this.tid = tid;
        this.frozenCpu = frozenCpu;
        this.on = on;
        this.off = off;
        this.periods = new Thread(this::run, "thread-freezer-" + tid);
        this.periods.setDaemon(true);
    }

    /**
     * Why a thread cannot be frozen on this machine, if it cannot: not root, fewer than 2 allowed CPUs, no
     * {@code chrt} or {@code taskset} on the PATH, or SCHED_FIFO refused.
     *
     * @return the reason, or empty when freezing works here
     */
    public static Optional<String> unavailable() throws IOException, InterruptedException
    {
        if (0 != effectiveUid())
        {
            return Optional.of("needs root: SCHED_FIFO and the CPU affinity of another process's thread");
        }
        final List<Integer> cpus = allowedCpus(ProcessHandle.current().pid());
        if (cpus.size() < 2)
        {
            return Optional.of("needs at least 2 allowed CPUs (one to freeze a thread on, one for the rest); "
                + "this process may use " + cpus);
        }
        for (final String tool : List.of("chrt", "taskset"))
        {
            if (onPath(tool).isEmpty())
            {
                return Optional.of("needs " + tool + " (util-linux) on the PATH");
            }
        }
        final Process probe = new ProcessBuilder("chrt", "-f", "1", "true").redirectErrorStream(true).start();
        final String output = new String(probe.getInputStream().readAllBytes()).strip();
        if (!probe.waitFor(10, TimeUnit.SECONDS) || 0 != probe.exitValue())
        {
            probe.destroyForcibly();
            return Optional.of("SCHED_FIFO refused here (chrt -f 1 true): " + output);
        }
        return Optional.empty();
    }

    /**
     * Pins the whole of process {@code pid} to every allowed CPU but the last and its thread named {@code name}
     * alone to the last one, then starts the periods: {@code on} under a SCHED_FIFO busy loop, {@code off} free.
     *
     * @param name the thread's name (compared with the first 15 bytes, as the kernel keeps it); waited for up to
     *             10 s
     */
    public static ThreadFreezer start(final long pid, final String name, final Duration on, final Duration off)
        throws IOException, InterruptedException
    {
        final long tid = threadId(pid, name, Duration.ofSeconds(10));
        final List<Integer> cpus = allowedCpus(ProcessHandle.current().pid());
        if (cpus.size() < 2)
        {
            throw new AssertionError("this process may use only CPUs " + cpus);
        }
        final int frozenCpu = cpus.get(cpus.size() - 1);
        run("taskset", "-a", "-p", "-c", otherCpus(), Long.toString(pid));
        run("taskset", "-p", "-c", Integer.toString(frozenCpu), Long.toString(tid));
        final ThreadFreezer freezer = new ThreadFreezer(pid, tid, frozenCpu, on, off);
        freezer.periods.start();
        return freezer;
    }

    /**
     * @return the CPUs this process may use other than the last one (the one {@link #start} freezes a thread on), as
     *     {@code taskset -c} takes them
     */
    public static String otherCpus() throws IOException
    {
        final List<Integer> cpus = allowedCpus(ProcessHandle.current().pid());
        final StringBuilder others = new StringBuilder();
        for (final int cpu : cpus.subList(0, cpus.size() - 1))
        {
            others.append(others.isEmpty() ? "" : ",").append(cpu);
        }
        return others.toString();
    }

    /** @return the frozen thread's id */
    public long tid()
    {
        return tid;
    }

    /** @return how many whole {@code on} periods have ended */
    public int periods()
    {
        synchronized (lock)
        {
            return completed;
        }
    }

    /**
     * The frozen thread's time spent runnable but waiting for a CPU (second field of
     * {@code /proc/PID/task/TID/schedstat}), the evidence that the freeze held it.
     *
     * @return nanoseconds, or -1 when the kernel does not keep it
     */
    public long runDelayNanos()
    {
        try
        {
            final String[] fields = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid),
                "schedstat")).strip().split("\\s+");
            return Long.parseLong(fields[1]);
        }
        catch (final IOException | RuntimeException e)
        {
            return -1;
        }
    }

    /** Stops the periods and kills the busy loop if one runs; fails if a busy loop could not be started. */
    @Override
    public void close() throws InterruptedException
    {
        synchronized (lock)
        {
            closed = true;
            kill(hog);
            hog = null;
        }
        periods.interrupt();
        periods.join(TimeUnit.SECONDS.toMillis(10));
        synchronized (lock)
        {
            kill(hog); // belt and braces: the loop checks closed before it starts one
            if (null != failure)
            {
                throw new AssertionError(failure);
            }
        }
    }

    private void run()
    {
        try
        {
            while (true)
            {
                synchronized (lock)
                {
                    if (closed)
                    {
                        return;
                    }
                    hog = startHog();
                }
                Thread.sleep(on.toMillis());
                synchronized (lock)
                {
                    kill(hog);
                    hog = null;
                    if (closed)
                    {
                        return;
                    }
                    completed++;
                }
                Thread.sleep(off.toMillis());
            }
        }
        catch (final InterruptedException e)
        {
            // close() interrupted a sleep: it kills the loop itself
        }
        catch (final IOException | RuntimeException e)
        {
            synchronized (lock)
            {
                failure = "the SCHED_FIFO busy loop did not start: " + e;
            }
        }
    }

    /** A bash busy loop (builtins only, no fork) at SCHED_FIFO 1 on the frozen CPU, ending by itself. */
    private Process startHog() throws IOException
    {
        final long limitMicros = TimeUnit.NANOSECONDS.toMicros(on.plus(HOG_SELF_LIMIT).toNanos());
        final ProcessBuilder builder = new ProcessBuilder("chrt", "-f", "1", "taskset", "-c",
            Integer.toString(frozenCpu), "bash", "-c",
            "end=$(( ${EPOCHREALTIME/./} + " + limitMicros + " )); while (( ${EPOCHREALTIME/./} < end )); do :; done")
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("LC_ALL", "C"); // EPOCHREALTIME's separator is the locale's decimal point
        return builder.start();
    }

    private static void kill(final Process process)
    {
        if (null == process)
        {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly); // none: chrt and taskset exec
        process.destroyForcibly();
        try
        {
            process.waitFor(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** @return the id of {@code pid}'s thread whose name starts as {@code name}'s first 15 bytes */
    private static long threadId(final long pid, final String name, final Duration limit)
        throws IOException, InterruptedException
    {
        final String comm = name.length() > COMM_LENGTH ? name.substring(0, COMM_LENGTH) : name;
        final long deadline = System.nanoTime() + limit.toNanos();
        final Path tasks = Path.of("/proc", Long.toString(pid), "task");
        while (true)
        {
            try (var stream = Files.list(tasks))
            {
                for (final Path task : (Iterable<Path>)stream::iterator)
                {
                    try
                    {
                        if (comm.equals(Files.readString(task.resolve("comm")).strip()))
                        {
                            return Long.parseLong(task.getFileName().toString());
                        }
                    }
                    catch (final IOException e)
                    {
                        // the thread ended between list and read
                    }
                }
            }
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("no thread named " + name + " in process " + pid + " within " + limit);
            }
            Thread.sleep(20);
        }
    }

    /** @return the CPUs {@code pid} may run on ({@code Cpus_allowed_list}), ascending */
    private static List<Integer> allowedCpus(final long pid) throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")))
        {
            if (line.startsWith("Cpus_allowed_list:"))
            {
                final List<Integer> cpus = new ArrayList<>();
                for (final String range : line.substring(line.indexOf(':') + 1).strip().split(","))
                {
                    final String[] ends = range.split("-");
                    final int first = Integer.parseInt(ends[0]);
                    final int last = Integer.parseInt(ends[ends.length - 1]);
                    for (int cpu = first; cpu <= last; cpu++)
                    {
                        cpus.add(cpu);
                    }
                }
                return cpus;
            }
        }
        throw new IOException("no Cpus_allowed_list in /proc/" + pid + "/status");
    }

    private static long effectiveUid() throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
        {
            if (line.startsWith("Uid:"))
            {
                return Long.parseLong(line.substring(4).strip().split("\\s+")[1]);
            }
        }
        throw new IOException("no Uid line in /proc/self/status");
    }

    private static Optional<Path> onPath(final String tool)
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
        {
            final Path candidate = Path.of(dir.isEmpty() ? "." : dir, tool);
            if (Files.isExecutable(candidate))
            {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static void run(final String... command) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(10, TimeUnit.SECONDS) || 0 != p.exitValue())
        {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " failed: " + output);
        }
    }
}
