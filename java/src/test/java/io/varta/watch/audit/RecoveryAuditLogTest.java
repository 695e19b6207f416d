package io.varta.watch.audit;

import io.varta.watch.recovery.RefusalReason;
import io.varta.watch.recovery.CompletionOutcome;

import io.varta.watch.testsupport.SmallTmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.OptionalInt;

import static io.varta.watch.audit.AuditTesting.declared;
import static io.varta.watch.audit.AuditTesting.lastRecord;
import static io.varta.watch.audit.AuditTesting.records;
import static io.varta.watch.audit.AuditTesting.verifyIntact;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The audit log on real files: opening, resuming, migrating, rotating, dropping. */
class RecoveryAuditLogTest
{
    @TempDir
    Path dir;

    private final AuditTesting.CapturedLog captured = new AuditTesting.CapturedLog();

    private Path file()
    {
        return dir.resolve("audit.tsv");
    }

    private RecoveryAuditLog open(final AuditConfig config) throws IOException
    {
        return RecoveryAuditLog.open(config.daemonPid(77), captured.log);
    }

    private static void spawns(final RecoveryAuditLog audit, final int n)
    {
        for (int i = 0; i < n; i++)
        {
            assertTrue(audit.spawn(1_700_000_000_000L + i, 1_000L * i, 100 + i, 200 + i, "/usr/bin/restart\tagent",
                "inline", 24));
        }
    }

