package io.varta.watch.supervision;

import io.varta.watch.nativeio.PathBytes;
import io.varta.watch.log.Diagnostics;
import io.varta.watch.nativeio.NativeIoException;
import io.varta.watch.nativeio.Natives;
import io.varta.watch.observer.LoopProgress;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Everything that lets the observer itself be watched, in the order the daemon needs it:
 * <ol>
 *   <li>{@link #prepare}: open {@code $NOTIFY_SOCKET} (a warning at most) and read {@code $WATCHDOG_USEC};</li>
 *   <li>{@link #start}, once the sockets, sinks and {@code /metrics} are up: {@code READY=1}, then the hardware
 *       watchdog (its refusal is a startup failure, exit 1), the native self-watchdog thread and the
 *       heartbeat-file thread;</li>
 *   <li>{@link #stopping}, first thing at shutdown: join the self-watchdog thread (a loop that is being stopped
 *       must not be judged wedged), stop the heartbeat thread, {@code STOPPING=1};</li>
 *   <li>{@link #close(boolean)}, last: the hardware watchdog's magic close on a clean exit only, then the notify
 *       socket.</li>
 * </ol>
 *
 * <p>Threading: every method on the controlling (main) thread.
 */
public final class Supervision implements AutoCloseable
{
    /**
     * The command line's part: {@code --heartbeat-file}, {@code --self-watchdog-secs}, {@code --hw-watchdog}.
     *
     * @param heartbeatFile the heartbeat file, if any
     * @param selfWatchdogSecs the self-watchdog deadline, if given
     * @param hwWatchdog the hardware watchdog device, if any
     */
    public record Settings(Optional<PathBytes> heartbeatFile, OptionalLong selfWatchdogSecs,
        Optional<PathBytes> hwWatchdog)
    {
    }

    private final Settings settings;
    private final Diagnostics log;
    private final SystemdNotify notify;
    private final OptionalLong watchdogUsec;
    private HardwareWatchdog hardware;
    private SelfWatchdog watchdog;
    private HeartbeatFile heartbeat;
    private boolean ready;
    private boolean stopped;

    private Supervision(final Settings settings, final Diagnostics log, final SystemdNotify notify,
        final OptionalLong watchdogUsec)
    {
        this.settings = settings;
        this.log = log;
        this.notify = notify;
        this.watchdogUsec = watchdogUsec;
    }

    /**
     * Opens the notify socket if the service manager gave one; never fails. Main thread.
     *
     * @param settings the command line's part
     * @param environment the process environment ({@link System#getenv()})
     * @param log diagnostics
     * @return the prepared supervision
     */
    public static Supervision prepare(final Settings settings, final Map<String, String> environment,
        final Diagnostics log)
    {
        final SystemdNotify notify = SystemdNotify.fromEnvironment(environment, log);
        final OptionalLong usec = SelfWatchdog.watchdogUsec(environment, ProcessHandle.current().pid(), log);
        return new Supervision(settings, log, notify, usec);
    }

    /**
     * Announces readiness and starts watching the loop. Main thread, once.
     *
     * @param progress the observer loop's published progress
     * @throws NativeIoException {@code --hw-watchdog PATH: <reason>}, or the self-watchdog thread could not start
     *     although {@code --self-watchdog-secs} or {@code --hw-watchdog} asked for it
     */
    public void start(final LoopProgress progress) throws NativeIoException
    {
        notify.ready();
        ready = true;
        if (settings.hwWatchdog().isPresent())
        {
            hardware = HardwareWatchdog.open(settings.hwWatchdog().get());
        }
        final SelfWatchdog.Plan plan = SelfWatchdog.plan(settings.selfWatchdogSecs(), watchdogUsec, notify.isOpen());
        if (plan.aborts() || plan.pets() || null != hardware)
        {
            try
            {
                watchdog = SelfWatchdog.start(progress, plan, notify.fd(), null == hardware ? -1 : hardware.fd());
            }
            catch (final NativeIoException e)
            {
                if (null != hardware)
                {
                    hardware.close(true); // nothing will kick it: disarm before failing the start
                    hardware = null;
                }
                if (settings.selfWatchdogSecs().isPresent() || settings.hwWatchdog().isPresent())
                {
                    throw e;
                }
                log.warn(SelfWatchdog.WATCHDOG_USEC + " is set but the self-watchdog did not start: " + e.getMessage());
            }
        }
        if (settings.heartbeatFile().isPresent())
        {
            heartbeat = new HeartbeatFile(settings.heartbeatFile().get(), log);
            heartbeat.start(progress);
        }
    }

    /**
     * Shutdown has begun: stops the self-watchdog and heartbeat threads, then sends {@code STOPPING=1}. Main
     * thread; idempotent.
     */
    public void stopping()
    {
        if (stopped)
        {
            return;
        }
        stopped = true;
        if (null != watchdog)
        {
            final long[] stats = watchdog.stats();
            watchdog.close();
            if (stats[2] > 0)
            {
                log.warn("sd_notify: " + stats[2] + " WATCHDOG=1 messages could not be sent: "
                    + Natives.strerror((int)stats[3]));
            }
            if (stats[5] > 0)
            {
                log.warn("--hw-watchdog " + settings.hwWatchdog().map(PathBytes::toString).orElse("") + ": " + stats[5]
                    + " kicks failed: " + Natives.strerror((int)stats[6]));
            }
        }
        if (null != heartbeat)
        {
            heartbeat.close();
        }
        if (ready)
        {
            notify.stopping();
        }
    }

    /**
     * The last step: {@link #stopping()} if it has not run, the hardware watchdog's magic close when {@code clean},
     * the notify socket closed. Main thread; idempotent.
     *
     * @param clean true when the process is about to exit 0
     */
    public void close(final boolean clean)
    {
        stopping();
        if (null != hardware)
        {
            final int rc = hardware.close(clean);
            if (rc < 0)
            {
                log.warn("--hw-watchdog " + settings.hwWatchdog().map(PathBytes::toString).orElse("")
                    + ": magic close failed: " + Natives.strerror(-rc));
            }
            hardware = null;
        }
        notify.close();
    }

    /** {@link #close(boolean)} without the magic close (not a clean exit). */
    @Override
    public void close()
    {
        close(false);
    }
}
