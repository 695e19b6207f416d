package io.varta.watch.it;

import io.varta.watch.testsupport.ExportLog;
import io.varta.watch.testsupport.ExportLog.Line;
import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Many concurrent senders (reference §1 C item 36). */
class ManyAgentsIT
{
    @TempDir
    Path dir;

    @Test
    void tenConcurrentSendersOfTwentyBeatsEachAreAllTrackedAndAccounted() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "60000", "--tracker-capacity", "128", "--max-beat-rate", "0",
            "--export-file", export.toString()))
        {
            observer.awaitSocket(socket);
            final String[] items = new String[20];
            for (int i = 0; i < 20; i++)
            {
                items[i] = "beat:ok:" + (i + 1);
            }
            final List<Process> senders = new ArrayList<>();
            for (int s = 0; s < 10; s++)
            {
                senders.add(Sender.start(socket, items));
            }
            for (final Process sender : senders)
            {
                assertTrue(sender.waitFor(30, TimeUnit.SECONDS));
                assertEquals(0, sender.exitValue());
            }
            assertEquals(0, observer.terminate(Duration.ofSeconds(5)), observer::toString);

            final List<Line> lines = ExportLog.read(export);
            final Map<String, Long> perPid = lines.stream().filter(l -> l.kind().equals("beat"))
                .collect(Collectors.groupingBy(Line::pid, Collectors.counting()));
            final Map<String, Long> expected = senders.stream()
                .collect(Collectors.toMap(p -> Long.toString(p.pid()), p -> 20L));
            assertEquals(expected, perPid);
            assertEquals(200, lines.size(), "nothing but beat lines");
            final Map<String, Long> summary = ExportLog.ingestSummary(observer.stderr());
            assertEquals(200L, summary.get("datagrams"));
            assertEquals(200L, summary.get("beats"));
            assertEquals(200L, summary.get("accounted"));
        }
    }
}