    @Test
    void aFreshFileHasTheHeaderAndAFreshBootRecordAndMode0600() throws Exception
    {
        try (RecoveryAuditLog audit = open(AuditConfig.of(file())))
        {
            assertEquals(1, audit.lastSeq());
        }
        final List<String> lines = Files.readAllLines(file());
        assertEquals(AuditSchema.HEADER_V2, lines.get(0));
        final String[] boot = lines.get(1).split("\t");
        assertEquals(List.of("1", "0", "boot", "77", "-", "fresh"), List.of(boot[0], boot[2], boot[3], boot[4],
            boot[5], boot[6]));
        assertEquals(2, lines.size());
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file()));
        assertTrue(captured.text().contains("recovery audit: closed " + file() + " at seq 1, chain " + boot[7]),
            captured.text());
    }

    @Test
    void freeTextIsSanitisedAndEveryKindIsWritten() throws Exception
    {
        try (RecoveryAuditLog audit = open(AuditConfig.of(file())))
        {
            audit.spawn(1, 2, 3, 4, "/bin/a\tb\rc\nd", "/etc/varta/exec\tfile", 5);
            audit.complete(6, 7, 3, 4, CompletionOutcome.KILLED, OptionalInt.empty(), OptionalInt.of(9), 8, 10, 11, true);
            audit.complete(6, 7, 3, 4, CompletionOutcome.REAP_FAILED, OptionalInt.of(-1), OptionalInt.empty(), 0, 0, 0,
                false);
            audit.refused(12, 13, 3, RefusalReason.SKIPPED_STALL_UNVERIFIABLE);
        }
        final List<String[]> r = records(file());
        assertArrayEquals(new String[] {"2", "1", "2", "spawn", "3", "4", "exec", "/bin/a b c d", "/etc/varta/exec file",
            "5"}, java.util.Arrays.copyOf(r.get(1), 10));
        assertArrayEquals(new String[] {"3", "6", "7", "complete", "3", "4", "killed", "-", "9", "8", "10", "11",
            "true"}, java.util.Arrays.copyOf(r.get(2), 13));
        assertEquals("reap_failed\t-1\t-", String.join("\t", r.get(3)[6], r.get(3)[7], r.get(3)[8]));
        assertEquals("skipped_stall_unverifiable", r.get(4)[5]);
        assertEquals(5, verifyIntact(file()).records());
    }

    @Test
    void reopeningResumesSeqAndChainFromTheTail() throws Exception
    {
        final String lastChain;
        try (RecoveryAuditLog audit = open(AuditConfig.of(file())))
        {
            spawns(audit, 2);
            audit.close();
            lastChain = audit.lastChainHex();
            assertEquals(3, audit.lastSeq());
        }
        try (RecoveryAuditLog audit = open(AuditConfig.of(file())))
        {
            spawns(audit, 1);
        }
        final List<String[]> r = records(file());
        assertEquals(List.of("4", "boot", lastChain, "resume"), List.of(r.get(3)[0], r.get(3)[3], r.get(3)[5],
            r.get(3)[6]));
        assertEquals("5", r.get(4)[0]);
        assertEquals(1, Files.readAllLines(file()).stream().filter(AuditSchema.HEADER_V2::equals).count());
        assertEquals(5, verifyIntact(file()).records());
    }

    @Test
    void aTornLastLineIsCutAndTheLogResumesAsCorruptTail() throws Exception
    {
        final String lastChain;
        try (RecoveryAuditLog audit = open(AuditConfig.of(file())))
        {
            spawns(audit, 2);
            audit.close();
            lastChain = audit.lastChainHex();
        }
        final long whole = Files.size(file());
        Files.write(file(), "4\t1700000009999\t5\tspa".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
        try (RecoveryAuditLog audit = open(AuditConfig.of(file())))
        {
            assertEquals(4, audit.lastSeq());
        }
        assertTrue(captured.text().contains(AuditResume.TORN_TAIL_WARNING), captured.text());
        final List<String> lines = Files.readAllLines(file());
        assertFalse(String.join("\n", lines).contains("spa\t") || lines.get(3).endsWith("spa"));
        final String[] boot = lastRecord(file());
        assertEquals(List.of("4", lastChain, "corrupt_tail"), List.of(boot[0], boot[5], boot[6]));
        assertTrue(Files.size(file()) > whole);
        verifyIntact(file());
    }

    @Test
    void linesAfterTheLastRecordThatAreNotRecordsAreKeptAndReported() throws Exception
    {
        try (RecoveryAuditLog audit = open(AuditConfig.of(file())))
        {
            spawns(audit, 1);
        }
        Files.writeString(file(), "garbage\n7\tnot a record\n", StandardOpenOption.APPEND);
        try (RecoveryAuditLog audit = open(AuditConfig.of(file())))
        {
            assertEquals(8, audit.lastSeq(), "seq steps past the leading seq of the malformed line");
        }
        assertTrue(captured.text().contains("ends with 2 line(s) after its last record that are not v2 records"),
            captured.text());
        assertEquals("corrupt_tail", lastRecord(file())[6]);
        final AuditVerifier.Report report = AuditVerifier.verify(List.of(file()));
        assertEquals(List.of(4L, 5L), report.problems().stream().map(AuditVerifier.Problem::line).distinct().toList());
    }

    @Test
    void aV1FileGetsAV2SectionOnceAndThenResumes() throws Exception
    {
        Files.writeString(file(), AuditSchema.HEADER_V1 + "\n1700000000000\tspawn\t42\n");
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-------"));
        try (RecoveryAuditLog audit = open(AuditConfig.of(file())))
        {
            spawns(audit, 1);
        }
        assertTrue(captured.text().contains(AuditResume.LEGACY_V1_WARNING), captured.text());
        List<String> lines = Files.readAllLines(file());
        assertEquals(List.of(AuditSchema.HEADER_V1, "1700000000000\tspawn\t42", AuditSchema.HEADER_V2),
            lines.subList(0, 3));
        assertTrue(lines.get(3).matches("1\t\\d+\t0\tboot\t77\t-\tlegacy_v1\t[0-9a-f]{64}"), lines.get(3));
        try (RecoveryAuditLog audit = open(AuditConfig.of(file())))
        {
            assertEquals(3, audit.lastSeq());
        }
        lines = Files.readAllLines(file());
        assertEquals(1, lines.stream().filter(AuditSchema.HEADER_V2::equals).count(), "migrated once");
        assertEquals("resume", lastRecord(file())[6]);
        final AuditVerifier.Report report = verifyIntact(file());
        assertEquals(3, report.records());
        assertTrue(report.files().get(0).notes().get(0).contains("2 line(s) before the v2 header at line 3"),
            report.files().get(0).notes().toString());
    }

    @Test
    void anUnknownHeaderGetsASchemaDriftSection() throws Exception
    {
        Files.writeString(file(), "# some other tool's log\nrow 1\n");
        Files.setPosixFilePermissions(file(), PosixFilePermissions.fromString("rw-------"));
        try (RecoveryAuditLog audit = open(AuditConfig.of(file())))
        {
            assertEquals(1, audit.lastSeq());
        }
        assertTrue(captured.text().contains(AuditResume.SCHEMA_DRIFT_WARNING), captured.text());
        final List<String> lines = Files.readAllLines(file());
        assertEquals(List.of("# some other tool's log", "row 1", AuditSchema.HEADER_V2), lines.subList(0, 3));
        assertEquals("schema_drift", lastRecord(file())[6]);
        verifyIntact(file());
    }

    @Test
    void anEmptyExistingFileStartsFresh() throws Exception
    {
        Files.createFile(file(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (RecoveryAuditLog audit = open(AuditConfig.of(file())))
        {
            assertEquals(1, audit.lastSeq());
        }
        assertEquals("fresh", lastRecord(file())[6]);
        assertEquals("", captured.text().replaceAll("varta-watch: recovery audit: closed [^\n]*\n", ""));
    }

    @Test
    void rotationCarriesTheChainIntoEachGenerationsBootRecord() throws Exception
    {
        try (RecoveryAuditLog audit = open(AuditConfig.of(file()).maxBytes(AuditConfig.MIN_MAX_BYTES)))
        {
            spawns(audit, 90); // ~130 bytes each: about three generations
            audit.close();
            assertTrue(audit.rotations() >= 2, "rotations: " + audit.rotations());
            assertEquals(0, audit.ioErrors());
        }
        final Path g1 = dir.resolve("audit.tsv.1");
        final Path g2 = dir.resolve("audit.tsv.2");
        assertEquals(AuditSchema.HEADER_V2, Files.readAllLines(file()).get(0));
        final String[] firstOfLive = records(file()).get(0);
        assertEquals(List.of("boot", "rotation"), List.of(firstOfLive[3], firstOfLive[6]));
        assertEquals(lastRecord(g1)[lastRecord(g1).length - 1], firstOfLive[5], "prev_chain = the old file's last chain");
        assertEquals(Long.parseLong(lastRecord(g1)[0]) + 1, Long.parseLong(firstOfLive[0]));
        assertTrue(Files.size(g1) >= AuditConfig.MIN_MAX_BYTES);

        final java.util.ArrayList<Path> all = new java.util.ArrayList<>();
        for (int g = AuditConfig.GENERATIONS; g >= 1; g--)
        {
            final Path gen = dir.resolve("audit.tsv." + g);
            if (Files.exists(gen))
            {
                all.add(gen);
            }
        }
        all.add(file());
        final AuditVerifier.Report report = verifyIntact(all.toArray(new Path[0]));
        assertEquals(91 + all.size() - 1, report.records(), "90 spawns, the fresh boot and one boot per new file");
        verifyIntact(file()); // the newest alone: its first record is anchored to the previous generation

        final AuditVerifier.Report swapped = AuditVerifier.verify(List.of(g1, g2));
        assertFalse(swapped.intact());
        assertEquals(g2, swapped.problems().get(0).file());
        assertEquals(2, swapped.problems().get(0).line());
    }

    @Test
    void droppedRecordsAreDeclaredAsGapsAndTheChainRunsAcrossThem() throws Exception
    {
        final RecoveryAuditLog audit = open(AuditConfig.of(file()).ringCapacity(2));
        int offered = 0;
        for (int i = 0; i < 400; i++)
        {
            audit.refused(i, i, 1000 + i, RefusalReason.DEBOUNCED);
            offered++;
        }
        assertTrue(audit.close(0));
        final long dropped = audit.dropped();
        assertEquals(dropped, declared(file(), GapDeclaration.Reason.RING_FULL), "every drop is declared");
        final AuditVerifier.Report report = verifyIntact(file());
        assertEquals(1 + offered - dropped, report.records());
        assertEquals(1 + offered, audit.lastSeq(), "every offered record has a seq, written or declared");
    }

    @Test
    void producersRacingOnASmallRingLoseNothingUndeclared() throws Exception
    {
        final RecoveryAuditLog audit = open(AuditConfig.of(file()).ringCapacity(8).syncEvery(16));
        final int threads = 4;
        final int each = 500;
        final java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        final List<Thread> producers = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int id = t;
            final Thread producer = new Thread(() ->
            {
                try
                {
                    go.await();
                }
                catch (final InterruptedException e)
                {
                    return;
                }
                for (int i = 0; i < each; i++)
                {
                    if (audit.refused(i, i, id * 100_000L + i, RefusalReason.DEBOUNCED))
                    {
                        accepted.incrementAndGet();
                    }
                }
            });
            producer.start();
            producers.add(producer);
        }
        go.countDown();
        for (final Thread producer : producers)
        {
            producer.join();
        }
        assertTrue(audit.close(0));
        assertEquals(threads * each, accepted.get() + audit.dropped());
        assertEquals(audit.dropped(), declared(file(), GapDeclaration.Reason.RING_FULL));
        final List<String[]> written = records(file());
        assertEquals(1 + accepted.get(), written.size());
        assertEquals(accepted.get(), written.stream().skip(1).map(r -> r[4]).distinct().count(), "each record once");
        verifyIntact(file());
    }

    @Test
    void theWriterDeclaresDropsExactlyWhereTheyHappened() throws Exception
    {
        final AuditWriter writer = AuditWriter.open(AuditConfig.of(file()).daemonPid(77), captured.log);
        writer.write(new AuditRing.Entry(RecordKind.REFUSED, "1\t2\trefused\t3\tdebounced"
            .getBytes(StandardCharsets.US_ASCII), 0));
        writer.write(new AuditRing.Entry(RecordKind.REFUSED, "4\t5\trefused\t6\tspawn_failed"
            .getBytes(StandardCharsets.US_ASCII), 3));
        writer.write(new AuditRing.Entry(null, null, 2));
        writer.close();
        final List<String> lines = Files.readAllLines(file());
        assertEquals("# gap: seq 3..5 not written (ring_full)", lines.get(3));
        assertTrue(lines.get(4).startsWith("6\t4\t5\trefused\t6\tspawn_failed\t"), lines.get(4));
        assertEquals("# gap: seq 7..8 not written (ring_full)", lines.get(5));
        assertEquals(6, lines.size());
        verifyIntact(file());
        try (RecoveryAuditLog audit = open(AuditConfig.of(file())))
        {
            assertEquals(9, audit.lastSeq(), "resume steps past the trailing declaration");
        }
        verifyIntact(file());
    }

    @Test
    void aRelaxedSyncCadenceIsWarnedAbout() throws Exception
    {
        try (RecoveryAuditLog audit = open(AuditConfig.of(file()).syncEvery(64).syncIntervalMillis(10)))
        {
            spawns(audit, 3);
        }
        assertTrue(captured.text().contains(RecoveryAuditLog.SYNC_RELAXED_WARNING), captured.text());
        assertEquals(4, verifyIntact(file()).records());
    }

    @Test
    void failedWritesAreCutBackAndDeclaredWriteFailed() throws Exception
    {
        try (SmallTmpfs fs = SmallTmpfs.mountOrSkip(dir, "small", 64))
        {
            final Path log = fs.dir().resolve("audit.tsv");
            final RecoveryAuditLog audit = open(AuditConfig.of(log));
            final Path filler = fs.fillLeaving(4096);
            for (int i = 0; i < 60; i++)
            {
                audit.spawn(i, i, 1, 2, "/usr/bin/" + "x".repeat(200), "inline", 210); // ~300 bytes each
                Thread.sleep(1); // let the writer keep up: this test is about write failures, not drops
            }
            while (audit.recordsLost() == 0)
            {
                Thread.sleep(5);
            }
            Files.delete(filler);
            audit.spawn(1, 1, 1, 2, "/usr/bin/after", "inline", 14);
            assertTrue(audit.close(0));
            assertTrue(audit.ioErrors() > 0);
            assertEquals(audit.recordsLost(), declared(log, GapDeclaration.Reason.WRITE_FAILED));
            final AuditVerifier.Report report = verifyIntact(log);
            assertEquals(62 - audit.recordsLost() - audit.dropped(), report.records());
            assertTrue(captured.text().contains("recovery audit IO error: " + log + ": No space left on device"),
                captured.text());
        }
    }
}
