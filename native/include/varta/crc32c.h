/*
 * crc32c.h - CRC-32C (Castagnoli, reflected poly 0x82F63B78, init/xorout 0xFFFFFFFF).
 * Uses the SSE4.2 crc32 instruction when the CPU has it, a slicing table otherwise.
 */
#ifndef VARTA_CRC32C_H
#define VARTA_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/** CRC-32C of len bytes, using the fastest implementation this CPU supports. Thread-safe. */
uint32_t varta_crc32c(const uint8_t *data, size_t len);

/** Table-driven CRC-32C (portable; also the reference the hardware path is tested against). */
uint32_t varta_crc32c_table(const uint8_t *data, size_t len);

/** Hardware CRC-32C; only valid when varta_crc32c_hw_available() returns 1. */
uint32_t varta_crc32c_hw(const uint8_t *data, size_t len);

/** 1 if the CPU has SSE4.2 (x86-64) and the hardware path is compiled in. */
int varta_crc32c_hw_available(void);

#endif
