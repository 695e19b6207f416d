package io.varta.watch.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The Java producer writes what RingRecord reads back, field for field, for any kind. */
class RingWriterTest
{
    /** Every accessor of one record. */
    private record Fields(long recvNanos, long timestamp, long nonce, long framePid, long payload, int peerPid,
                          long peerUid, int kind, int status, int decodeErrorCode, int transport, int length,
                          int detailA, int detailB, int origin, int listener, int sourcePort, int sourceHash)
    {
        static Fields of(final RingRecord r)
        {
            return new Fields(r.recvNanos(), r.timestamp(), r.nonce(), r.framePid(), r.payload(), r.peerPid(),
                r.peerUid(), r.kind(), r.status(), r.decodeErrorCode(), r.transport(), r.datagramLength(),
                r.detailA(), r.detailB(), r.origin(), r.listener(), r.sourcePort(), r.sourceAddressHash());
        }
    }

    private static List<Fields> drain(final Ring ring)
    {
        final List<Fields> seen = new ArrayList<>();
        ring.drain(r -> seen.add(Fields.of(r)), Integer.MAX_VALUE);
        return seen;
    }

    @Test
    void everyFieldOfADraftReadsBack()
    {
        final Ring ring = new Ring(64);
        final RingWriter writer = new RingWriter(ring);
        assertTrue(writer.write(RecordDraft.of(RingDescriptor.KIND_DECODE_ERROR).recvNanos(123_456_789_000L)
            .timestamp(-2).nonce(-1).framePid(0xFFFF_FFF0L).payload(0xDEAD_BEEFL).peerPid(4242).peerUid(65534)
            .status(9).decodeErrorCode(4).transport(RingDescriptor.TRANSPORT_SECURE_UDP).datagramLength(65)
            .detailA(0x1234_5678).detailB(-7).origin(RingDescriptor.ORIGIN_OPERATOR_ATTESTED_TRANSPORT)
            .listener(255).sourcePort(65535).sourceAddressHash(0x89AB_CDEF)));
        writer.publish();
        assertEquals(List.of(new Fields(123_456_789_000L, -2, -1, 0xFFFF_FFF0L, 0xDEAD_BEEFL, 4242, 65534,
            RingDescriptor.KIND_DECODE_ERROR, 9, 4, RingDescriptor.TRANSPORT_SECURE_UDP, 65, 0x1234_5678, -7,
            RingDescriptor.ORIGIN_OPERATOR_ATTESTED_TRANSPORT, 255, 65535, 0x89AB_CDEF)), drain(ring));
    }

    @Test
    void writeBeatLeavesNoStaleFieldsInAReusedSlot()
    {
        final Ring ring = new Ring(64);
        final RingWriter writer = new RingWriter(ring);
        for (int i = 0; i < 64; i++)
        {
            writer.write(RecordDraft.of(RingDescriptor.KIND_CTRUNC).detailA(1).detailB(2).listener(3)
                .origin(RingDescriptor.ORIGIN_SOCKET_MODE_ONLY).sourcePort(4).sourceAddressHash(5));
        }
        writer.publish();
        assertEquals(64, drain(ring).size());
        assertTrue(writer.writeBeat(77, 4242, 1, 8, 9, 10));
        writer.publish();
        assertEquals(List.of(new Fields(77, 9, 8, 4242, 10, 4242, 0, RingDescriptor.KIND_BEAT, 1, 0,
            RingDescriptor.TRANSPORT_UDS, 32, 0, 0, RingDescriptor.ORIGIN_KERNEL_ATTESTED, 0, 0, 0)), drain(ring));
    }

    @Test
    void datagramsReadCountsEveryRecordButIoErrorsAndAFullRingRefuses()
    {
        final Ring ring = new Ring(64);
        final RingWriter writer = new RingWriter(ring);
        assertTrue(writer.write(RecordDraft.beat(100, 1)));
        assertTrue(writer.write(RecordDraft.of(RingDescriptor.KIND_IO_ERROR).detailA(4)));
        for (int i = 0; i < 62; i++)
        {
            assertTrue(writer.writeBeat(0, 100, 0, i + 2, 0, 0));
        }
        assertFalse(writer.write(RecordDraft.beat(100, 99)), "ring full");
        assertEquals(0, ring.datagramsRead(), "nothing published yet");
        writer.publish();
        assertEquals(63, ring.datagramsRead());
        assertEquals(64, ring.available());
    }
}
