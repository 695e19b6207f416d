package io.varta.watch.recovery;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The debounce ledger: per (pid, lineage) windows, pruning at 10 × the window, bounded and failing closed. */
class DebounceLedgerTest
{
    private static final long WINDOW = 1_000;

    @Test
    void samePidAndLineageIsDebouncedWithinTheWindowOnly()
    {
        final DebounceLedger ledger = new DebounceLedger(4, WINDOW);
        assertEquals(DebounceLedger.CLEAR, ledger.check(10, 5, 0));
        ledger.record(10, 5, 0, 1);
        assertEquals(DebounceLedger.WITHIN_WINDOW, ledger.check(10, 5, WINDOW - 1));
        assertEquals(DebounceLedger.CLEAR, ledger.check(10, 5, WINDOW));
        assertEquals(DebounceLedger.OTHER_LINEAGE, ledger.check(10, 6, 1), "a recycled pid does not inherit it");
        assertEquals(DebounceLedger.CLEAR, ledger.check(11, 5, 1));
    }

    @Test
    void zeroWindowNeverDebounces()
    {
        final DebounceLedger ledger = new DebounceLedger(4, 0);
        ledger.record(10, 5, 100, 1);
        assertEquals(DebounceLedger.CLEAR, ledger.check(10, 5, 100));
    }

    @Test
    void entriesOlderThanTenWindowsArePruned()
    {
        final DebounceLedger ledger = new DebounceLedger(4, WINDOW);
        ledger.record(1, 0, 0, 1);
        ledger.record(2, 0, 5_000, 2);
        ledger.prune(10 * WINDOW);
        assertEquals(2, ledger.size(), "exactly 10 windows old stays");
        ledger.prune(10 * WINDOW + 1);
        assertEquals(1, ledger.size());
        assertEquals(DebounceLedger.CLEAR, ledger.check(1, 0, 10 * WINDOW + 1));
    }

    @Test
    void aFullLedgerEvictsTheOldestOnlyOnceItLeftItsWindow()
    {
        final DebounceLedger ledger = new DebounceLedger(2, WINDOW);
        ledger.record(1, 0, 0, 1);
        ledger.record(2, 0, 10, 2);
        assertTrue(ledger.hasRoomFor(1, 20), "a pid already in the ledger always fits");
        assertFalse(ledger.hasRoomFor(3, WINDOW - 1), "fail closed while every entry is inside its window");
        assertTrue(ledger.hasRoomFor(3, WINDOW));
        assertTrue(ledger.record(3, 0, WINDOW, 3), "the oldest (pid 1) was evicted");
        assertEquals(DebounceLedger.CLEAR, ledger.check(1, 0, WINDOW));
        assertEquals(DebounceLedger.WITHIN_WINDOW, ledger.check(2, 0, WINDOW));
        assertFalse(ledger.record(2, 0, WINDOW + 20, 4), "re-firing a known pid evicts nothing");
        assertEquals(2, ledger.size());
    }

    @Test
    void aFailedSpawnForgetsOnlyItsOwnEntry()
    {
        final DebounceLedger ledger = new DebounceLedger(4, WINDOW);
        ledger.record(1, 0, 0, 7);
        ledger.forget(1, 6);
        assertEquals(DebounceLedger.WITHIN_WINDOW, ledger.check(1, 0, 1));
        ledger.forget(1, 7);
        assertEquals(DebounceLedger.CLEAR, ledger.check(1, 0, 1));
    }
}
