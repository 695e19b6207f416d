package io.varta.watch.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The service manager's end of sd_notify for black-box tests: the native {@code notify-listen} tool bound at a
 * path or an {@code @abstract} name, every datagram recorded with its CLOCK_MONOTONIC receive time (the clock of
 * {@link System#nanoTime()} in this JVM too).
 */
public final class NotifyListener implements AutoCloseable
{
    /**
     * One datagram: when it arrived ({@link System#nanoTime()} clock), the kernel-verified sender pid (what systemd
     * compares with MainPID) and its text ({@code "READY=1\n"}).
     */
    public record Message(long receivedNanos, long senderPid, String text)
    {
    }

    private final String address;
    private final Process process;
    private final List<Message> messages = new ArrayList<>();
    private final Thread reader;

    private NotifyListener(final String address, final Process process, final BufferedReader out)
    {
        this.address = address;
        this.process = process;
        this.reader = new Thread(() -> read(out), "notify-listen-reader");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /** Path of the tool (system property {@code varta.native.tools}, set by Maven). */
    public static Path tool()
    {
        return Path.of(System.getProperty("varta.native.tools", "target/native-build/tools"), "notify-listen");
    }

    /** Binds {@code address} ({@code /path} or {@code @name}) and returns once the socket is bound. */
    public static NotifyListener bind(final String address) throws IOException
    {
        final Process p = new ProcessBuilder(tool().toString(), address, "--timeout-ms", "300000")
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        final String first = out.readLine();
        if (!"ready".equals(first))
        {
            p.destroyForcibly();
            throw new AssertionError("notify-listen " + address + " did not start: " + first);
        }
        return new NotifyListener(address, p, out);
    }

    /** @return the value for {@code NOTIFY_SOCKET} */
    public String address()
    {
        return address;
    }

    private void read(final BufferedReader out)
    {
        try
        {
            for (String line = out.readLine(); null != line; line = out.readLine())
            {
                final String[] fields = line.split(" ", 3);
                final Message m = new Message(Long.parseLong(fields[0]), Long.parseLong(fields[1]),
                    fields[2].replace("\\n", "\n"));
                synchronized (messages)
                {
                    messages.add(m);
                    messages.notifyAll();
                }
            }
        }
        catch (final IOException e)
        {
            // the tool ended
        }
    }

    /** @return every datagram so far, in arrival order */
    public List<Message> messages()
    {
        synchronized (messages)
        {
            return new ArrayList<>(messages);
        }
    }

    /** Waits up to {@code seconds} until a datagram matches; returns it. */
    public Message await(final Predicate<Message> condition, final long seconds) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        synchronized (messages)
        {
            while (true)
            {
                for (final Message m : messages)
                {
                    if (condition.test(m))
                    {
                        return m;
                    }
                }
                final long left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    throw new AssertionError("no matching sd_notify message within " + seconds + " s; got " + messages);
                }
                TimeUnit.NANOSECONDS.timedWait(messages, left);
            }
        }
    }

    /** Waits until {@code count} datagrams equal to {@code text} arrived. */
    public void awaitCount(final String text, final int count, final long seconds) throws InterruptedException
    {
        final int[] seen = new int[1];
        await(m ->
        {
            if (m.text().equals(text))
            {
                seen[0]++;
            }
            return seen[0] >= count;
        }, seconds);
    }

    @Override
    public void close() throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
        }
        reader.join(5_000);
    }
}
