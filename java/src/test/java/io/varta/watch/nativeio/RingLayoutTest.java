package io.varta.watch.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RingLayoutTest
{
    /** Names and Java values in the order {@code native/src/jni_ring.c} documents for ringLayout(). */
    private static final Object[][] MIRROR = {
        {"RECORD_BYTES", RingDescriptor.RECORD_BYTES},
        {"OFF_RECV_NS", RingDescriptor.OFF_RECV_NS},
        {"OFF_TIMESTAMP", RingDescriptor.OFF_TIMESTAMP},
        {"OFF_NONCE", RingDescriptor.OFF_NONCE},
        {"OFF_FRAME_PID", RingDescriptor.OFF_FRAME_PID},
        {"OFF_PAYLOAD", RingDescriptor.OFF_PAYLOAD},
        {"OFF_PEER_PID", RingDescriptor.OFF_PEER_PID},
        {"OFF_PEER_UID", RingDescriptor.OFF_PEER_UID},
        {"OFF_KIND", RingDescriptor.OFF_KIND},
        {"OFF_STATUS", RingDescriptor.OFF_STATUS},
        {"OFF_DECODE_ERROR", RingDescriptor.OFF_DECODE_ERROR},
        {"OFF_TRANSPORT", RingDescriptor.OFF_TRANSPORT},
        {"OFF_DATAGRAM_LEN", RingDescriptor.OFF_DATAGRAM_LEN},
        {"OFF_DETAIL_A", RingDescriptor.OFF_DETAIL_A},
        {"OFF_DETAIL_B", RingDescriptor.OFF_DETAIL_B},
        {"OFF_RESERVED", RingDescriptor.OFF_RESERVED},
        {"TRAILER_TAIL", RingDescriptor.TRAILER_TAIL},
        {"TRAILER_HEAD", RingDescriptor.TRAILER_HEAD},
        {"TRAILER_CONSUMER_WAITING", RingDescriptor.TRAILER_CONSUMER_WAITING},
        {"TRAILER_FULL_STALLS", RingDescriptor.TRAILER_FULL_STALLS},
        {"TRAILER_BYTES", RingDescriptor.TRAILER_BYTES},
        {"CACHE_PAIR", RingDescriptor.CACHE_PAIR},
        {"MIN_CAPACITY", RingDescriptor.MIN_CAPACITY},
        {"MAX_CAPACITY", RingDescriptor.MAX_CAPACITY},
        {"KIND_BEAT", RingDescriptor.KIND_BEAT},
        {"KIND_DECODE_ERROR", RingDescriptor.KIND_DECODE_ERROR},
        {"KIND_WRONG_LENGTH", RingDescriptor.KIND_WRONG_LENGTH},
        {"KIND_NO_CREDENTIALS", RingDescriptor.KIND_NO_CREDENTIALS},
        {"KIND_UID_MISMATCH", RingDescriptor.KIND_UID_MISMATCH},
        {"KIND_CTRUNC", RingDescriptor.KIND_CTRUNC},
        {"KIND_IO_ERROR", RingDescriptor.KIND_IO_ERROR},
        {"TRANSPORT_UDS", RingDescriptor.TRANSPORT_UDS},
        {"TRANSPORT_UDP", RingDescriptor.TRANSPORT_UDP},
    };

    @Test
    void javaMirrorMatchesTheNativeHeader()
    {
        final int[] layout = Natives.ringLayout();
        assertEquals(MIRROR.length, layout.length, "constant count");
        for (int i = 0; i < MIRROR.length; i++)
        {
            assertEquals((int) MIRROR[i][1], layout[i], (String) MIRROR[i][0]);
        }
    }

    @Test
    void regionSizeIsRecordsPlusTrailer()
    {
        assertEquals(64L * 64 + 512, RingDescriptor.regionBytes(64));
        assertEquals(64L * 64, RingDescriptor.trailerOffset(64));
    }

    @Test
    void ringRejectsCapacitiesThatAreNotPowersOfTwoInRange()
    {
        assertThrows(IllegalArgumentException.class, () -> new Ring(100));
        assertThrows(IllegalArgumentException.class, () -> new Ring(32));
        assertEquals(128, new Ring(128).capacity());
    }

    @Test
    void freshRingIsEmpty()
    {
        final Ring ring = new Ring(64);
        assertEquals(0, ring.available());
        assertEquals(0, ring.fullStalls());
        assertEquals(0, ring.drain(record -> { }, 100));
    }
}
