package io.varta.watch.audit;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ring between callers and the writer: order, drops at their place, watermark edges. */
class AuditRingTest
{
    private final AuditTesting.CapturedLog captured = new AuditTesting.CapturedLog();

    private static byte[] columns(final int i)
    {
        return ("r" + i).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aFullRingDropsAndTheDropIsCarriedByTheNextRecordOrAMarker()
    {
        final AuditRing ring = new AuditRing(2, captured.log);
        assertTrue(ring.offer(RecordKind.SPAWN, columns(1)));
        assertTrue(ring.offer(RecordKind.SPAWN, columns(2)));
        assertFalse(ring.offer(RecordKind.SPAWN, columns(3)));
        assertFalse(ring.offer(RecordKind.SPAWN, columns(4)));
        assertEquals(2, ring.dropped());
        assertEquals("r1", new String(ring.poll().columns(), StandardCharsets.US_ASCII));
        assertTrue(ring.offer(RecordKind.REFUSED, columns(5)));
        assertEquals(0, ring.poll().dropsBefore());
        final AuditRing.Entry fifth = ring.poll();
        assertEquals(RecordKind.REFUSED, fifth.kind());
        assertEquals(2, fifth.dropsBefore(), "the two drops happened just before record 5");
        assertNull(ring.poll());
        assertTrue(ring.offer(RecordKind.SPAWN, columns(6)));
        assertTrue(ring.offer(RecordKind.SPAWN, columns(7)));
        assertFalse(ring.offer(RecordKind.SPAWN, columns(8)));
        ring.poll();
        ring.poll();
        final AuditRing.Entry marker = ring.poll();
        assertNull(marker.kind());
        assertEquals(1, marker.dropsBefore(), "a drop after the last record comes as a marker");
        assertNull(ring.poll());
    }

    @Test
    void watermarksCountRisingEdgesAndLogThem()
    {
        final AuditRing ring = new AuditRing(20, captured.log); // warn at 15, critical at 19
        for (int i = 0; i < 14; i++)
        {
            ring.offer(RecordKind.SPAWN, columns(i));
        }
        assertEquals(0, ring.warnEdges());
        ring.offer(RecordKind.SPAWN, columns(15));
        ring.offer(RecordKind.SPAWN, columns(16));
        assertEquals(1, ring.warnEdges());
        assertEquals(0, ring.criticalEdges());
        ring.offer(RecordKind.SPAWN, columns(17));
        ring.offer(RecordKind.SPAWN, columns(18));
        ring.offer(RecordKind.SPAWN, columns(19));
        assertEquals(1, ring.criticalEdges());
        for (int i = 0; i < 6; i++)
        {
            ring.poll(); // 13 left: below both levels
        }
        ring.offer(RecordKind.SPAWN, columns(20));
        ring.offer(RecordKind.SPAWN, columns(21));
        assertEquals(2, ring.warnEdges());
        assertTrue(captured.text().contains("varta-watch: audit ring >= 75% full (15/20); drain not keeping up\n"),
            captured.text());
        assertTrue(captured.text().contains("varta-watch: audit ring >= 95% full (19/20); records will start"
            + " dropping\n"), captured.text());
        assertEquals(2, captured.text().lines().count(), "the second warning edge is within the 1 s cooldown");
    }

    @Test
    void afterStopEveryOfferIsDroppedAndTheWriterSeesTheEnd()
    {
        final AuditRing ring = new AuditRing(4, captured.log);
        ring.offer(RecordKind.SPAWN, columns(1));
        ring.stop();
        assertFalse(ring.offer(RecordKind.SPAWN, columns(2)));
        assertEquals(1, ring.dropped());
        assertFalse(ring.drainedAfterStop());
        ring.poll();
        assertNull(ring.poll(), "a drop after stop is counted but never declared: no writer will follow it");
        assertTrue(ring.drainedAfterStop());
    }
}
