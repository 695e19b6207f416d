package io.varta.watch.testsupport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the native {@code varta-send} tool as a separate sender process (its own pid, kernel-verified
 * credentials). Items: {@code hex:<bytes>}, {@code beat:<status>:<nonce>[:<payload>]},
 * {@code beatpid:<pid>:<status>:<nonce>[:<payload>]}, {@code sleep:<ms>}, {@code fd:}.
 */
public final class Sender
{
    private Sender()
    {
    }

    /** Path of the tool (system property {@code varta.native.tools}, set by Maven). */
    public static Path tool()
    {
        return Path.of(System.getProperty("varta.native.tools", "target/native-build/tools"), "varta-send");
    }

    /**
     * Sends the items from a new process and waits for it.
     *
     * @return the sender's pid (the pid its beat frames carry)
     */
    public static long send(final Path socket, final String... items) throws IOException, InterruptedException
    {
        final Process p = start(socket, items);
        if (!p.waitFor(30, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new AssertionError("varta-send did not finish");
        }
        if (0 != p.exitValue())
        {
            throw new AssertionError("varta-send failed: " + new String(p.getErrorStream().readAllBytes()));
        }
        return p.pid();
    }

    /** Starts a sender process without waiting (for long-running senders). */
    public static Process start(final Path socket, final String... items) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(tool().toString());
        command.add(socket.toString());
        command.addAll(List.of(items));
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
