package io.varta.watch.recovery;

import io.varta.watch.event.ObserverEvents;
import io.varta.watch.event.Stall;
import io.varta.watch.event.StallFreshness;
import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogFormat;
import io.varta.watch.tracker.BeatOrigin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recovery end to end inside one JVM with real child processes: the test thread plays the observer thread
 * (onStall, onTick), the real recovery thread spawns, kills and reaps, and a recording {@link RecoveryListener}
 * (what the audit log will be) sees every decision. Waits are generous and nothing asserts elapsed time.
 */
class RecoveryRunnerTest
{
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final long LINEAGE = 1234;

    @TempDir
    Path dir;

    private final Recording listener = new Recording();
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final Diagnostics log = new Diagnostics(LogFormat.TEXT, new PrintStream(logBytes, true,
        StandardCharsets.UTF_8), () -> 0L, System::nanoTime, 1);
    private Recovery recovery;
    private ObserverEvents sink;
    private long now;

    /** Every decision, in the order the listener saw it (recovery thread), read by the test thread. */
    private static final class Recording implements RecoveryListener
    {
        private final List<Object> records = new ArrayList<>();

        @Override
        public synchronized void onSpawn(final Spawn spawn)
        {
            records.add(spawn);
        }

        @Override
        public synchronized void onCompletion(final Completion completion)
        {
            records.add(completion);
        }

        @Override
        public synchronized void onRefusal(final Refusal refusal)
        {
            records.add(refusal);
        }

        synchronized <T> List<T> of(final Class<T> type)
        {
            return records.stream().filter(type::isInstance).map(type::cast).toList();
        }
    }

    private void start(final String command) throws IOException
    {
        start(RecoveryConfig.builder(RecoveryCommand.of(command), ChildEnvironment.of(List.of(), false, Map.of()))
            .debounceMillis(0).outstandingCapacity(256));
    }

    private void start(final RecoveryConfig.Builder config) throws IOException
    {
        recovery = Recovery.start(config.build(), listener, log);
        sink = recovery.sink();
    }

    @AfterEach
    void stopRecovery()
    {
        if (null != recovery)
        {
            recovery.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        }
    }

    /** One observer iteration with these stalls (kernel attested unless given). */
    private void stall(final long... pids)
    {
        for (final long pid : pids)
        {
            sink.onStall(new Stall(now, pid, 1, 0, BeatOrigin.KERNEL_ATTESTED, LINEAGE, -1, false, false));
        }
        tickUntilDecided();
    }

    private void tickUntilDecided()
    {
        long wake;
        do
        {
            now += 1_000_000;
            wake = sink.onTick(now, StallFreshness.ALWAYS_CURRENT);
        }
        while (Long.MAX_VALUE != wake);
    }

