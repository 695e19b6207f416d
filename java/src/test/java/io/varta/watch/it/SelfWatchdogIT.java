package io.varta.watch.it;

import io.varta.watch.testsupport.NotifyListener;
import io.varta.watch.testsupport.NotifyListener.Message;
import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Sender;
import io.varta.watch.testsupport.WedgeAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The self-watchdog against a real {@code bin/varta-watch} whose loop a test-only agent ({@link WedgeAgent})
 * wedges (reference G item 64): the process dies by SIGABRT within deadline + one tick, after one stderr line
 * naming the stage, and no {@code WATCHDOG=1} is sent while the loop is wedged.
 */
class SelfWatchdogIT
{
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How late the watchdog thread's tick may run on a loaded 2-core machine. */
    private static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(750);
    /** Exit status the JVM's {@link Process} reports for a death by SIGABRT (128 + 6). */
    private static final int SIGABRT_STATUS = 134;
    private static final Pattern WEDGED = Pattern.compile("varta-watch stage '([a-z_]+)' wedged for >(\\d+)ns; aborting\n");

    @TempDir
    Path dir;

    /** A sink that stops in its flush (a stuck disk, a slow export file): WATCHDOG_USEC 200 ms, so ticks of 50 ms. */
    @Test
    void aLoopWedgedInFlushIsAbortedNamingTheStageAndEarnsNoWatchdogWhileWedged() throws Exception
    {
        final long tick = TimeUnit.MILLISECONDS.toNanos(50);
        final Path socket = dir.resolve("obs.sock");
        final Path trigger = dir.resolve("wedge-now");
        try (NotifyListener listener = NotifyListener.bind(dir.resolve("notify").toString());
             ObserverProcess observer = ObserverProcess.startWithEnvironment(dir, List.of(),
                 Map.of("NOTIFY_SOCKET", listener.address(), "WATCHDOG_USEC", "200000",
                     "JAVA_OPTS", "-javaagent:" + WedgeAgent.jar(dir) + "=flush:10000:" + trigger),
                 "--socket", socket.toString(), "--threshold-ms", "60000", "--self-watchdog-secs", "1",
                 "--max-beat-rate", "0"))
        {
            listener.awaitCount("WATCHDOG=1\n", 3, 30);
            Files.createFile(trigger);
            Thread.sleep(50); // the agent sees the trigger within 5 ms
            final Process beats = Sender.start(socket, "beat:ok:1", "sleep:100", "beat:ok:2", "sleep:100", "beat:ok:3");
            assertTrue(observer.process().waitFor(20, TimeUnit.SECONDS), "the wedged observer was not aborted");
            final long exitSeen = System.nanoTime();
            beats.waitFor(10, TimeUnit.SECONDS);
            final String stderr = observer.stderr();
            assertEquals(SIGABRT_STATUS, observer.exitCode(), stderr);
            assertTrue(stderr.contains("TEST ONLY: wedging the observer loop in stage 'flush'"), stderr);
            final long stuck = stuckNanos(stderr, "flush");
            assertTrue(stuck > DEADLINE_NANOS && stuck <= DEADLINE_NANOS + tick + SLACK_NANOS,
                "aborted within deadline + one tick (+ scheduling slack): stuck " + stuck + " ns");
            final long wedgeBegan = exitSeen - stuck; // no earlier than the real start of the wedge
            System.out.println("self-watchdog: flush wedge aborted after " + stuck + " ns (deadline " + DEADLINE_NANOS
                + " ns, tick " + tick + " ns)");
            for (final Message m : listener.messages())
            {
                assertFalse(m.text().equals("STOPPING=1\n"), "an abort is not a shutdown");
                if (m.text().equals("WATCHDOG=1\n"))
                {
                    assertTrue(m.receivedNanos() <= wedgeBegan + 2 * tick,
                        "WATCHDOG=1 " + (m.receivedNanos() - wedgeBegan) + " ns into the wedge");
                }
            }
        }
    }

    /** Oversleeping (what a loop stopped by a long GC pause looks like), without systemd: only the flag. */
    @Test
    void aLoopThatOversleepsItsAnnouncedWakeUpIsAbortedAsStageSleep() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path trigger = dir.resolve("wedge-now");
        try (ObserverProcess observer = ObserverProcess.startWithEnvironment(dir, List.of(),
            Map.of("JAVA_OPTS", "-javaagent:" + WedgeAgent.jar(dir) + "=sleep:10000:" + trigger),
            "--socket", socket.toString(), "--threshold-ms", "60000", "--self-watchdog-secs", "1"))
        {
            observer.awaitSocket(socket);
            Thread.sleep(2_500); // idle iterations sleep 1 s each, as long as the deadline: asleep is not wedged
            assertTrue(observer.process().isAlive(), "an idle loop is not wedged: " + observer.stderr());
            Files.createFile(trigger);
            assertTrue(observer.process().waitFor(20, TimeUnit.SECONDS), "the oversleeping observer was not aborted");
            final String stderr = observer.stderr();
            assertEquals(SIGABRT_STATUS, observer.exitCode(), stderr);
            final long overslept = stuckNanos(stderr, "sleep");
            System.out.println("self-watchdog: sleep wedge aborted " + overslept + " ns past the announced wake-up");
            assertTrue(overslept > DEADLINE_NANOS && overslept <= DEADLINE_NANOS + TimeUnit.MILLISECONDS.toNanos(250)
                + SLACK_NANOS,
                "aborted within deadline + one 250 ms tick (+ slack) past the announced wake-up: " + overslept + " ns");
        }
    }

    private static long stuckNanos(final String stderr, final String stage)
    {
        final Matcher m = WEDGED.matcher(stderr);
        assertTrue(m.find(), "no abort line in: " + stderr);
        assertEquals(stage, m.group(1), stderr);
        return Long.parseLong(m.group(2));
    }
}
