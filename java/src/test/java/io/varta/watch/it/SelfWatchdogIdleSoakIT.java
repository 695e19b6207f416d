package io.varta.watch.it;

import io.varta.watch.testsupport.NotifyListener;
import io.varta.watch.testsupport.NotifyListener.Message;
import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SLOW (30 s; tag {@code slow}: not in the default {@code mvn verify}, run by {@code ci/test}): an idle observer
 * under systemd's watchdog (the automatic 4 s self-watchdog deadline) runs 30 s without aborting and keeps
 * sending {@code WATCHDOG=1}, although its loop sleeps up to a second at a time and a stall deadline comes and goes.
 */
@Tag("slow")
class SelfWatchdogIdleSoakIT
{
    @TempDir
    Path dir;

    @Test
    void anIdleObserverWithTheSystemdDeadlineRunsThirtySecondsWithoutAborting() throws Exception
    {
        final long usec = 2_000_000; // WatchdogSec=2s: WATCHDOG=1 every second
        final Path socket = dir.resolve("obs.sock");
        try (NotifyListener listener = NotifyListener.bind(dir.resolve("notify").toString());
             ObserverProcess observer = ObserverProcess.startWithEnvironment(dir, List.of(),
                 Map.of("NOTIFY_SOCKET", listener.address(), "WATCHDOG_USEC", Long.toString(usec)),
                 "--socket", socket.toString(), "--threshold-ms", "3000", "--shutdown-after-secs", "30"))
        {
            observer.awaitSocket(socket);
            Sender.send(socket, "beat:ok:1"); // one stall deadline 3 s later, then nothing at all
            assertTrue(observer.process().waitFor(90, TimeUnit.SECONDS), "no exit");
            assertEquals(0, observer.exitCode(), "an idle observer was aborted: " + observer.stderr());
            listener.await(m -> m.text().equals("STOPPING=1\n"), 10);
            final List<Message> messages = listener.messages();
            long previous = messages.get(0).receivedNanos();
            long widest = 0;
            int pets = 0;
            for (final Message m : messages.subList(1, messages.size() - 1))
            {
                assertEquals("WATCHDOG=1\n", m.text());
                widest = Math.max(widest, m.receivedNanos() - previous);
                previous = m.receivedNanos();
                pets++;
            }
            System.out.println("idle soak: " + pets + " WATCHDOG=1 in 30 s, widest gap " + widest + " ns");
            assertTrue(pets >= 25, "WATCHDOG=1 about every second: " + pets);
            assertTrue(widest < TimeUnit.MICROSECONDS.toNanos(usec), "never a gap systemd would kill for: " + widest);
        }
    }
}
