package io.varta.watch.it;

import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.PromEndpoint;
import io.varta.watch.testsupport.Scrape;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.varta.watch.testsupport.PromEndpoint.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recovery seen from outside (reference behaviours §D items 39–44): a real {@code bin/varta-watch}, real agent
 * processes ({@code varta-send}), and recovery commands that are small scripts in the test's directory recording
 * what they were given. Waits are generous; nothing asserts elapsed time.
 */
class RecoveryIT
{
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(10);
    private static final Pattern SPAWNED = Pattern.compile("recovery for pid (\\d+) spawned \\(child (\\d+)\\)");

    @TempDir
    Path dir;

    private Path socket()
    {
        return dir.resolve("obs.sock");
    }

    private ObserverProcess start(final Map<String, String> env, final String... args) throws Exception
    {
        final List<String> all = new ArrayList<>(List.of("--socket", socket().toString(), "--threshold-ms", "150",
            "--max-beat-rate", "0"));
        all.addAll(List.of(args));
        final ObserverProcess observer = ObserverProcess.start(dir, env, all.toArray(String[]::new));
        observer.awaitSocket(socket());
        return observer;
    }

    /** A {@code #!/bin/sh} script, mode 0700. */
    private Path script(final String name, final String body) throws IOException
    {
        final Path script = dir.resolve(name);
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    /** Records its arguments and its environment, each into a file named after the pid in $2 (written atomically). */
    private Path recorder() throws IOException
    {
        return script("record", "out=\"$1\"; pid=\"$2\"\n"
            + "printf '%s|' \"$@\" > \"$out/args-$pid.tmp\" && mv \"$out/args-$pid.tmp\" \"$out/args-$pid\"\n"
            + "env > \"$out/env-$pid.tmp\" && mv \"$out/env-$pid.tmp\" \"$out/env-$pid\"");
    }

    /** Appends one line per run to runs-$1, then (optionally) becomes a sleep. */
    private Path counter(final String then) throws IOException
    {
        return script("count", "echo run >> \"" + dir + "/runs-$1\"\n" + then);
    }

    private static void await(final String what, final CheckedCondition condition) throws Exception
    {
        final long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.holds())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(25);
        }
    }

    @FunctionalInterface
    private interface CheckedCondition
    {
        boolean holds() throws Exception;
    }

    private static void awaitStderr(final ObserverProcess observer, final Predicate<String> condition,
        final String what) throws Exception
    {
        try
        {
            await(what, () -> condition.test(observer.stderr()));
        }
        catch (final AssertionError e)
        {
            throw new AssertionError(e.getMessage() + "; stderr:\n" + observer.stderr(), e);
        }
    }

    private static int count(final String text, final String needle)
    {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1))
        {
            n++;
        }
        return n;
    }

    private List<String> runs(final long pid) throws IOException
    {
        final Path runs = dir.resolve("runs-" + pid);
        return Files.exists(runs) ? Files.readAllLines(runs) : List.of();
    }

    private static Set<String> keys(final List<String> env)
    {
        final Set<String> keys = new TreeSet<>();
        for (final String line : env)
        {
            keys.add(line.substring(0, line.indexOf('=')));
        }
        return keys;
    }

    @Test
    void aStalledAgentRunsTheCommandWithItsPidInAClearedEnvironmentWithoutAShell() throws Exception
    {
        final PromEndpoint prom = new PromEndpoint(dir);
        final Path pwned = dir.resolve("pwned");
        final List<String> args = new ArrayList<>(List.of("--recovery-exec",
            recorder() + " " + dir + " {pid} $(touch " + pwned + ") `touch " + pwned + "` ;x={pid}",
            "--recovery-env", "VARTA_E2E_ENV=works", "--recovery-debounce-ms", "1000"));
        args.addAll(List.of(prom.flags()));
        try (ObserverProcess observer = start(Map.of("VARTA_TEST_SECRET", "s3cret"), args.toArray(String[]::new)))
        {
            final String[] beats = new String[100];
            for (int i = 0; i < beats.length; i++)
            {
                beats[i] = "beat:ok:" + (i + 1);
            }
            final long pid = Sender.send(socket(), beats);
            final Path env = dir.resolve("env-" + pid);
            await("the recovery command's record", () -> Files.exists(env));

            assertEquals(dir + "|" + pid + "|$(touch|" + pwned + ")|`touch|" + pwned + "`|;x=" + pid + "|",
                Files.readString(dir.resolve("args-" + pid)), "{pid} substituted, every other byte literal");
            assertFalse(Files.exists(pwned), "no shell ever saw the arguments");
            final List<String> lines = Files.readAllLines(env);
            assertTrue(lines.contains("VARTA_PID=" + pid), lines::toString);
            assertTrue(lines.contains("PATH=/usr/bin:/bin"), lines::toString);
            assertTrue(lines.contains("VARTA_E2E_ENV=works"), lines::toString);
            final Set<String> keys = keys(lines);
            keys.remove("PWD"); // the shell exports its working directory itself
            assertEquals(Set.of("PATH", "VARTA_E2E_ENV", "VARTA_PID"), keys,
                "cleared: neither VARTA_TEST_SECRET nor JAVA_OPTS, HOME, ... reach the child");

            final Scrape scrape = prom.scrapeUntil(observer, PATIENCE,
                s -> is(s, "varta_recovery_outcomes_total{outcome=\"reaped_zero\"}", 1));
            assertTrue(is(scrape, "varta_beats_total{pid=\"" + pid + "\"}", 100), scrape::body);
            assertTrue(is(scrape, "varta_stalls_total{pid=\"" + pid + "\"}", 1), scrape::body);
            assertTrue(is(scrape, "varta_status{pid=\"" + pid + "\"}", 3), scrape::body);
            assertTrue(is(scrape, "varta_recovery_outcomes_total{outcome=\"spawned\"}", 1), scrape::body);
            assertTrue(is(scrape, "varta_recovery_duration_count_total", 1), scrape::body);
            final Matcher spawned = SPAWNED.matcher(observer.stderr());
            assertTrue(spawned.find(), observer::toString);
            assertEquals(Long.toString(pid), spawned.group(1));
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));
        }
    }

    @Test
    void inheritEnvGivesTheChildTheObserversEnvironmentWithEntriesOverriding() throws Exception
    {
        try (ObserverProcess observer = start(Map.of("VARTA_TEST_SECRET", "s3cret", "VARTA_E2E_ENV", "original"),
            "--recovery-exec", recorder() + " " + dir + " {pid}", "--recovery-inherit-env",
            "--recovery-env", "VARTA_E2E_ENV=override"))
        {
            assertTrue(observer.stderr().contains("varta-watch: --recovery-inherit-env: recovery children get the"
                + " observer's whole environment"), observer::toString);
            final long pid = Sender.send(socket(), "beat:ok:1");
            final Path env = dir.resolve("env-" + pid);
            await("the recovery command's record", () -> Files.exists(env));
            final List<String> lines = Files.readAllLines(env);
            assertTrue(lines.contains("VARTA_TEST_SECRET=s3cret"), lines::toString);
            assertTrue(lines.contains("VARTA_E2E_ENV=override"), lines::toString);
            assertTrue(lines.contains("VARTA_PID=" + pid), lines::toString);
            assertTrue(keys(lines).contains("JAVA_OPTS"), "the observer's own variables too");
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));
        }
    }

    @Test
    void aSecondStallInsideTheDebounceWindowDoesNotSpawn() throws Exception
    {
        try (ObserverProcess observer = start(Map.of(), "--recovery-exec", counter("") + " {pid}",
            "--recovery-debounce-ms", "60000"))
        {
            // One agent, two silences of 700 ms (threshold 150): two stalls, one recovery.
            final long pid = Sender.send(socket(), "beat:ok:1", "sleep:700", "beat:ok:2", "sleep:700");
            awaitStderr(observer, e -> e.contains("recovery for pid " + pid + " debounced: recovered less than"),
                "the second stall's debounce");
            assertEquals(List.of("run"), runs(pid));
            assertEquals(1, count(observer.stderr(), "recovery for pid " + pid + " spawned"));
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));
        }
    }

    @Test
    void atMostOneChildPerPidIsOutstanding() throws Exception
    {
        try (ObserverProcess observer = start(Map.of(), "--recovery-exec", counter("exec sleep 30") + " {pid}",
            "--recovery-debounce-ms", "0"))
        {
            final long pid = Sender.send(socket(), "beat:ok:1", "sleep:700", "beat:ok:2", "sleep:700");
            awaitStderr(observer, e -> e.contains("recovery for pid " + pid
                + " debounced: its previous recovery child is still running"), "the in-flight refusal");
            assertEquals(List.of("run"), runs(pid), "no second child while the first runs, debounce off or not");
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));
        }
    }

    @Test
    void aRecycledPidDoesNotInheritTheDebounce() throws Exception
    {
        final Path nsLastPid = Path.of("/proc/sys/kernel/ns_last_pid");
        Assumptions.assumeTrue(Files.isWritable(nsLastPid),
            "recycling a pid on purpose needs root in the initial pid namespace (/proc/sys/kernel/ns_last_pid)");
        try (ObserverProcess observer = start(Map.of(), "--recovery-exec", counter("") + " {pid}",
            "--recovery-debounce-ms", "600000"))
        {
            final long pid = Sender.send(socket(), "beat:ok:1", "sleep:500");
            await("the first process's recovery", () -> 1 == runs(pid).size());
            final Process second = startWithPid(pid, "sleep:300", "beat:ok:1", "sleep:700");
            Assumptions.assumeTrue(null != second, "pid " + pid + " kept being taken by other processes");
            assertTrue(second.waitFor(30, TimeUnit.SECONDS));
            await("the new process's recovery", () -> 2 == runs(pid).size());
            assertEquals(2, count(observer.stderr(), "recovery for pid " + pid + " spawned"), observer::toString);
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));
        }
    }

    /**
     * Starts a sender that gets exactly {@code pid}: the kernel hands out ns_last_pid + 1 next. Another process on
     * the host may take it first; then that sender is stopped before its first item and we try again.
     */
    private Process startWithPid(final long pid, final String... items) throws Exception
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            Files.writeString(Path.of("/proc/sys/kernel/ns_last_pid"), Long.toString(pid - 1));
            final Process p = Sender.start(socket(), items);
            if (p.pid() == pid)
            {
                return p;
            }
            p.destroyForcibly().waitFor();
        }
        return null;
    }

    @Test
    void aHangingChildIsKilledAtTheTimeoutItsOutputLengthsCountedAndTheObserverKeepsAnswering() throws Exception
    {
        final PromEndpoint prom = new PromEndpoint(dir);
        final Path hang = script("hang", "printf 12345; printf 123 >&2; touch \"" + dir + "/started-$1\"; exec sleep 30");
        final Path audit = dir.resolve("audit.tsv");
        final List<String> args = new ArrayList<>(List.of("--recovery-exec", hang + " {pid}", "--recovery-timeout-ms",
            "300", "--recovery-debounce-ms", "0", "--recovery-capture-stdio", "--recovery-capture-bytes", "4096",
            "--recovery-audit-file", audit.toString()));
        args.addAll(List.of(prom.flags()));
        try (ObserverProcess observer = start(Map.of(), args.toArray(String[]::new)))
        {
            final long pid = Sender.send(socket(), "beat:ok:1");
            await("the child's start", () -> Files.exists(dir.resolve("started-" + pid)));
            final Scrape scrape = prom.scrapeUntil(observer, PATIENCE,
                s -> is(s, "varta_recovery_outcomes_total{outcome=\"killed\"}", 1)
                    && is(s, "varta_recovery_duration_count_total", 1));
            assertEquals(200, scrape.status(), "the observer keeps answering");
            assertTrue(is(scrape, "varta_recovery_captured_bytes_total{stream=\"stdout\"}", 5), scrape::body);
            assertTrue(is(scrape, "varta_recovery_captured_bytes_total{stream=\"stderr\"}", 3), scrape::body);
            assertTrue(is(scrape, "varta_recovery_children_outstanding", 0), scrape::body);
            final Matcher spawned = SPAWNED.matcher(observer.stderr());
            assertTrue(spawned.find(), observer::toString);
            final String child = spawned.group(2);
            assertTrue(observer.stderr().contains("varta-watch: recovery child " + child + " killed\n"),
                observer::toString);
            assertFalse(Files.exists(Path.of("/proc/" + child)), "killed and reaped");
            assertFalse(observer.stderr().contains("12345"), "captured output is counted, never printed");
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));

            // the audit log says the same (docs/AUDIT.md): spawn, then complete with outcome killed, no exit code,
            // SIGKILL, at least the timeout, the captured lengths and not truncated
            final List<String[]> records = new ArrayList<>();
            for (final String line : Files.readAllLines(audit))
            {
                if (!line.startsWith("#"))
                {
                    records.add(line.split("\t", -1));
                }
            }
            assertEquals(List.of("boot", "spawn", "complete"), records.stream().map(r -> r[3]).toList(),
                "no record lost or added");
            final String[] spawn = records.get(1);
            assertEquals(List.of(Long.toString(pid), child), List.of(spawn[4], spawn[5]));
            final String[] complete = records.get(2);
            assertEquals(14, complete.length, String.join("|", complete));
            assertEquals(List.of(Long.toString(pid), child, "killed", "-", "9", "5", "3", "false"),
                List.of(complete[4], complete[5], complete[6], complete[7], complete[8], complete[10], complete[11],
                    complete[12]), String.join("|", complete));
            assertTrue(Long.parseLong(complete[9]) >= TimeUnit.MILLISECONDS.toNanos(300), "duration_ns "
                + complete[9] + " covers the --recovery-timeout-ms");
        }
    }

    @Test
    void shutdownKillsAndReapsChildrenWithinTheGrace() throws Exception
    {
        final Path hang = script("hang", "echo $$ > \"" + dir + "/child-$1.tmp\" && mv \"" + dir + "/child-$1.tmp\" \""
            + dir + "/child-$1\"; exec sleep 60");
        final Path execFile = dir.resolve("exec");
        Files.writeString(execFile, hang + " {pid}\n");
        Files.setPosixFilePermissions(execFile, PosixFilePermissions.fromString("rw-------"));
        final ObserverProcess observer = start(Map.of(), "--recovery-exec-file", execFile.toString(),
            "--shutdown-grace-ms", "3000");
        try (observer)
        {
            final long pid = Sender.send(socket(), "beat:ok:1");
            final Path childFile = dir.resolve("child-" + pid);
            await("the child's pid", () -> Files.exists(childFile));
            final String child = Files.readString(childFile).trim();
            assertTrue(Files.exists(Path.of("/proc/" + child)), "the child runs");
            assertEquals(0, observer.terminate(SHUTDOWN_LIMIT));
            assertTrue(observer.stderr().contains("varta-watch: recovery: 1 children killed at shutdown, 0 not reaped"
                + " within --shutdown-grace-ms\n"), observer::toString);
            assertFalse(Files.exists(Path.of("/proc/" + child)), "killed and reaped by the observer");
        }
    }
}
