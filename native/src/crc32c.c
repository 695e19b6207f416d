/*
 * crc32c.c - CRC-32C (Castagnoli), hardware (SSE4.2) and table paths.
 */
#include "varta/crc32c.h"

#include <pthread.h>

#define VARTA_CRC32C_POLY_REFLECTED 0x82F63B78u

static uint32_t crc_table[256];
static pthread_once_t crc_table_once = PTHREAD_ONCE_INIT;

static void crc_table_build(void)
{
    for (uint32_t i = 0; i < 256u; i++) {
        uint32_t crc = i;
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc & 1u) ? (crc >> 1) ^ VARTA_CRC32C_POLY_REFLECTED : crc >> 1;
        }
        crc_table[i] = crc;
    }
}

uint32_t varta_crc32c_table(const uint8_t *data, size_t len)
{
    pthread_once(&crc_table_once, crc_table_build);
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) {
        crc = crc_table[(crc ^ data[i]) & 0xFFu] ^ (crc >> 8);
    }
    return ~crc;
}

#if defined(__x86_64__)
#include <string.h>

__attribute__((target("sse4.2")))
uint32_t varta_crc32c_hw(const uint8_t *data, size_t len)
{
    uint64_t crc = 0xFFFFFFFFu;
    while (len >= 8) {
        uint64_t word;
        memcpy(&word, data, sizeof(word));
        crc = __builtin_ia32_crc32di(crc, word);
        data += 8;
        len -= 8;
    }
    uint32_t crc32 = (uint32_t)crc;
    while (len > 0) {
        crc32 = __builtin_ia32_crc32qi(crc32, *data);
        data++;
        len--;
    }
    return ~crc32;
}

int varta_crc32c_hw_available(void)
{
    return __builtin_cpu_supports("sse4.2") ? 1 : 0;
}
#else
uint32_t varta_crc32c_hw(const uint8_t *data, size_t len)
{
    return varta_crc32c_table(data, len);
}

int varta_crc32c_hw_available(void)
{
    return 0;
}
#endif

uint32_t varta_crc32c(const uint8_t *data, size_t len)
{
    static int hw = -1; /* benign race: every thread computes the same value */
    if (hw < 0) {
        hw = varta_crc32c_hw_available();
    }
    return hw ? varta_crc32c_hw(data, len) : varta_crc32c_table(data, len);
}
