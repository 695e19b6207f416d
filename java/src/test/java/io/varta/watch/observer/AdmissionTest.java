package io.varta.watch.observer;

import io.varta.watch.event.MismatchReason;
import io.varta.watch.event.ObserverEvents;
import io.varta.watch.nativeio.RecordDraft;
import io.varta.watch.nativeio.Ring;
import io.varta.watch.nativeio.RingDescriptor;
import io.varta.watch.nativeio.RingWriter;
import io.varta.watch.tracker.BeatOrigin;
import io.varta.watch.tracker.PidIndex;
import io.varta.watch.tracker.PidMax;
import io.varta.watch.tracker.ProcessIdentity;
import io.varta.watch.tracker.RejectBudget;
import io.varta.watch.tracker.Tracker;
import io.varta.watch.tracker.TrackerCounter;
import io.varta.watch.tracker.TrackerListener;
import io.varta.vlp.DecodeError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link Admission}'s rules one by one, in its order, on the real ring path: records the native receiver would
 * write are put into a {@link Ring} with {@link RingWriter} (any kind, any field, chosen arrival times) and drained
 * through {@code Ring.drain} into a real {@link Admission} over a real {@link Tracker}, reading the real
 * {@code /proc}. Senders whose identity matters are real processes: this JVM, a process in a new pid namespace
 * ({@code unshare --pid --fork}), a process given a recycled pid on purpose ({@code ns_last_pid}).
 *
 * <p>Observer time equals the records' CLOCK_MONOTONIC receive time here (the batch is begun with offset 0), so a
 * record's {@code recvNanos} is the observer time it is judged at. After every test, the datagram outcomes must add
 * up to the datagrams read: exactly one outcome each.
 */
class AdmissionTest
{
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    /** This JVM: a live kernel-attested sender in our own pid namespace. */
    private static final long SELF = ProcessHandle.current().pid();
    /** A kernel-verified sender pid that only ever sends refused records (no /proc read happens for it). */
    private static final int GARBAGE_SENDER = 4242;
    private static final int OTHER_GARBAGE_SENDER = 4343;
    private static final long T0 = 10_000 * MS;

    private final Ring ring = new Ring(1024);
    private final RingWriter writer = new RingWriter(ring);
    private final IngestCounters counters = new IngestCounters();
    /** Every event Admission raised, as text, in order. */
    private final List<String> events = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private Tracker tracker;
    private Admission admission;

    private final ObserverEvents sink = new ObserverEvents()
    {
        @Override
        public void onBeat(final long nowNanos, final long pid, final long nonce, final int status, final long payload)
        {
            events.add("beat " + pid + " nonce " + Long.toUnsignedString(nonce) + " at " + ms(nowNanos));
        }

        @Override
        public void onDecodeError(final long nowNanos, final int errorCode, final int detailA, final int detailB)
        {
            events.add("decode_error " + DecodeError.ofCode(errorCode).wireName());
        }

        @Override
        public void onIoError(final long nowNanos, final String text)
        {
            events.add("io_error " + text);
        }

        @Override
        public void onControlTruncated(final long nowNanos, final String text)
        {
            events.add("ctrunc " + text);
        }

        @Override
        public void onMismatch(final long nowNanos, final long claimedPid, final MismatchReason reason)
        {
            events.add("mismatch " + claimedPid + " " + reason);
        }
    };

    private static long ms(final long nanos)
    {
        return nanos / MS;
    }

    private Admission admission(final TrackingConfig config)
    {
        tracker = new Tracker(config.trackerCapacity(), TimeUnit.MILLISECONDS.toNanos(config.thresholdMillis()),
            config.evictionPolicy(), config.evictionScanWindow(), TrackerListener.NONE);
        admission = new Admission(config, tracker, new ProcessIdentity(), sink, counters, 0, new String[] {"uds0"},
            new PidMax(0));
        return admission;
    }

    /** No rate limit at all unless a test sets one. */
    private static TrackingConfig.Builder unlimited()
    {
        return TrackingConfig.builder(60_000).rateLimits(0, 0, 0);
    }

    /**
     * Writes the records into the ring, then drains them as one batch begun at observer time {@code batchAt}, which
     * must not be earlier than any record's arrival (a later arrival is clamped to it, as a record can only have
     * arrived before the batch that drains it began).
     */
    private void deliver(final long batchAt, final RecordDraft... records)
    {
        for (final RecordDraft record : records)
        {
            assertTrue(writer.write(record), "ring full");
        }
        writer.publish();
        admission.beginBatch(batchAt, 0);
        assertEquals(records.length, ring.drain(admission, records.length + 1));
    }

