package io.varta.watch.it;

import io.varta.watch.audit.AuditConfig;
import io.varta.watch.audit.RecoveryAuditLog;
import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogFormat;
import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Scrape;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Black-box tests of {@code --recovery-audit-file} on a spawned {@code bin/varta-watch}, checked with a spawned
 * {@code bin/varta-audit}: restarts after SIGKILL (clean and torn), rotation, startup errors.
 */
class AuditLogIT
{
    @TempDir
    Path dir;

    private Path audit()
    {
        return dir.resolve("audit.tsv");
    }

    private ObserverProcess start(final String... extra) throws IOException
    {
        final List<String> args = new ArrayList<>(List.of("--socket", dir.resolve("obs.sock").toString(),
            "--threshold-ms", "1000", "--recovery-audit-file", audit().toString()));
        args.addAll(List.of(extra));
        return ObserverProcess.start(dir, args.toArray(new String[0]));
    }

    /** Waits until the audit file has {@code lines} lines (the observer wrote its boot record). */
    private List<String> awaitLines(final ObserverProcess observer, final Path file, final int lines) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline)
        {
            if (Files.exists(file))
            {
                final List<String> now = Files.readAllLines(file);
                if (now.size() >= lines)
                {
                    return now;
                }
            }
            if (!observer.process().isAlive())
            {
                throw new AssertionError("exited " + observer.exitCode() + ": " + observer.stderr());
            }
            Thread.sleep(20);
        }
        throw new AssertionError(file + " did not reach " + lines + " lines; " + observer);
    }

    private static void kill9(final ObserverProcess observer) throws InterruptedException
    {
        observer.process().destroyForcibly(); // SIGKILL
        assertTrue(observer.process().waitFor(10, TimeUnit.SECONDS));
    }

    /** Runs {@code bin/varta-audit} to completion. */
    private Result verify(final Path... files) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(ObserverProcess.launcher().resolveSibling("varta-audit").toString());
        command.add("verify");
        for (final Path file : files)
        {
            command.add(file.toString());
        }
        return Result.run(dir, command);
    }

    private static String[] columns(final String line)
    {
        return line.split("\t", -1);
    }

    @Test
    void recoveryDecisionsAreRecordedAndTheFileVerifies() throws Exception
    {
        final Path socket = dir.resolve("obs.sock");
        try (ObserverProcess observer = start("--threshold-ms", "150", "--recovery-exec", "/bin/true {pid}",
            "--recovery-debounce-ms", "0"))
        {
            observer.awaitSocket(socket);
            final long agent = Sender.send(socket, "beat:ok:1");
            final List<String> lines = awaitLines(observer, audit(), 4); // header, boot, spawn, complete
            final String[] spawn = columns(lines.get(2));
            assertEquals(List.of("2", "spawn", Long.toString(agent), "exec", "/bin/true", "inline"),
                List.of(spawn[0], spawn[3], spawn[4], spawn[6], spawn[7], spawn[8]));
            final String[] complete = columns(lines.get(3));
            assertEquals(List.of("3", "complete", Long.toString(agent), spawn[5], "reaped", "0", "-"),
                List.of(complete[0], complete[3], complete[4], complete[5], complete[6], complete[7], complete[8]));
            assertEquals(0, observer.terminate(java.time.Duration.ofSeconds(10)), observer.stderr());
        }
        final Result verified = verify(audit());
        assertEquals(0, verified.exit(), verified.toString());
        assertTrue(verified.out().contains("3 record(s) in 1 file(s) verified"), verified.toString());
    }

    @Test
    void afterKillNineTheRestartResumesOrCutsTheTornLineAndTheChainVerifiesAcrossRestarts() throws Exception
    {
        final String firstChain;
        try (ObserverProcess first = start())
        {
            final List<String> lines = awaitLines(first, audit(), 2);
            assertEquals("# varta-watch recovery audit v2", lines.get(0));
            final String[] boot = columns(lines.get(1));
            assertEquals(List.of("1", "0", "boot", Long.toString(first.process().pid()), "-", "fresh"),
                List.of(boot[0], boot[2], boot[3], boot[4], boot[5], boot[6]));
            firstChain = boot[7];
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(audit()));
            kill9(first);
        }
        final String secondChain;
        try (ObserverProcess second = start())
        {
            final String[] boot = columns(awaitLines(second, audit(), 3).get(2));
            assertEquals(List.of("2", "boot", Long.toString(second.process().pid()), firstChain, "resume"),
                List.of(boot[0], boot[3], boot[4], boot[5], boot[6]));
            secondChain = boot[7];
            kill9(second);
        }
        Result verified = verify(audit());
        assertEquals(0, verified.exit, verified.toString());
        assertTrue(verified.out.contains("varta-audit: OK: 2 record(s) in 1 file(s) verified; last seq 2, last chain "
            + secondChain), verified.toString());

        // a crash in the middle of a line: the next start cuts it away and says so
        Files.write(audit(), "3\t1700000000000\t5\tspa".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
        try (ObserverProcess third = start())
        {
            List<String> lines = awaitLines(third, audit(), 4);
            while (!lines.get(lines.size() - 1).contains("\tcorrupt_tail\t"))
            {
                Thread.sleep(20);
                lines = awaitLines(third, audit(), 4);
            }
            assertEquals(4, lines.size(), lines.toString());
            final String[] boot = columns(lines.get(3));
            assertEquals(List.of("3", "boot", secondChain, "corrupt_tail"), List.of(boot[0], boot[3], boot[5], boot[6]));
            assertEquals(0, third.terminate(Duration.ofSeconds(20)));
            assertTrue(third.stderr().contains("varta-watch: recovery audit file had a torn tail from a prior unclean"
                + " shutdown; truncated to the last newline before resuming.\n"), third.stderr());
            assertTrue(third.stderr().contains("varta-watch: recovery audit: closed " + audit() + " at seq 3, chain "
                + boot[7] + "\n"), third.stderr());
        }
        assertFalse(Files.readString(audit()).contains("spa"), "the torn bytes are gone");
        verified = verify(audit());
        assertEquals(0, verified.exit, verified.toString());
        assertTrue(verified.out.contains("OK: 3 record(s)"), verified.toString());
    }

    /** The audit records of a file (lines that are not comments or the header), split into columns. */
    private static List<String[]> records(final List<String> lines)
    {
        final List<String[]> records = new ArrayList<>();
        for (final String line : lines)
        {
            if (!line.startsWith("#"))
            {
                records.add(columns(line));
            }
        }
        return records;
    }

    /** The lines of {@code file} up to its last newline (a line being appended right now is left out). */
    private static List<String> wholeLines(final Path file) throws IOException
    {
        if (!Files.exists(file))
        {
            return List.of(); // the observer binds its socket before it opens the audit file
        }
        final String content = Files.readString(file);
        return content.substring(0, content.lastIndexOf('\n') + 1).lines().toList();
    }

    private static List<String[]> ofKind(final List<String[]> records, final String kind)
    {
        return records.stream().filter(r -> kind.equals(r[3])).toList();
    }

    /**
     * The issue's "kill -9 during a storm of stalls, restart, the audit log verifies": 200 agents beat and go silent
     * together, each stall spawns a recovery command that records its run and sleeps 300 ms, and the observer is
     * SIGKILLed once 100 spawns are in the file, while spawns are still coming and children are outstanding. The
     * restart on the same file must keep every line written before the kill, continue with a boot record that names
     * the last record's chain and seq (resume, or corrupt_tail when the kill tore a line), audit new recoveries after
     * it, and {@code varta-audit verify} must accept the whole file, ending at the seq and chain the observer's close
     * line names.
     */
    @Test
    void aKillNineInTheMiddleOfARecoveryStormResumesTheChainAndTheFileVerifies() throws Exception
    {
        final int agents = 200;
        final Path socket = dir.resolve("obs.sock");
        final Path runs = dir.resolve("runs");
        final Path command = dir.resolve("recover");
        Files.writeString(command, "#!/bin/sh\necho \"$1\" >> \"" + runs + "\"\nexec sleep 0.3\n");
        Files.setPosixFilePermissions(command, PosixFilePermissions.fromString("rwx------"));
        final String[] flags = {"--threshold-ms", "200", "--max-beat-rate", "0", "--recovery-exec", command + " {pid}",
            "--recovery-timeout-ms", "5000"};

        final byte[] beforeKill;
        Process senders = null;
        try (ObserverProcess first = start(flags))
        {
            first.awaitSocket(socket);
            // each agent: two beats, then silent (alive) for 2 s; its stall comes 200 ms after its second beat
            senders = new ProcessBuilder("sh", "-c", "i=0; while [ $i -lt " + agents + " ]; do \"$0\" \"$1\""
                + " beat:ok:1 beat:ok:2 sleep:2000 & i=$((i+1)); done; wait",
                Sender.tool().toString(), socket.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (ofKind(records(wholeLines(audit())), "spawn").size() < 100)
            {
                assertTrue(first.process().isAlive(), first::toString);
                assertTrue(System.nanoTime() < deadline, () -> "no storm of spawns; " + first);
                Thread.sleep(5);
            }
            kill9(first);
            beforeKill = Files.readAllBytes(audit());
            Files.delete(socket); // left behind by the kill: the restart's bind is awaited below
        }
        finally
        {
            if (null != senders)
            {
                senders.descendants().forEach(ProcessHandle::destroyForcibly);
                senders.destroyForcibly();
            }
        }

        final String killed = new String(beforeKill, StandardCharsets.UTF_8);
        final boolean torn = !killed.endsWith("\n");
        final String whole = killed.substring(0, killed.lastIndexOf('\n') + 1);
        final List<String[]> written = records(whole.lines().toList());
        final List<String[]> spawns = ofKind(written, "spawn");
        final List<String[]> completes = ofKind(written, "complete");
        assertTrue(spawns.size() > completes.size(), () -> "killed in the middle: " + spawns.size() + " spawns, "
            + completes.size() + " completes");
        assertEquals(spawns.size(), spawns.stream().map(r -> r[4]).distinct().count(), "one recovery per agent");
        for (final String[] complete : completes)
        {
            assertTrue(spawns.stream().anyMatch(spawn -> Long.parseLong(spawn[0]) < Long.parseLong(complete[0])
                && spawn[4].equals(complete[4]) && spawn[5].equals(complete[5])), () -> String.join("|", complete)
                + " completes a child no earlier spawn record names");
        }
        final String[] last = written.get(written.size() - 1);
        long lastSeq = Long.parseLong(last[0]);
        for (final String line : whole.lines().toList())
        {
            final Matcher gap = Pattern.compile("# gap: seq \\d+\\.\\.(\\d+) ").matcher(line);
            if (gap.lookingAt())
            {
                lastSeq = Math.max(lastSeq, Long.parseLong(gap.group(1)));
            }
        }

        final String closed;
        final long agent;
        try (ObserverProcess second = start(flags))
        {
            second.awaitSocket(socket);
            final String pid = Long.toString(second.process().pid());
            while (wholeLines(audit()).stream().noneMatch(l -> l.contains("\tboot\t" + pid + "\t")))
            {
                assertTrue(second.process().isAlive(), second::toString);
                Thread.sleep(20);
            }
            final String content = Files.readString(audit());
            assertTrue(content.startsWith(whole), "every line written before the kill is kept as it was");
            final String[] boot = columns(content.substring(whole.length()).lines().findFirst().orElseThrow());
            assertEquals(List.of(Long.toString(lastSeq + 1), "0", "boot", pid, last[last.length - 1],
                torn ? "corrupt_tail" : "resume"), List.of(boot[0], boot[2], boot[3], boot[4], boot[5], boot[6]),
                "the restart continues the chain after the last whole record");

            // a stall after the restart is audited on the resumed chain
            agent = Sender.send(socket, "beat:ok:1");
            final String agentPid = Long.toString(agent);
            while (ofKind(records(wholeLines(audit())), "complete").stream().noneMatch(r -> agentPid.equals(r[4])))
            {
                assertTrue(second.process().isAlive(), second::toString);
                Thread.sleep(20);
            }
            assertEquals(0, second.terminate(Duration.ofSeconds(20)), second.stderr());
            final Matcher close = Pattern.compile("recovery audit: closed "
                + Pattern.quote(audit().toString()) + " at seq (\\d+), chain ([0-9a-f]{64})\n")
                .matcher(second.stderr());
            assertTrue(close.find(), second.stderr());
            closed = "last seq " + close.group(1) + ", last chain " + close.group(2);
            assertEquals(torn, second.stderr().contains("recovery audit file had a torn tail"), second.stderr());
        }

        final List<String[]> all = records(wholeLines(audit()));
        final Result verified = verify(audit());
        assertEquals(0, verified.exit(), verified.toString());
        assertTrue(verified.out().contains("varta-audit: OK: " + all.size() + " record(s) in 1 file(s) verified; "
            + closed + "\n"), verified + "; expected " + closed);

        // the children outlived the killed observer: every audited spawn ran the command for its agent
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        final Set<String> expected = new TreeSet<>();
        spawns.forEach(r -> expected.add(r[4]));
        expected.add(Long.toString(agent));
        while (!Files.exists(runs) || !new TreeSet<>(Files.readAllLines(runs)).containsAll(expected))
        {
            assertTrue(System.nanoTime() < deadline, "a spawn the audit log records never ran");
            Thread.sleep(20);
        }
    }

    @Test
    void aRotationKeepsTheChainVerifiableAcrossGenerationsAndTheFamiliesAreServed() throws Exception
    {
        // a previous run left a file just under the limit: this start's boot record rotates it
        final RecoveryAuditLog previous = RecoveryAuditLog.open(AuditConfig.of(audit()),
            new Diagnostics(LogFormat.TEXT, new PrintStream(OutputStream.nullOutputStream()), () -> 0, System::nanoTime,
                1_000_000_000L));
        long seq = 1;
        while (Files.size(audit()) < AuditConfig.MIN_MAX_BYTES - 200)
        {
            previous.spawn(System.currentTimeMillis(), seq, 4000 + seq, 5000 + seq, "/usr/local/bin/restart-agent",
                "inline", 38);
            seq++;
            while (previous.lastSeq() < seq)
            {
                Thread.sleep(1);
            }
        }
        assertTrue(previous.close(0));

        final byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        final String token = HexFormat.of().formatHex(secret);
        final Path tokenFile = dir.resolve("prom.token");
        Files.writeString(tokenFile, token + "\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        final Path rotated = dir.resolve("audit.tsv.1");
        try (ObserverProcess observer = start("--recovery-audit-max-bytes", "4096", "--prom-addr", "127.0.0.1:0",
            "--prom-token-file", tokenFile.toString()))
        {
            awaitLines(observer, rotated, 1);
            final List<String> live = awaitLines(observer, audit(), 2); // the new generation: header, boot
            final String[] boot = columns(live.get(1));
            final List<String> old = Files.readAllLines(rotated);
            final String[] resume = columns(old.get(old.size() - 1));
            assertEquals(List.of(Long.toString(seq + 1), "boot", "resume"), List.of(resume[0], resume[3], resume[6]));
            assertEquals(List.of(Long.toString(seq + 2), "boot", resume[7], "rotation"),
                List.of(boot[0], boot[3], boot[5], boot[6]), "the new file's boot record names the old file's last chain");

            String address = observer.stdout();
            while (!address.contains("\n"))
            {
                Thread.sleep(20);
                address = observer.stdout();
            }
            final Scrape scrape = Scrape.get(address.strip(), token);
            assertEquals(200, scrape.status());
            assertTrue(scrape.value("varta_audit_fsync_seconds_count").orElseThrow() >= 2, scrape.body());
            assertEquals(0, scrape.value("varta_recovery_audit_dropped_total").orElseThrow());
            assertEquals(0, scrape.value("varta_audit_ring_watermark_total{level=\"critical\"}").orElseThrow());
            assertEquals(0, observer.terminate(Duration.ofSeconds(20)));
        }
        Result verified = verify(rotated, audit());
        assertEquals(0, verified.exit, verified.toString());
        assertTrue(verified.out.contains("OK: " + (seq + 2) + " record(s) in 2 file(s) verified"), verified.toString());
        verified = verify(audit(), rotated);
        assertEquals(1, verified.exit, verified.toString());
        assertTrue(verified.out.startsWith(rotated + ":2: seq 1: expected a rotation boot record continuing " + audit()),
            verified.toString());
    }

    @Test
    void unsafeAuditFilesAndBadValuesStopTheStart() throws Exception
    {
        final Path target = Files.writeString(dir.resolve("target.tsv"), "");
        final Path link = Files.createSymbolicLink(dir.resolve("link.tsv"), target);
        final Path open = Files.writeString(dir.resolve("open.tsv"), "");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        final Path directory = Files.createDirectory(dir.resolve("adir"));
        for (final String[] c : new String[][] {
            {link.toString(), link + ": must not be a symlink"},
            {open.toString(), open + ": insecure permissions 644 (must be 0600 or stricter)"},
            {directory.toString(), directory + ": must be a regular file"},
        })
        {
            final ObserverProcess p = ObserverProcess.run(dir, "--socket", dir.resolve("obs.sock").toString(),
                "--threshold-ms", "1000", "--recovery-audit-file", c[0]);
            assertEquals(1, p.exitCode(), p.stderr());
            assertEquals("varta-watch: " + c[1] + "\n", p.stderr());
        }
        assertEquals("", Files.readString(target), "nothing was written through the link");

        final ObserverProcess zero = ObserverProcess.run(dir, "--socket", dir.resolve("obs.sock").toString(),
            "--threshold-ms", "1000", "--recovery-audit-sync-every", "0");
        assertEquals(2, zero.exitCode());
        assertTrue(zero.stderr().startsWith("varta-watch: --recovery-audit-sync-every: not a valid unsigned integer:"
            + " \"0\"\n\nvarta-watch - "), zero.stderr());
        final ObserverProcess small = ObserverProcess.run(dir, "--socket", dir.resolve("obs.sock").toString(),
            "--threshold-ms", "1000", "--recovery-audit-max-bytes", "4095");
        assertEquals(2, small.exitCode());
        assertTrue(small.stderr().startsWith("varta-watch: --recovery-audit-max-bytes: 4095 is below the minimum 4096"
            + " bytes (a tiny cap rotates per record and shreds the audit trail with no tamper signal; omit the flag to"
            + " grow the audit file unbounded)\n\n"), small.stderr());
    }

    @Test
    void theVerifierLauncherNamesTheEditedRecordAndExitsOneOrTwo() throws Exception
    {
        final RecoveryAuditLog log = RecoveryAuditLog.open(AuditConfig.of(audit()),
            new Diagnostics(LogFormat.TEXT, new PrintStream(OutputStream.nullOutputStream()), () -> 0, System::nanoTime,
                1_000_000_000L));
        log.spawn(1_700_000_000_000L, 10, 42, 43, "/usr/bin/restart", "inline", 16);
        assertTrue(log.close(0));
        final String content = Files.readString(audit());
        Files.writeString(audit(), content.replace("\t42\t43\t", "\t42\t44\t"));
        Result r = verify(audit());
        assertEquals(1, r.exit, r.toString());
        assertTrue(r.out.startsWith(audit() + ":3: seq 2: chain mismatch: recomputed "), r.toString());
        assertTrue(r.out.contains("varta-audit: FAILED: 1 problem(s); 2 record(s) in 1 file(s) checked"), r.toString());

        r = Result.run(dir, List.of(ObserverProcess.launcher().resolveSibling("varta-audit").toString()));
        assertEquals(2, r.exit);
        assertTrue(r.err.startsWith("varta-audit: missing command (verify)\n\n"), r.toString());
        assertEquals("", r.out);
    }

    /** A finished process's exit code and output. */
    private record Result(int exit, String out, String err)
    {
        static Result run(final Path dir, final List<String> command) throws Exception
        {
            final Path out = Files.createTempFile(dir, "audit", ".out");
            final Path err = Files.createTempFile(dir, "audit", ".err");
            final ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(err.toFile());
            builder.environment().put("JAVA_OPTS", "-Xmx64m");
            final Process p = builder.start();
            if (!p.waitFor(60, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
                throw new AssertionError("varta-audit did not exit");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        }
    }
}
