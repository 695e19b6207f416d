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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process flooding the socket with frames the observer rejects must not lock healthy agents out. The reference
 * charges every rejection to the global bucket, so 15 s of garbage from one process gave a 20 Hz agent 59 of about
 * 300 beats and 14 false stalls, and new agents were never tracked. Rejections from a kernel-verified sender now
 * spend that sender's own budget.
 */
class GarbageFloodIT
{
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(10);
    private static final int HEALTHY_BEATS = 60;
    private static final int HEALTHY_SPACING_MS = 50;

    @TempDir
    Path dir;

    @Test
    void aGarbageFloodFromOneProcessCausesNoFalseStallAndLocksNoAgentOut() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        final Path export = dir.resolve("export.tsv");
        try (ObserverProcess observer = ObserverProcess.start(dir, "--socket", socket.toString(),
            "--threshold-ms", "400", "--export-file", export.toString()))
        {
            observer.awaitSocket(socket);
            final Path loadgen = Sender.tool().resolveSibling("vlp-loadgen");
            // 3 s of bad-CRC frames at 50k/s from one process: ten times the default global rate.
            final Process flood = new ProcessBuilder(loadgen.toString(), "--socket", socket.toString(),
                "--senders", "1", "--frames-per-sender", "150000", "--rate-per-sender", "50000",
                "--corrupt", "crc").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            final List<String> items = new ArrayList<>();
            for (int i = 1; i <= HEALTHY_BEATS; i++)
            {
                items.add("beat:ok:" + i);
                items.add("sleep:" + HEALTHY_SPACING_MS);
            }
            final Process healthy = Sender.start(socket, items.toArray(String[]::new));
            Thread.sleep(1_000);
            final List<Long> newcomers = new ArrayList<>();
            for (int i = 0; i < 5; i++)
            {
                newcomers.add(Sender.send(socket, "beat:ok:1"));
            }
            assertTrue(healthy.waitFor(60, TimeUnit.SECONDS), "healthy sender finished");
            assertTrue(flood.waitFor(60, TimeUnit.SECONDS), "flood finished");
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));

            final List<Line> lines = ExportLog.read(export);
            final long pid = healthy.pid();
            final List<Line> beats = ExportLog.of(lines, "beat", pid);
            assertEquals(HEALTHY_BEATS, beats.size(), "every beat of the healthy agent was accepted");
            final long lastBeat = beats.get(beats.size() - 1).ns();
            for (final Line stall : ExportLog.of(lines, "stall", pid))
            {
                assertTrue(stall.ns() > lastBeat, "false stall in the middle of a healthy stream: " + stall);
            }
            for (final long newcomer : newcomers)
            {
                assertEquals(1, ExportLog.of(lines, "beat", newcomer).size(), "new agent " + newcomer + " tracked");
            }
            final Map<String, Long> summary = ExportLog.ingestSummary(observer.stderr());
            assertEquals(summary.get("datagrams"), summary.get("accounted"), summary::toString);
            assertTrue(summary.getOrDefault("rate_limited_sender", 0L) > 100_000L,
                "the flood spent its own budget: " + summary);
            assertTrue(ExportLog.ofKind(lines, "decode").size() < 200, "the flood did not flood the export file");
        }
    }
}