    /** A valid beat from a kernel-verified sender, arriving at {@code at}. */
    private static RecordDraft beat(final long pid, final long nonce, final long at)
    {
        return RecordDraft.beat(pid, nonce).recvNanos(at);
    }

    /** A valid frame for {@code pid} from a UDP listener: no kernel-verified sender, the given origin. */
    private static RecordDraft udpBeat(final long pid, final long nonce, final int origin, final long at)
    {
        return RecordDraft.of(RingDescriptor.KIND_BEAT).transport(RingDescriptor.TRANSPORT_UDP).origin(origin)
            .framePid(pid).nonce(nonce).recvNanos(at);
    }

    private static RecordDraft badCrc(final int sender, final long at)
    {
        return RecordDraft.of(RingDescriptor.KIND_DECODE_ERROR).decodeErrorCode(DecodeError.BAD_CRC.code())
            .peerPid(sender).peerUid(0).recvNanos(at);
    }

    private static RecordDraft[] times(final int n, final java.util.function.IntFunction<RecordDraft> record)
    {
        final RecordDraft[] all = new RecordDraft[n];
        for (int i = 0; i < n; i++)
        {
            all[i] = record.apply(i);
        }
        return all;
    }

    /** The non-zero datagram outcome counters. */
    private Map<IngestCounter, Long> outcomes()
    {
        final Map<IngestCounter, Long> nonZero = new EnumMap<>(IngestCounter.class);
        for (final IngestCounter c : IngestCounter.values())
        {
            if (c.isDatagramOutcome() && 0 != counters.get(c))
            {
                nonZero.put(c, counters.get(c));
            }
        }
        return nonZero;
    }

    private long count(final String eventPrefix)
    {
        return events.stream().filter(e -> e.startsWith(eventPrefix)).count();
    }

