package io.varta.watch.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code bin/varta-watch} process for black-box tests: started with the given flags, stdout and
 * stderr captured to files, stopped with SIGTERM.
 */
public final class ObserverProcess implements AutoCloseable
{
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ObserverProcess(final Process process, final Path stdout, final Path stderr)
    {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Path of the launcher (system property {@code varta.launcher}, set by Maven; {@code -Dvarta.launcher=PATH} on
     * the {@code mvn} command line points the black-box tests at another build's {@code bin/varta-watch}).
     */
    public static Path launcher()
    {
        return Path.of(System.getProperty("varta.launcher", "../bin/varta-watch")).toAbsolutePath().normalize();
    }

    /** Starts the launcher with {@code args}; output goes to files in {@code dir}. */
    public static ObserverProcess start(final Path dir, final String... args) throws IOException
    {
        return launch(dir, List.of(), java.util.Map.of(), args);
    }

    /**
     * Starts the launcher through a wrapper command that execs it (e.g. {@code setpriv ...} to run as another
     * user, or {@link #fileSizeLimit(long)}); output goes to files in {@code dir}.
     */
    public static ObserverProcess startWrapped(final Path dir, final List<String> wrapper, final String... args)
        throws IOException
    {
        return launch(dir, wrapper, java.util.Map.of(), args);
    }

    /**
     * Starts the launcher with {@code args} and {@code javaOptions} added to the test JVM options (e.g. a
     * {@code -D} system property); output goes to files in {@code dir}.
     */
    public static ObserverProcess startWithJavaOptions(final Path dir, final String javaOptions, final String... args)
        throws IOException
    {
        return launch(dir, List.of(), java.util.Map.of("JAVA_OPTS", javaOptions), args);
    }

    /**
     * Starts the launcher through {@code wrapper} (may be empty) with extra environment entries ({@code JAVA_OPTS}
     * given here is appended to the tests' JVM options, e.g. a {@code -javaagent}); output goes to files in
     * {@code dir}.
     */
    public static ObserverProcess startWithEnvironment(final Path dir, final List<String> wrapper,
        final java.util.Map<String, String> environment, final String... args) throws IOException
    {
        return launch(dir, wrapper, environment, args);
    }

    /** Starts the launcher with {@code args} and these variables added to its environment. */
    public static ObserverProcess start(final Path dir, final java.util.Map<String, String> env, final String... args)
        throws IOException
    {
        return launch(dir, List.of(), env, args);
    }

    private static ObserverProcess launch(final Path dir, final List<String> wrapper,
        final java.util.Map<String, String> environment, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>(wrapper);
        command.add(launcher().toString());
        command.addAll(List.of(args));
        final Path out = Files.createTempFile(dir, "observer", ".out");
        final Path err = Files.createTempFile(dir, "observer", ".err");
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
        builder.environment().put("JAVA_OPTS", "-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        builder.environment().remove("NOTIFY_SOCKET"); // a test run under systemd must not notify the real manager
        builder.environment().remove("WATCHDOG_USEC");
        builder.environment().remove("WATCHDOG_PID");
        for (final java.util.Map.Entry<String, String> e : environment.entrySet())
        {
            builder.environment().merge(e.getKey(), e.getValue(), (old, add) -> "JAVA_OPTS".equals(e.getKey())
                ? old + " " + add : add);
        }
        return new ObserverProcess(builder.start(), out, err);
    }

    /** Runs the launcher to completion (for usage errors and --help); returns the finished process. */
    public static ObserverProcess run(final Path dir, final String... args) throws IOException, InterruptedException
    {
        final ObserverProcess p = start(dir, args);
        if (!p.process.waitFor(60, TimeUnit.SECONDS))
        {
            p.process.destroyForcibly();
            throw new AssertionError("varta-watch did not exit; stderr: " + p.stderr());
        }
        return p;
    }

    /** A wrapper for {@link #startWrapped}: the launcher runs under {@code ulimit -f} (RLIMIT_FSIZE) {@code kib} KiB. */
    public static List<String> fileSizeLimit(final long kib)
    {
        return List.of("bash", "-c", "ulimit -f " + kib + " && exec \"$@\"", "ulimit-wrapper");
    }

    /** Waits until {@code path} exists (the observer bound its socket) or the process died. */
    public void awaitSocket(final Path path) throws InterruptedException, IOException
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(path))
        {
            if (!process.isAlive())
            {
                throw new AssertionError("varta-watch exited with " + process.exitValue() + ": " + stderr());
            }
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("socket " + path + " did not appear; stderr: " + stderr());
            }
            Thread.sleep(20);
        }
    }

    /**
     * Waits for the {@code udp listener bound to IP:PORT} line on stderr (or the process's death).
     *
     * @return the bound {@code IP:PORT}, e.g. {@code 127.0.0.1:40123} or {@code [::1]:40123}
     */
    public String awaitUdpAddress() throws InterruptedException, IOException
    {
        final java.util.regex.Pattern bound = java.util.regex.Pattern.compile("udp listener bound to (\\S+)");
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true)
        {
            final java.util.regex.Matcher m = bound.matcher(stderr());
            if (m.find())
            {
                return m.group(1);
            }
            if (!process.isAlive())
            {
                throw new AssertionError("varta-watch exited with " + process.exitValue() + ": " + stderr());
            }
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("no udp listener line; stderr: " + stderr());
            }
            Thread.sleep(20);
        }
    }

    /** Sends SIGTERM and waits for the exit; returns the exit code. */
    public int terminate(final Duration limit) throws InterruptedException
    {
        process.destroy(); // SIGTERM
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS))
        {
            process.destroyForcibly();
            throw new AssertionError("varta-watch did not exit within " + limit + " after SIGTERM");
        }
        return process.exitValue();
    }

    public Process process()
    {
        return process;
    }

    public int exitCode()
    {
        return process.exitValue();
    }

    public String stdout() throws IOException
    {
        return Files.readString(stdout);
    }

    public String stderr() throws IOException
    {
        return Files.readString(stderr);
    }

    /** For assertion messages: the pid and whatever stderr holds so far. */
    @Override
    public String toString()
    {
        String err;
        try
        {
            err = stderr();
        }
        catch (final IOException e)
        {
            err = e.toString();
        }
        return "varta-watch pid " + process.pid() + "; stderr: " + err;
    }

    @Override
    public void close()
    {
        if (process.isAlive())
        {
            process.destroyForcibly();
        }
    }
}
