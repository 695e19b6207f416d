package io.varta.watch.testsupport;

import io.varta.client.VartaClient;
import io.varta.vlp.Status;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A JVM of its own running a main class on the client's class path only: the client (jar or classes, wherever the
 * build put {@link VartaClient}), the wire format ({@link Status}'s), and one more directory (this module's test
 * classes for {@link ClientAgent}, or a directory a test compiled into). stdout and stderr go to files.
 */
public final class ClientProcess implements AutoCloseable
{
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private ClientProcess(final Process process, final Path stdout, final Path stderr)
    {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** @return the client's and the wire format's class path entries */
    public static List<Path> clientClassPath()
    {
        return List.of(location(VartaClient.class), location(Status.class));
    }

    /** Starts {@link ClientAgent} with {@code args}. */
    public static ClientProcess agent(final Path dir, final String... args) throws IOException
    {
        return start(dir, location(ClientAgent.class), ClientAgent.class.getName(), args);
    }

    /** Starts {@code mainClass} from {@code extra} plus the client's class path. */
    public static ClientProcess start(final Path dir, final Path extra, final String mainClass, final String... args)
        throws IOException
    {
        final List<String> classPath = new ArrayList<>();
        classPath.add(extra.toString());
        clientClassPath().forEach(p -> classPath.add(p.toString()));
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-cp", String.join(File.pathSeparator, classPath), mainClass));
        command.addAll(List.of(args));
        final Path out = Files.createTempFile(dir, "client", ".out");
        final Path err = Files.createTempFile(dir, "client", ".err");
        return new ClientProcess(new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
            .start(), out, err);
    }

    private static Path location(final Class<?> type)
    {
        try
        {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        }
        catch (final URISyntaxException e)
        {
            throw new IllegalStateException(e);
        }
    }

    /** @return the process's pid (the pid its frames carry) */
    public long pid()
    {
        return process.pid();
    }

    public Process process()
    {
        return process;
    }

    /** @return stdout's lines so far */
    public List<String> lines() throws IOException
    {
        return Files.readAllLines(stdout);
    }

    public String stderr() throws IOException
    {
        return Files.readString(stderr);
    }

    /** Polls stdout until {@code until} holds for its lines (or fails after {@code limit}, or when the process died). */
    public List<String> await(final Duration limit, final Predicate<List<String>> until)
        throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + limit.toNanos();
        List<String> lines = lines();
        while (!until.test(lines))
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("client output did not reach the expected state within " + limit + ": " + lines
                    + "; stderr: " + stderr());
            }
            if (!process.isAlive() && !until.test(lines()))
            {
                throw new AssertionError("client exited with " + process.exitValue() + ": " + lines() + "; stderr: "
                    + stderr());
            }
            Thread.sleep(20);
            lines = lines();
        }
        return lines;
    }

    /** Waits for the exit; returns the exit code. */
    public int waitFor(final Duration limit) throws InterruptedException, IOException
    {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS))
        {
            process.destroyForcibly();
            throw new AssertionError("client did not exit within " + limit + ": " + lines() + "; stderr: " + stderr());
        }
        return process.exitValue();
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