    @AfterEach
    void everyDatagramHadExactlyOneOutcome()
    {
        try
        {
            assertEquals(counters.get(IngestCounter.DATAGRAMS), counters.outcomesTotal(), () -> outcomes().toString());
        }
        finally
        {
            for (final Process p : processes)
            {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }

    // --- 1. record kinds -------------------------------------------------------------------------------------------

    @Test
    void anIoErrorRecordIsCountedApartAndIsNotADatagram()
    {
        admission(unlimited().build());
        deliver(T0, RecordDraft.of(RingDescriptor.KIND_IO_ERROR).detailA(105).recvNanos(T0));
        assertEquals(1, counters.get(IngestCounter.IO_ERRORS));
        assertEquals(0, counters.get(IngestCounter.DATAGRAMS));
        assertEquals(List.of("io_error receive failed on uds0: errno 105"), events);
    }

    @Test
    void refusalsTheNativeSideDecidedAreCountedWithoutSpendingAnyToken()
    {
        // a global bucket of one token: any refusal that spent it would leave the beat below rate limited
        admission(TrackingConfig.builder(60_000).rateLimits(0, 1, 1).build());
        deliver(T0, RecordDraft.of(RingDescriptor.KIND_WRONG_LENGTH).datagramLength(31).recvNanos(T0),
            RecordDraft.of(RingDescriptor.KIND_DECRYPT_FAILED).transport(RingDescriptor.TRANSPORT_SECURE_UDP)
                .recvNanos(T0),
            RecordDraft.of(RingDescriptor.KIND_REPLAY_REFUSED).transport(RingDescriptor.TRANSPORT_SECURE_UDP)
                .recvNanos(T0),
            RecordDraft.of(RingDescriptor.KIND_SENDER_TABLE_FULL).transport(RingDescriptor.TRANSPORT_SECURE_UDP)
                .recvNanos(T0),
            beat(SELF, 1, T0));
        assertEquals(Map.of(IngestCounter.WRONG_LENGTH, 1L, IngestCounter.DECRYPT_FAILED, 1L,
            IngestCounter.REPLAY_REFUSED, 1L, IngestCounter.SENDER_TABLE_FULL, 1L, IngestCounter.BEATS, 1L), outcomes());
        assertEquals(List.of("beat " + SELF + " nonce 1 at " + ms(T0)), events, "none of them is reported");
    }

    @Test
    void aDecodeErrorIsCountedUnderItsKindAndReported()
    {
        admission(unlimited().build());
        deliver(T0, badCrc(GARBAGE_SENDER, T0), RecordDraft.of(RingDescriptor.KIND_DECODE_ERROR)
            .decodeErrorCode(DecodeError.BAD_NONCE.code()).peerPid(GARBAGE_SENDER).recvNanos(T0));
        assertEquals(Map.of(IngestCounter.DECODE_BAD_CRC, 1L, IngestCounter.DECODE_BAD_NONCE, 1L), outcomes());
        assertEquals(List.of("decode_error BadCrc", "decode_error BadNonce"), events);
        assertEquals(0, tracker.size());
    }

    // --- 2. credentials: uid mismatch, no credentials, truncated control data --------------------------------------

    @Test
    void aForeignUidIsChargedToItsSenderWhileMissingCredentialsAreChargedToNoSender()
    {
        admission(unlimited().build());
        final int n = (int) RejectBudget.BURST + 10;
        deliver(T0, times(n, i -> RecordDraft.of(RingDescriptor.KIND_UID_MISMATCH).peerPid(GARBAGE_SENDER)
            .peerUid(65534).recvNanos(T0)));
        assertEquals(Map.of(IngestCounter.UID_MISMATCH, RejectBudget.BURST, IngestCounter.RATE_LIMITED_SENDER, 10L),
            outcomes(), "the kernel named the sender: it spends its own budget");
        assertEquals("io_error peer credential UID mismatch: kernel reports uid 65534, expected uid 0", events.get(0));
        assertEquals(RejectBudget.BURST, events.size(), "reported only within the budget");

        // no credentials and truncated control data name no sender: no budget to spend, every one is counted
        deliver(T0, times(n, i -> RecordDraft.of(RingDescriptor.KIND_NO_CREDENTIALS).recvNanos(T0)));
        deliver(T0, times(n, i -> RecordDraft.of(RingDescriptor.KIND_CTRUNC).recvNanos(T0)));
        assertEquals(n, counters.get(IngestCounter.NO_CREDENTIALS));
        assertEquals(n, counters.get(IngestCounter.CONTROL_TRUNCATED));
        assertEquals(10, counters.get(IngestCounter.RATE_LIMITED_SENDER));
        assertEquals(n, count("io_error kernel did not attach peer credentials"));
        assertEquals(n, count("ctrunc control message truncated (MSG_CTRUNC)"));
    }

    // --- 3. transport and origin: frame pid vs the kernel's, pid_max without one ----------------------------------

    @Test
    void aKernelAttestedFrameClaimingAnotherPidIsAnAuthFailureAndNeverReachesTheTracker()
    {
        admission(unlimited().build());
        deliver(T0, beat(SELF, 1, T0));
        deliver(T0 + MS, beat(SELF, 5, T0 + MS).peerPid(GARBAGE_SENDER)); // GARBAGE_SENDER claims to be SELF
        assertEquals(1, counters.get(IngestCounter.AUTH_FAILURES));
        assertEquals("mismatch " + SELF + " AUTH_FAILURE", events.get(1));
        assertEquals(1, tracker.lastNonce(tracker.slotOf(SELF)), "the spoofed nonce was not taken");
        deliver(T0 + 2 * MS, beat(SELF, 2, T0 + 2 * MS));
        assertEquals(2, counters.get(IngestCounter.BEATS), "so the real sender's next nonce is still in order");
    }

    @Test
    void aFrameWithoutAKernelPidIsTakenAtItsWordUpToPidMaxWithoutReadingProc() throws IOException
    {
        admission(unlimited().build());
        final long pidMax = admission.pidMaxCurrent(); // read with one large read: small reads of procfs can mislead
        assertTrue(pidMax >= SELF, "pid_max " + pidMax);
        deliver(T0, udpBeat(pidMax + 1, 1, RingDescriptor.ORIGIN_NETWORK_UNVERIFIED, T0),
            udpBeat(pidMax, 1, RingDescriptor.ORIGIN_NETWORK_UNVERIFIED, T0),
            // a live local pid over UDP: its /proc identity must not be read, nothing vouches for the claim
            udpBeat(SELF, 1, RingDescriptor.ORIGIN_OPERATOR_ATTESTED_TRANSPORT, T0),
            // a UDS frame without a kernel pid (socket mode only): no peer pid to compare with
            RecordDraft.of(RingDescriptor.KIND_BEAT).origin(RingDescriptor.ORIGIN_SOCKET_MODE_ONLY).framePid(1)
                .nonce(1).recvNanos(T0));
        assertEquals(Map.of(IngestCounter.PID_ABOVE_MAX, 1L, IngestCounter.BEATS, 3L), outcomes());
        assertEquals(List.of("beat " + pidMax + " nonce 1 at " + ms(T0), "beat " + SELF + " nonce 1 at " + ms(T0),
            "beat 1 nonce 1 at " + ms(T0)), events, "the pid above pid_max is dropped without an event");
        assertEquals(PidIndex.MISSING, tracker.slotOf(pidMax + 1));
        final int self = tracker.slotOf(SELF);
        assertEquals(BeatOrigin.OPERATOR_ATTESTED_TRANSPORT, tracker.origin(self));
        assertEquals(ProcessIdentity.UNKNOWN, tracker.startTime(self), "no /proc read for a network agent");
        assertEquals(ProcessIdentity.UNKNOWN, tracker.nsInode(self));
        assertEquals(BeatOrigin.SOCKET_MODE_ONLY, tracker.origin(tracker.slotOf(1)));
    }

    @Test
    void aKernelAttestedPidSeenFirstIsPinnedToItsProcIdentity()
    {
        admission(unlimited().build());
        deliver(T0, beat(SELF, 1, T0));
        final ProcessIdentity proc = new ProcessIdentity();
        assertEquals(ProcessIdentity.PRESENT, proc.read(SELF));
        final int slot = tracker.slotOf(SELF);
        assertEquals(proc.startTime(), tracker.startTime(slot));
        assertEquals(proc.nsInode(), tracker.nsInode(slot));
        assertEquals(BeatOrigin.KERNEL_ATTESTED, tracker.origin(slot));
    }

    // --- 4. the origin-conflict rule -------------------------------------------------------------------------------

    @Test
    void aWeakerOriginForAPinnedPidIsAnOriginConflictAndAStrongerOneReplacesIt()
    {
        admission(unlimited().build());
        deliver(T0 + 2 * MS, beat(SELF, 1, T0),
            udpBeat(SELF, 2, RingDescriptor.ORIGIN_OPERATOR_ATTESTED_TRANSPORT, T0 + MS),
            udpBeat(SELF, 3, RingDescriptor.ORIGIN_NETWORK_UNVERIFIED, T0 + 2 * MS));
        assertEquals(Map.of(IngestCounter.BEATS, 1L, IngestCounter.ORIGIN_CONFLICT, 2L), outcomes());
        assertEquals(List.of("mismatch " + SELF + " ORIGIN_CONFLICT", "mismatch " + SELF + " ORIGIN_CONFLICT"),
            events.subList(1, 3));
        final int slot = tracker.slotOf(SELF);
        assertEquals(BeatOrigin.KERNEL_ATTESTED, tracker.origin(slot));
        assertEquals(1, tracker.lastNonce(slot));

        // the other way round: a kernel-attested beat replaces a network-pinned slot, even with a lower nonce
        admission(unlimited().build());
        events.clear();
        deliver(T0 + MS, udpBeat(SELF, 100, RingDescriptor.ORIGIN_NETWORK_UNVERIFIED, T0), beat(SELF, 1, T0 + MS));
        assertEquals(List.of("beat " + SELF + " nonce 100 at " + ms(T0), "beat " + SELF + " nonce 1 at " + ms(T0 + MS)),
            events);
        assertEquals(BeatOrigin.KERNEL_ATTESTED, tracker.origin(tracker.slotOf(SELF)));
    }

    // --- 5. pid namespaces -----------------------------------------------------------------------------------------

    @Test
    void aFirstSeenSenderInAnotherPidNamespaceIsRefusedAndNotTracked() throws Exception
    {
        final long foreign = startInNewPidNamespace();
        admission(unlimited().build());
        deliver(T0, beat(foreign, 1, T0));
        assertEquals(Map.of(IngestCounter.NAMESPACE_MISMATCH, 1L), outcomes());
        assertEquals(List.of("mismatch " + foreign + " NAMESPACE_CONFLICT"), events);
        assertEquals(PidIndex.MISSING, tracker.slotOf(foreign));
        assertNull(admission.fatalError(), "not strict: refused, the observer goes on");
        deliver(T0 + MS, beat(SELF, 1, T0 + MS));
        assertEquals(1, counters.get(IngestCounter.BEATS), "a sender in our namespace is not affected");
    }

    @Test
    void aSenderInAnotherPidNamespaceIsTrackedWhenAllowedAndStopsTheObserverWhenStrict() throws Exception
    {
        final long foreign = startInNewPidNamespace();
        admission(unlimited().namespacePolicy(true, false).build());
        deliver(T0, beat(foreign, 1, T0));
        assertEquals(Map.of(IngestCounter.BEATS, 1L), outcomes());
        final long inode = tracker.nsInode(tracker.slotOf(foreign));
        assertTrue(admission.crossesNamespace(inode), "pinned to its own namespace, which is not ours");

        admission(unlimited().namespacePolicy(false, true).build());
        deliver(T0, beat(foreign, 1, T0));
        assertEquals("--strict-namespace-check: agent pid " + foreign + " is in another pid namespace",
            admission.fatalError());
        assertEquals(1, counters.get(IngestCounter.NAMESPACE_MISMATCH));
    }

    @Test
    void aFloodFromAnotherPidNamespaceSpendsItsSendersBudgetAndBeyondItNoGlobalToken() throws Exception
    {
        final long foreign = startInNewPidNamespace();
        // a global bucket of 200 that does not refill within the test: a refusal within the sender's budget costs
        // the one token the rate limiter took, one beyond it must cost none
        admission(TrackingConfig.builder(60_000).rateLimits(0, 1, 200).build());
        deliver(T0, times(150, i -> beat(foreign, i + 1, T0)));
        assertEquals(Map.of(IngestCounter.NAMESPACE_MISMATCH, RejectBudget.BURST, IngestCounter.RATE_LIMITED_SENDER,
            150 - RejectBudget.BURST), outcomes(), "charged to the sender the kernel named");
        assertEquals(RejectBudget.BURST, count("mismatch " + foreign + " NAMESPACE_CONFLICT"));
        deliver(T0, beat(SELF, 1, T0));
        assertEquals(1, counters.get(IngestCounter.BEATS), "the flood beyond its budget left the global bucket alone");
    }

    @Test
    void aFrameRefusedAfterTheRateLimiterCostsOneGlobalTokenNotTwo() throws Exception
    {
        final long foreign = startInNewPidNamespace();
        // a global bucket of exactly the sender's budget + 1 that does not refill within the test: the budget's worth
        // of namespace refusals takes one token each (the rate limiter's), every one of them reported, and leaves the
        // last token for a healthy beat. Charging the refusal again would empty the bucket halfway through.
        admission(TrackingConfig.builder(60_000).rateLimits(0, 1, RejectBudget.BURST + 1).build());
        deliver(T0, times((int) RejectBudget.BURST, i -> beat(foreign, i + 1, T0)));
        assertEquals(Map.of(IngestCounter.NAMESPACE_MISMATCH, RejectBudget.BURST), outcomes(),
            "every refusal within the sender's budget was counted under its own outcome");
        assertEquals(RejectBudget.BURST, count("mismatch " + foreign + " NAMESPACE_CONFLICT"));
        deliver(T0, beat(SELF, 1, T0));
        assertEquals(1, counters.get(IngestCounter.BEATS), "one token was left for a healthy beat");
    }

    // --- 6. the per-sender reject budget, then the global bucket ---------------------------------------------------

    @Test
    void aSendersBadFramesSpendItsOwnBudgetFirstAndTheGlobalBucketIsTheLastLine()
    {
        // a global bucket of 60 that does not refill within the test (1 token per second, all at T0)
        admission(TrackingConfig.builder(60_000).rateLimits(0, 1, 60).build());
        deliver(T0, times(100, i -> badCrc(GARBAGE_SENDER, T0)));
        assertEquals(Map.of(IngestCounter.DECODE_BAD_CRC, RejectBudget.BURST,
            IngestCounter.RATE_LIMITED_SENDER, 100 - RejectBudget.BURST), outcomes(),
            "beyond its budget a sender's bad frames are dropped as sender_rejects");
        assertEquals(RejectBudget.BURST, count("decode_error"), "and not reported");

        deliver(T0, beat(SELF, 1, T0));
        assertEquals(1, counters.get(IngestCounter.BEATS), "they took no global token: a healthy beat still gets one");

        // another sender is within its own budget, but the global bucket (60 - 50 - 1 = 9 left) is the last line
        deliver(T0, times(20, i -> badCrc(OTHER_GARBAGE_SENDER, T0)));
        assertEquals(RejectBudget.BURST + 9, counters.get(IngestCounter.DECODE_BAD_CRC));
        assertEquals(11, counters.get(IngestCounter.RATE_LIMITED_GLOBAL));
        assertEquals(RejectBudget.BURST + 9, count("decode_error"), "a frame that found the bucket empty is silent");
        assertEquals(100 - RejectBudget.BURST, counters.get(IngestCounter.RATE_LIMITED_SENDER));
    }

    @Test
    void aSendersBudgetRefillsByTheArrivalTimesOfItsFramesNotByWhenTheyWereDrained()
    {
        admission(unlimited().build());
        final int n = (int) RejectBudget.BURST;
        // the whole budget at T0, then 10 more 500 ms later (5 refilled at 10/s), all drained in one late batch
        final List<RecordDraft> records = new ArrayList<>(List.of(times(n, i -> badCrc(GARBAGE_SENDER, T0))));
        records.addAll(List.of(times(10, i -> badCrc(GARBAGE_SENDER, T0 + 500 * MS))));
        deliver(T0 + 2_000 * MS, records.toArray(RecordDraft[]::new));
        assertEquals(Map.of(IngestCounter.DECODE_BAD_CRC, RejectBudget.BURST + 5, IngestCounter.RATE_LIMITED_SENDER,
            5L), outcomes());
    }

    // --- 7. rate limits at each record's own arrival time ----------------------------------------------------------

    @Test
    void thePerPidSpacingIsMeasuredBetweenArrivalTimesEvenWhenTheBatchIsDrainedLate()
    {
        admission(TrackingConfig.builder(60_000).rateLimits(100, 0, 0).build()); // 10 ms between accepted beats
        deliver(T0 + 1_000 * MS, beat(SELF, 1, T0), beat(SELF, 2, T0 + 5 * MS), beat(SELF, 3, T0 + 20 * MS),
            beat(SELF, 4, T0 + 25 * MS), beat(SELF, 5, T0 + 30 * MS), beat(SELF, Tracker.NONCE_TERMINAL, T0 + 31 * MS));
        assertEquals(Map.of(IngestCounter.BEATS, 4L, IngestCounter.RATE_LIMITED_PER_PID, 2L), outcomes());
        assertEquals(List.of("beat " + SELF + " nonce 1 at " + ms(T0), "beat " + SELF + " nonce 3 at " + ms(T0 + 20 * MS),
            "beat " + SELF + " nonce 5 at " + ms(T0 + 30 * MS),
            "beat " + SELF + " nonce " + Long.toUnsignedString(Tracker.NONCE_TERMINAL) + " at " + ms(T0 + 31 * MS)),
            events, "judged and reported at their arrival; the first terminal frame bypasses the spacing once");
        assertEquals(T0 + 31 * MS, tracker.lastBeatNanos(tracker.slotOf(SELF)));
    }

    @Test
    void aRecordWithoutAnArrivalTimeOrStampedAfterTheBatchBeganCountsAtTheBatchStart()
    {
        admission(unlimited().build());
        deliver(T0, beat(SELF, 1, 0), beat(SELF, 2, T0 + 5_000 * MS));
        assertEquals(List.of("beat " + SELF + " nonce 1 at " + ms(T0), "beat " + SELF + " nonce 2 at " + ms(T0)),
            events);
    }

    @Test
    void theGlobalBucketAdmitsABurstThenRefillsAtItsRate()
    {
        admission(TrackingConfig.builder(60_000).rateLimits(0, 10, 3).build());
        deliver(T0 + 100 * MS, beat(SELF, 1, T0), beat(SELF, 2, T0), beat(SELF, 3, T0), beat(SELF, 4, T0),
            beat(SELF, 5, T0 + 100 * MS)); // 10/s: one token back after 100 ms
        assertEquals(Map.of(IngestCounter.BEATS, 4L, IngestCounter.RATE_LIMITED_GLOBAL, 1L), outcomes());
    }

    // --- 8. a pid reused by a new process ------------------------------------------------------------------------

    @Test
    void anOutOfOrderFrameFromARestartedProcessReusingThePidStartsItsSlotAgain() throws Exception
    {
        final Process first = start(new ProcessBuilder("sleep", "30"));
        final long pid = first.pid();
        admission(unlimited().build());
        deliver(T0 + 3 * MS, beat(pid, 1, T0), beat(pid, 2, T0 + MS), beat(pid, 3, T0 + 2 * MS),
            beat(pid, 2, T0 + 3 * MS));
        assertEquals(Map.of(IngestCounter.BEATS, 3L, IngestCounter.OUT_OF_ORDER, 1L), outcomes(),
            "the same process repeating a nonce is out of order: /proc shows the same start time");
        Thread.sleep(50); // start times are in clock ticks: the next process must start in a later one

        first.destroyForcibly().waitFor();
        final Process second = startWithPid(pid, new ProcessBuilder("sleep", "30"));
        deliver(T0 + 10 * MS, beat(pid, 1, T0 + 10 * MS));
        assertEquals(Map.of(IngestCounter.BEATS, 4L, IngestCounter.OUT_OF_ORDER, 1L), outcomes(),
            "a new process at the pid begins again at nonce 1");
        assertEquals(1, tracker.counter(TrackerCounter.PID_RECYCLES));
        final int slot = tracker.slotOf(pid);
        assertEquals(new ProcessIdentity().readStartTime(second.pid()), tracker.startTime(slot));
        assertEquals(1, tracker.lastNonce(slot));
    }

    @Test
    void aProcessInAnotherPidNamespaceReusingATrackedPidIsRefusedLikeAFirstSighting() throws Exception
    {
        final Process first = start(new ProcessBuilder("sleep", "30"));
        final long pid = first.pid();
        admission(unlimited().namespacePolicy(false, true).build());
        deliver(T0 + MS, beat(pid, 1, T0), beat(pid, 2, T0 + MS));
        final int slot = tracker.slotOf(pid);
        final long pinnedStart = tracker.startTime(slot);
        Thread.sleep(50);

        first.destroyForcibly().waitFor();
        startInNewPidNamespaceWithPid(pid);
        deliver(T0 + 10 * MS, beat(pid, 1, T0 + 10 * MS));
        assertEquals(Map.of(IngestCounter.BEATS, 2L, IngestCounter.NAMESPACE_MISMATCH, 1L), outcomes(),
            "the new process is judged as a first sighting: another pid namespace is refused");
        assertEquals("mismatch " + pid + " NAMESPACE_CONFLICT", events.get(events.size() - 1));
        assertEquals("--strict-namespace-check: agent pid " + pid + " is in another pid namespace",
            admission.fatalError());
        assertEquals(0, tracker.counter(TrackerCounter.PID_RECYCLES), "the slot was not handed to it");
        assertEquals(pinnedStart, tracker.startTime(slot));
        assertEquals(2, tracker.lastNonce(slot));
    }

    // --- 9. an earlier rule wins over a later one ------------------------------------------------------------------

    @Test
    void theAuthCheckComesBeforeThePerPidSpacing()
    {
        admission(TrackingConfig.builder(60_000).rateLimits(100, 0, 0).build());
        // 1 ms after SELF's beat, inside its 10 ms spacing, a frame claiming SELF from another sender
        deliver(T0 + MS, beat(SELF, 1, T0), beat(SELF, 2, T0 + MS).peerPid(GARBAGE_SENDER));
        assertEquals(Map.of(IngestCounter.BEATS, 1L, IngestCounter.AUTH_FAILURES, 1L), outcomes());
    }

    @Test
    void thePerPidSpacingComesBeforeTheNonceRules()
    {
        admission(TrackingConfig.builder(60_000).rateLimits(100, 0, 0).build());
        deliver(T0 + 50 * MS, beat(SELF, 5, T0), beat(SELF, 3, T0 + MS), beat(SELF, 3, T0 + 50 * MS));
        assertEquals(Map.of(IngestCounter.BEATS, 1L, IngestCounter.RATE_LIMITED_PER_PID, 1L,
            IngestCounter.OUT_OF_ORDER, 1L), outcomes(), "a stale nonce inside the spacing is rate limited");
    }

    @Test
    void theGlobalBucketComesBeforeTheNamespaceCheckSoAFloodReadsNoProc() throws Exception
    {
        final long foreign = startInNewPidNamespace();
        admission(TrackingConfig.builder(60_000).rateLimits(0, 1, 1).namespacePolicy(false, true).build());
        deliver(T0, beat(SELF, 1, T0), beat(foreign, 1, T0));
        assertEquals(Map.of(IngestCounter.BEATS, 1L, IngestCounter.RATE_LIMITED_GLOBAL, 1L), outcomes());
        assertNull(admission.fatalError(), "the foreign sender's identity was never read");
    }

    @Test
    void aSpoofedFrameIsChargedToTheSenderTheKernelNamedNotToThePidItClaims()
    {
        admission(unlimited().build());
        // one sender spends its whole budget on a mix of rejections, then spoofs SELF
        final List<RecordDraft> records = new ArrayList<>();
        for (int i = 0; i < RejectBudget.BURST; i++)
        {
            records.add(0 == i % 2 ? badCrc(GARBAGE_SENDER, T0)
                : RecordDraft.of(RingDescriptor.KIND_UID_MISMATCH).peerPid(GARBAGE_SENDER).peerUid(1).recvNanos(T0));
        }
        records.add(beat(SELF, 7, T0).peerPid(GARBAGE_SENDER));
        records.add(beat(SELF, 8, T0).peerPid(OTHER_GARBAGE_SENDER));
        deliver(T0, records.toArray(RecordDraft[]::new));
        assertEquals(1, counters.get(IngestCounter.RATE_LIMITED_SENDER), "the spender's spoof is beyond its budget");
        assertEquals(1, counters.get(IngestCounter.AUTH_FAILURES), "another sender's spoof of the same pid is not");
        assertEquals("mismatch " + SELF + " AUTH_FAILURE", events.get(events.size() - 1));
    }

    // --- helpers: real processes -----------------------------------------------------------------------------------

    private Process start(final ProcessBuilder builder) throws IOException
    {
        final Process p = builder.redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(p);
        return p;
    }

    /** A command that, in a new pid namespace, prints its pid as our namespace sees it, then sleeps. */
    private static ProcessBuilder newPidNamespace()
    {
        return new ProcessBuilder("unshare", "--pid", "--fork", "sh", "-c",
            "read -r outer rest < /proc/self/stat; echo $outer; exec sleep 30 > /dev/null")
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    }

    private Process startNamespaced() throws IOException
    {
        final Process p = newPidNamespace().start();
        processes.add(p);
        return p;
    }

    private static long outerPid(final Process unshare) throws IOException
    {
        final String line = new BufferedReader(new InputStreamReader(unshare.getInputStream(),
            StandardCharsets.US_ASCII)).readLine();
        assumeTrue(null != line, "skipped: this machine cannot create a pid namespace (unshare --pid needs root or"
            + " user namespaces)");
        return Long.parseLong(line.trim());
    }

    /** @return the pid (as we see it) of a live process in a new pid namespace */
    private long startInNewPidNamespace() throws IOException
    {
        return outerPid(startNamespaced());
    }

    private static final Path NS_LAST_PID = Path.of("/proc/sys/kernel/ns_last_pid");

    /**
     * Starts {@code builder} so that it gets exactly {@code pid}: the kernel hands out ns_last_pid + 1 next. Another
     * process on the host may take it first; then we try again.
     */
    private Process startWithPid(final long pid, final ProcessBuilder builder) throws IOException, InterruptedException
    {
        assumeTrue(Files.isWritable(NS_LAST_PID),
            "recycling a pid on purpose needs root in the initial pid namespace (" + NS_LAST_PID + ")");
        for (int attempt = 0; attempt < 20; attempt++)
        {
            Files.writeString(NS_LAST_PID, Long.toString(pid - 1));
            final Process p = start(builder);
            if (p.pid() == pid)
            {
                return p;
            }
            p.destroyForcibly().waitFor();
        }
        assumeTrue(false, "pid " + pid + " kept being taken by other processes");
        return null;
    }

    /**
     * As {@link #startWithPid}, for a process in a new pid namespace. {@code unshare --pid} without {@code --fork}
     * leaves the shell it runs in our namespace and puts the shell's children in a new one; the shell waits for a
     * line on stdin before it forks, so ns_last_pid is set right before that fork.
     */
    private void startInNewPidNamespaceWithPid(final long pid) throws IOException, InterruptedException
    {
        assumeTrue(Files.isWritable(NS_LAST_PID),
            "recycling a pid on purpose needs root in the initial pid namespace (" + NS_LAST_PID + ")");
        for (int attempt = 0; attempt < 20; attempt++)
        {
            final Process unshare = new ProcessBuilder("unshare", "--pid", "sh", "-c", "read go; sh -c 'read -r outer"
                + " rest < /proc/self/stat; echo $outer; exec sleep 30 > /dev/null' & wait")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            processes.add(unshare);
            Files.writeString(NS_LAST_PID, Long.toString(pid - 1));
            unshare.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
            unshare.getOutputStream().flush();
            if (outerPid(unshare) == pid)
            {
                final ProcessIdentity proc = new ProcessIdentity();
                proc.read(pid);
                assertNotEquals(new ProcessIdentity().ownNsInode(), proc.nsInode(), "in another pid namespace");
                return;
            }
            unshare.descendants().forEach(ProcessHandle::destroyForcibly);
            unshare.destroyForcibly().waitFor();
        }
        assumeTrue(false, "pid " + pid + " kept being taken by other processes");
    }
}
