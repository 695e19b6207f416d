package io.varta.client;

import java.util.Objects;

/**
 * The dying gasp: one terminal frame ({@link VartaClient#beatTerminal(int)}: critical, nonce 2^64 - 1) sent before the
 * process dies, as the reference clients' panic hooks do, so the observer records an agent that died instead of waiting
 * out a stall.
 *
 * <pre>{@code
 * VartaClient varta = VartaClient.connect(socket);
 * TerminalHooks.installUncaughtExceptionHandler(varta);  // a thread dies of an exception: one terminal frame
 * TerminalHooks.installShutdownHook(varta);              // the JVM exits (end of main, System.exit, SIGTERM)
 * }</pre>
 *
 * Each sends only while the client is open: a client closed before the JVM exits sends nothing. The frame's payload is
 * 0. Neither hook ever throws from the frame it sends.
 */
public final class TerminalHooks
{
    private TerminalHooks()
    {
    }

    /**
     * Installs a default uncaught-exception handler that sends one terminal frame when any thread dies of an exception,
     * then hands the exception on: to the default handler that was installed before, or, when there was none, prints it
     * as the JVM does ({@code Exception in thread "name" ...} and the stack trace on stderr). Threads with a handler of
     * their own (or a thread group that overrides {@code uncaughtException}) bypass it, as they bypass every default
     * handler.
     *
     * @return the handler now installed
     */
    public static Thread.UncaughtExceptionHandler installUncaughtExceptionHandler(final VartaClient client)
    {
        Objects.requireNonNull(client, "client");
        final Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        final Thread.UncaughtExceptionHandler handler = (thread, error) ->
        {
            try
            {
                client.beatTerminal(0);
            }
            catch (final RuntimeException | Error ignored)
            {
                // the exception being handled matters more than the frame
            }
            if (null != previous)
            {
                previous.uncaughtException(thread, error);
            }
            else if (!(error instanceof ThreadDeath))
            {
                System.err.print("Exception in thread \"" + thread.getName() + "\" ");
                error.printStackTrace(System.err);
            }
        };
        Thread.setDefaultUncaughtExceptionHandler(handler);
        return handler;
    }

    /**
     * Registers a shutdown hook ({@code varta-terminal}) that sends one terminal frame when the JVM shuts down: the last
     * non-daemon thread ended, {@link System#exit}, SIGTERM, SIGINT or SIGHUP (not SIGKILL, and not a crash).
     *
     * @return closing it removes the hook again (a no-op once shutdown has begun)
     */
    public static AutoCloseable installShutdownHook(final VartaClient client)
    {
        Objects.requireNonNull(client, "client");
        final Thread hook = new Thread(() -> client.beatTerminal(0), "varta-terminal");
        Runtime.getRuntime().addShutdownHook(hook);
        return () ->
        {
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException shuttingDown)
            {
                // the hook runs (or ran) already
            }
        };
    }
}
