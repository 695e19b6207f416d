package io.varta.watch.it;

import io.varta.watch.testsupport.NotifyListener;
import io.varta.watch.testsupport.NotifyListener.Message;
import io.varta.watch.testsupport.ObserverProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sd_notify from a real {@code bin/varta-watch} (reference G items 62, 63): {@code READY=1} first, {@code WATCHDOG=1}
 * about every {@code WATCHDOG_USEC/2}, {@code STOPPING=1} last, to a socket at a path and at an abstract name; a
 * notify socket that cannot be opened is a warning, never a failure.
 */
class SdNotifyIT
{
    private static final long WATCHDOG_USEC = 200_000;

    @TempDir
    Path dir;

    @Test
    void readyWatchdogAndStoppingArriveInOrderOnAPathSocket() throws Exception
    {
        try (NotifyListener listener = NotifyListener.bind(dir.resolve("notify").toString()))
        {
            runAndCheck(listener);
        }
    }

    @Test
    void readyWatchdogAndStoppingArriveInOrderOnAnAbstractSocket() throws Exception
    {
        try (NotifyListener listener = NotifyListener.bind("@varta-it-notify-" + ProcessHandle.current().pid() + "-"
            + System.nanoTime()))
        {
            runAndCheck(listener);
        }
    }

    private void runAndCheck(final NotifyListener listener) throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        try (ObserverProcess observer = ObserverProcess.startWithEnvironment(dir, List.of(),
            Map.of("NOTIFY_SOCKET", listener.address(), "WATCHDOG_USEC", Long.toString(WATCHDOG_USEC)),
            "--socket", socket.toString(), "--threshold-ms", "100", "--shutdown-after-secs", "2"))
        {
            assertTrue(observer.process().waitFor(30, TimeUnit.SECONDS), "no exit");
            assertEquals(0, observer.exitCode(), observer.stderr());
            listener.await(m -> m.text().equals("STOPPING=1\n"), 10);
            final List<Message> messages = listener.messages();
            assertEquals("READY=1\n", messages.get(0).text(), messages.toString());
            for (final Message m : messages)
            {
                assertEquals(observer.process().pid(), m.senderPid(),
                    "every message comes from the launched pid (the launcher execs the JVM): NotifyAccess=main holds");
            }
            assertEquals("STOPPING=1\n", messages.get(messages.size() - 1).text(), messages.toString());
            final List<Long> pets = new ArrayList<>();
            for (final Message m : messages.subList(1, messages.size() - 1))
            {
                assertEquals("WATCHDOG=1\n", m.text(), "only WATCHDOG=1 between READY=1 and STOPPING=1");
                pets.add(m.receivedNanos());
            }
            assertTrue(pets.size() >= 5, "WATCHDOG=1 during about 2 s at a 100 ms cadence: " + pets.size());
            final List<Long> gaps = new ArrayList<>();
            for (int i = 1; i < pets.size(); i++)
            {
                gaps.add(pets.get(i) - pets.get(i - 1));
            }
            Collections.sort(gaps);
            final long median = gaps.get(gaps.size() / 2);
            final long interval = TimeUnit.MICROSECONDS.toNanos(WATCHDOG_USEC) / 2;
            assertTrue(median >= interval * 3 / 4 && median <= interval * 5 / 2,
                "WATCHDOG=1 about every WATCHDOG_USEC/2 (100 ms): median gap " + median + " ns, gaps " + gaps);
        }
    }

    @Test
    void aNotifySocketThatCannotBeOpenedIsOneWarningNotAFailure() throws Exception
    {
        final Path missing = dir.resolve("no-such-notify-socket");
        final Path socket = dir.resolve("obs.sock");
        try (ObserverProcess observer = ObserverProcess.startWithEnvironment(dir, List.of(),
            Map.of("NOTIFY_SOCKET", missing.toString(), "WATCHDOG_USEC", Long.toString(WATCHDOG_USEC)),
            "--socket", socket.toString(), "--threshold-ms", "100", "--shutdown-after-secs", "1"))
        {
            assertTrue(observer.process().waitFor(30, TimeUnit.SECONDS), "no exit");
            assertEquals(0, observer.exitCode(), observer.stderr());
            final String line = "varta-watch: sd_notify: could not open \"" + missing + "\": No such file or directory\n";
            assertTrue(observer.stderr().contains(line), observer.stderr());
            assertEquals(observer.stderr().indexOf(line), observer.stderr().lastIndexOf(line), "warned once");
        }
    }
}