    /** Ticks (as the observer loop would, taking the recovery thread's notices) until the condition holds. */
    private void await(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for " + what + "; log:\n" + logText());
            }
            tickUntilDecided();
            Thread.sleep(5);
        }
    }

    private String logText()
    {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    private Path script(final String name, final String body) throws IOException
    {
        final Path script = dir.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    @Test
    void aStalledPidRunsTheCommandWithItsPidSubstitutedAndVartaPidSet() throws Exception
    {
        final Path script = script("mark", "printf '%s %s' \"$1\" \"$VARTA_PID\" > \"$2\"");
        start(script + " {pid} " + dir + "/marker-{pid}");
        stall(4242);
        await(() -> 1 == listener.of(RecoveryListener.Completion.class).size(), "the completion");
        assertEquals("4242 4242", Files.readString(dir.resolve("marker-4242")));

        final RecoveryListener.Spawn spawn = listener.of(RecoveryListener.Spawn.class).get(0);
        assertEquals(4242, spawn.agentPid());
        assertEquals(script.toString(), spawn.program());
        assertEquals(RecoveryCommand.INLINE_SOURCE, spawn.source());
        assertEquals((script + " {pid} " + dir + "/marker-{pid}").length(), spawn.templateLength());
        final RecoveryListener.Completion done = listener.of(RecoveryListener.Completion.class).get(0);
        assertEquals(spawn.childPid(), done.childPid());
        assertEquals(CompletionOutcome.REAPED, done.outcome());
        assertEquals(0, done.exitCode());
        assertEquals(-1, done.signal());
        assertTrue(done.durationNanos() > 0);
        assertTrue(logText().contains("varta-watch: recovery for pid 4242 spawned (child " + spawn.childPid() + ")\n"),
            logText());
        assertEquals(1, recovery.stats().get(RecoveryOutcome.SPAWNED));
        assertEquals(1, recovery.stats().get(RecoveryOutcome.REAPED_ZERO));
        assertEquals(1, recovery.stats().get(RecoveryCounter.DURATION_COUNT));
        assertEquals(done.durationNanos(), recovery.stats().get(RecoveryCounter.DURATION_NANOS_SUM));
    }

    @Test
    void aNonZeroExitIsLoggedAndOnlyTheCapturedLengthsAreRecorded() throws Exception
    {
        final Path script = script("noisy", "printf hello; printf err >&2; exit 3");
        start(RecoveryConfig.builder(RecoveryCommand.of(script.toString()), ChildEnvironment.of(List.of(), false,
            Map.of())).debounceMillis(0).capture(true, 6));
        stall(77);
        await(() -> 1 == listener.of(RecoveryListener.Completion.class).size(), "the completion");
        final RecoveryListener.Completion done = listener.of(RecoveryListener.Completion.class).get(0);
        assertEquals(CompletionOutcome.REAPED, done.outcome());
        assertEquals(3, done.exitCode());
        assertEquals(6, done.stdoutLength() + done.stderrLength(), "combined cap of 6 bytes");
        assertTrue(done.truncated());
        assertEquals(1, recovery.stats().get(RecoveryOutcome.REAPED_NONZERO));
        assertEquals(1, recovery.stats().get(RecoveryCounter.CAPTURE_TRUNCATED));
        assertEquals(6, recovery.stats().get(RecoveryCounter.CAPTURED_STDOUT_BYTES)
            + recovery.stats().get(RecoveryCounter.CAPTURED_STDERR_BYTES));
        assertTrue(logText().contains("recovery child " + done.childPid() + " exited non-zero: exit status: 3\n"),
            logText());
        assertFalse(logText().contains("hello"), "captured output is never kept or logged");
    }

    @Test
    void aChildStillRunningAtTheTimeoutIsKilled() throws Exception
    {
        start(RecoveryConfig.builder(RecoveryCommand.of("sleep 30"), ChildEnvironment.of(List.of(), false, Map.of()))
            .timeoutMillis(OptionalLong.of(RecoveryConfig.MIN_TIMEOUT_MILLIS)));
        stall(88);
        await(() -> 1 == listener.of(RecoveryListener.Completion.class).size(), "the killed child's completion");
        final RecoveryListener.Completion done = listener.of(RecoveryListener.Completion.class).get(0);
        assertEquals(CompletionOutcome.KILLED, done.outcome());
        assertEquals(9, done.signal());
        assertEquals(-1, done.exitCode());
        assertEquals(1, recovery.stats().get(RecoveryOutcome.KILLED));
        assertEquals(0, recovery.stats().get(RecoveryOutcome.REAPED_NONZERO), "a killed child is counted once");
        assertTrue(logText().contains("varta-watch: recovery child " + done.childPid() + " killed\n"), logText());
    }

    @Test
    void stopKillsAndReapsEveryChild() throws Exception
    {
        start("sleep 30");
        stall(101, 102, 103, 104, 105);
        await(() -> 5 == listener.of(RecoveryListener.Spawn.class).size(), "five spawns");
        assertTrue(recovery.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(10)), "all reaped within the deadline");
        final List<RecoveryListener.Completion> done = listener.of(RecoveryListener.Completion.class);
        assertEquals(5, done.size());
        for (final RecoveryListener.Completion c : done)
        {
            assertEquals(CompletionOutcome.KILLED, c.outcome());
            assertFalse(Files.exists(Path.of("/proc/" + c.childPid())), "reaped, not a zombie: " + c.childPid());
        }
        assertEquals(5, recovery.stats().get(RecoveryOutcome.KILLED));
        assertEquals(0, recovery.stats().get(RecoveryCounter.CHILDREN_OUTSTANDING));
        assertTrue(logText().contains("recovery: 5 children killed at shutdown, 0 not reaped within"), logText());
    }

    @Test
    void oneThreadServesHundredsOfOutstandingChildren() throws Exception
    {
        final long threadsBefore = tasks();
        start("sleep 30");
        final long[] pids = new long[200];
        for (int i = 0; i < pids.length; i++)
        {
            pids[i] = 10_000 + i;
        }
        stall(pids);
        await(() -> 200 == recovery.stats().get(RecoveryCounter.CHILDREN_OUTSTANDING), "200 live children");
        final long threadsWithChildren = tasks();
        assertEquals(1, Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().startsWith("varta-recovery")).count());
        assertTrue(threadsWithChildren - threadsBefore < 20,
            "200 children must not mean 200 threads: " + threadsBefore + " -> " + threadsWithChildren);
        assertTrue(recovery.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(20)));
        assertEquals(200, listener.of(RecoveryListener.Completion.class).size());
    }

    @Test
    void aFailedSpawnIsRefusedLoggedAndRetriedOnTheNextStall() throws Exception
    {
        start(RecoveryConfig.builder(RecoveryCommand.of("varta-no-such-program {pid}"),
            ChildEnvironment.of(List.of(), false, Map.of())).debounceMillis(60_000));
        stall(5);
        await(() -> 1 == listener.of(RecoveryListener.Refusal.class).size(), "the refusal");
        assertEquals(RefusalReason.SPAWN_FAILED, listener.of(RecoveryListener.Refusal.class).get(0).reason());
        assertTrue(logText().contains(
            "varta-watch: recovery for pid 5 spawn failed: varta-no-such-program: No such file or directory\n"),
            logText());
        stall(5);
        await(() -> 2 == listener.of(RecoveryListener.Refusal.class).size(), "a second attempt: no debounce armed");
        assertEquals(2, recovery.stats().get(RecoveryOutcome.SPAWN_FAILED));
    }

    @Test
    void refusalsAreLoggedAndReachTheListenerInDecisionOrder() throws Exception
    {
        start("/bin/true");
        sink.onStall(new Stall(now, 8, 1, 0, BeatOrigin.SOCKET_MODE_ONLY, -1, -1, false, false));
        sink.onStall(new Stall(now, 9, 1, 0, BeatOrigin.NETWORK_UNVERIFIED, -1, -1, false, false));
        tickUntilDecided();
        await(() -> 2 == listener.of(RecoveryListener.Refusal.class).size(), "two refusals");
        final List<RecoveryListener.Refusal> refused = listener.of(RecoveryListener.Refusal.class);
        assertEquals(RefusalReason.SOCKET_MODE_ONLY, refused.get(0).reason());
        assertEquals(RefusalReason.UNAUTHENTICATED_TRANSPORT, refused.get(1).reason());
        assertTrue(logText().contains("varta-watch: recovery for pid 8 REFUSED: the agent's beats are"
            + " socket-mode-only (no kernel-verified pid)\n"), logText());
        assertTrue(logText().contains("--plaintext-udp-i-accept-recovery-on-unauthenticated-transport"), logText());
    }

    @Test
    void argumentsReachTheChildLiterallyWithoutAShell() throws Exception
    {
        final Path pwned = dir.resolve("pwned");
        final Path script = script("args", "printf '%s|' \"$@\" > " + dir + "/args");
        start(script + " $(touch " + pwned + ") `touch " + pwned + "` ;touch&&{pid}");
        stall(6);
        await(() -> 1 == listener.of(RecoveryListener.Completion.class).size(), "the completion");
        assertEquals("$(touch|" + pwned + ")|`touch|" + pwned + "`|;touch&&6|", Files.readString(dir.resolve("args")));
        assertFalse(Files.exists(pwned));
    }

    private static long tasks() throws IOException
    {
        try (var entries = Files.list(Path.of("/proc/self/task")))
        {
            return entries.count();
        }
    }
}
