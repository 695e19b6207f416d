/*
 * test_ring.c - the ring layout against the numbers documented in ring.h (the Java side compares
 * by name at load time, NativeLibrary), and positions that wrap the ring many times reading back in
 * order.
 */
#include "varta/ring.h"
#include "varta/ring_access.h"

#include "support.h"

#include <stdlib.h>
#include <string.h>

/* The documented numbers, restated: a change to ring.h must be a deliberate one (and bump VARTA_RING_ABI_VERSION). */
_Static_assert(VARTA_RING_RECORD_BYTES == 64, "record bytes");
_Static_assert(VARTA_RING_OFF_RECV_NS == 0 && VARTA_RING_OFF_TIMESTAMP == 8 && VARTA_RING_OFF_NONCE == 16, "u64s");
_Static_assert(VARTA_RING_OFF_FRAME_PID == 24 && VARTA_RING_OFF_PAYLOAD == 28, "frame u32s");
_Static_assert(VARTA_RING_OFF_PEER_PID == 32 && VARTA_RING_OFF_PEER_UID == 36, "peer");
_Static_assert(VARTA_RING_OFF_KIND == 40 && VARTA_RING_OFF_STATUS == 41, "kind, status");
_Static_assert(VARTA_RING_OFF_DECODE_ERROR == 42 && VARTA_RING_OFF_TRANSPORT == 43, "decode_error, transport");
_Static_assert(VARTA_RING_OFF_DATAGRAM_LEN == 44 && VARTA_RING_OFF_DETAIL_A == 48, "len, detail_a");
_Static_assert(VARTA_RING_OFF_DETAIL_B == 52 && VARTA_RING_OFF_ORIGIN == 56, "detail_b, origin");
_Static_assert(VARTA_RING_OFF_LISTENER == 57 && VARTA_RING_OFF_SOURCE_PORT == 58, "listener, source_port");
_Static_assert(VARTA_RING_OFF_SOURCE_HASH == 60, "source_hash");
_Static_assert(VARTA_RING_TRAILER_TAIL == 0 && VARTA_RING_TRAILER_HEAD == 128, "tail, head");
_Static_assert(VARTA_RING_TRAILER_CONSUMER_WAITING == 256 && VARTA_RING_TRAILER_FULL_STALLS == 384, "waiting, stalls");
_Static_assert(VARTA_RING_TRAILER_DATAGRAMS_READ == 512 && VARTA_RING_TRAILER_BYTES == 640, "read, trailer bytes");
_Static_assert(VARTA_ORIGIN_NETWORK_UNVERIFIED == 0 && VARTA_ORIGIN_SOCKET_MODE_ONLY == 1, "origins 0-1");
_Static_assert(VARTA_ORIGIN_OPERATOR_ATTESTED_TRANSPORT == 2 && VARTA_ORIGIN_KERNEL_ATTESTED == 3, "origins 2-3");
_Static_assert(VARTA_KIND_BEAT == 1 && VARTA_KIND_DECODE_ERROR == 2 && VARTA_KIND_WRONG_LENGTH == 3, "kinds 1-3");
_Static_assert(VARTA_KIND_NO_CREDENTIALS == 4 && VARTA_KIND_UID_MISMATCH == 5, "kinds 4-5");
_Static_assert(VARTA_KIND_CTRUNC == 6 && VARTA_KIND_IO_ERROR == 7, "kinds 6-7");

static void region_sizes_follow_capacity(void)
{
    CHECK(varta_ring_region_bytes(64) == 64 * 64 + 640, "region of 64");
    CHECK(varta_ring_region_bytes(1024) == 1024 * 64 + 640, "region of 1024");
    CHECK(varta_ring_capacity_valid(64) && varta_ring_capacity_valid(1u << 24), "valid capacities");
    CHECK(!varta_ring_capacity_valid(32) && !varta_ring_capacity_valid(96) && !varta_ring_capacity_valid(1u << 25),
          "invalid capacities");
}

static void trailer_words_sit_at_documented_offsets(void)
{
    const uint32_t capacity = 64;
    uint8_t *base = aligned_alloc(64, varta_ring_region_bytes(capacity));
    memset(base, 0, varta_ring_region_bytes(capacity));
    struct varta_ring ring;
    varta_ring_attach(&ring, base, capacity);
    CHECK((uint8_t *)ring.tail == base + 4096, "tail at 4096");
    CHECK((uint8_t *)ring.head == base + 4096 + 128, "head at 4224");
    CHECK((uint8_t *)ring.consumer_waiting == base + 4096 + 256, "consumer_waiting");
    CHECK((uint8_t *)ring.full_stalls == base + 4096 + 384, "full_stalls");
    CHECK((uint8_t *)ring.datagrams_read == base + 4096 + 512, "datagrams_read");
    free(base);
}

/* Producer fills up to the free space, consumer reads a varying batch: 40 wraps of the ring. */
static void positions_wrap_many_times_in_order(void)
{
    const uint32_t capacity = 64;
    uint8_t *base = aligned_alloc(64, varta_ring_region_bytes(capacity));
    memset(base, 0, varta_ring_region_bytes(capacity));
    struct varta_ring ring;
    varta_ring_attach(&ring, base, capacity);

    const uint64_t total = capacity * 40u + 7u;
    uint64_t produced = 0;
    uint64_t consumed = 0;
    int out_of_order = 0;
    int overfilled = 0;
    unsigned step = 1;
    while (consumed < total) {
        uint64_t tail = varta_ring_load_tail_relaxed(&ring);
        const uint64_t free_slots = capacity - (tail - varta_ring_load_head_acquire(&ring));
        for (uint64_t i = 0; i < free_slots && produced < total; i++) {
            varta_ring_slot(&ring, tail)->nonce = produced++;
            tail++;
        }
        varta_ring_publish_tail(&ring, tail);
        overfilled |= tail - atomic_load(ring.head) > capacity;

        const uint64_t available = varta_ring_load_tail_acquire(&ring) - consumed;
        const uint64_t take = available < step ? available : step;
        for (uint64_t i = 0; i < take; i++) {
            out_of_order |= varta_ring_slot(&ring, consumed)->nonce != consumed;
            consumed++;
        }
        varta_ring_release_head(&ring, consumed);
        step = step % 37u + 3u;
    }
    CHECK(!out_of_order, "records read back in order across wraps");
    CHECK(!overfilled, "producer never ran more than capacity ahead");
    CHECK(consumed == total && produced == total, "all %llu records passed", (unsigned long long)total);
    CHECK(atomic_load(ring.tail) > (uint64_t)capacity * 40u, "positions passed capacity many times");
    free(base);
}

int main(void)
{
    region_sizes_follow_capacity();
    trailer_words_sit_at_documented_offsets();
    positions_wrap_many_times_in_order();
    return check_summary("test_ring");
}
