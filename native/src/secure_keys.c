/*
 * secure_keys.c - read, parse, keep and wipe a secure listener's keys (secure_keys.h).
 */
#include "varta/secure_keys.h"

#include "varta/crypto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int hex_value(uint8_t c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static int is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Parses one trimmed 64-character line into key. Returns 0 or VARTA_KEY_ERR_CHARACTER (column in *column). */
static int parse_key(const uint8_t *line, uint8_t key[VARTA_KEY_BYTES], uint32_t *column)
{
    for (unsigned i = 0; i < VARTA_KEY_BYTES; i++) {
        const int high = hex_value(line[2 * i]);
        const int low = hex_value(line[2 * i + 1]);
        if (high < 0 || low < 0) {
            *column = 2 * i + (high < 0 ? 1u : 2u);
            return VARTA_KEY_ERR_CHARACTER;
        }
        key[i] = (uint8_t)(high << 4 | low);
    }
    return 0;
}

int varta_key_parse(const uint8_t *text, size_t len, uint8_t (*keys)[VARTA_KEY_BYTES], unsigned max,
                    struct varta_key_error *err)
{
    int count = 0;
    uint32_t line_number = 0;
    size_t at = 0;
    while (at < len) {
        size_t end = at;
        while (end < len && text[end] != '\n') {
            end++;
        }
        line_number++;
        size_t first = at;
        size_t last = end;
        while (first < last && is_space(text[first])) {
            first++;
        }
        while (last > first && is_space(text[last - 1])) {
            last--;
        }
        at = end + 1;
        if (first == last || text[first] == '#') {
            continue;
        }
        err->line = line_number;
        if (last - first != VARTA_KEY_HEX_CHARS) {
            err->detail = (uint32_t)(last - first);
            return VARTA_KEY_ERR_LENGTH;
        }
        uint8_t scratch[VARTA_KEY_BYTES];
        const int rc = parse_key(text + first, (unsigned)count < max ? keys[count] : scratch, &err->detail);
        varta_wipe(scratch, sizeof(scratch));
        if (rc != 0) {
            return rc;
        }
        count++;
    }
    err->line = 0;
    err->detail = 0;
    return count;
}

int varta_secure_keys_new(uint64_t restart_gap_ns, struct varta_secure_keys **out)
{
    struct varta_secure_keys *keys = calloc(1, sizeof(*keys));
    if (keys == NULL) {
        return -ENOMEM;
    }
    keys->restart_gap_ns = restart_gap_ns;
    atomic_init(&keys->aead_attempts, 0);
    *out = keys;
    return 0;
}

/* Checks the count of a file's keys against its kind and the keys already held. */
static int check_count(const struct varta_secure_keys *keys, int kind, int count, struct varta_key_error *err)
{
    if (count == 0) {
        return VARTA_KEY_ERR_NONE;
    }
    if ((kind == VARTA_KEY_FILE_PRIMARY || kind == VARTA_KEY_FILE_MASTER) && count != 1) {
        err->detail = (uint32_t)count;
        return VARTA_KEY_ERR_COUNT;
    }
    if (kind == VARTA_KEY_FILE_MASTER && keys->has_master) {
        err->detail = 2;
        return VARTA_KEY_ERR_COUNT;
    }
    if (kind != VARTA_KEY_FILE_MASTER && keys->shared_count + (unsigned)count > VARTA_KEYS_MAX_SHARED) {
        err->detail = keys->shared_count + (unsigned)count;
        return VARTA_KEY_ERR_TOO_MANY;
    }
    return 0;
}

int varta_secure_keys_add_file(struct varta_secure_keys *keys, const char *path, int kind, uint32_t uid,
                               struct varta_key_error *err)
{
    memset(err, 0, sizeof(*err));
    if (kind != VARTA_KEY_FILE_PRIMARY && kind != VARTA_KEY_FILE_ACCEPTED && kind != VARTA_KEY_FILE_MASTER) {
        return -EINVAL;
    }
    const struct varta_private_rules rules = {
        .checks = VARTA_PRIVATE_CHECK_MODE | VARTA_PRIVATE_CHECK_OWNER,
        .expected_uid = uid,
        .max_bytes = VARTA_PRIVATE_MAX_SECRET_BYTES,
    };
    uint8_t text[VARTA_PRIVATE_MAX_SECRET_BYTES];
    uint8_t parsed[VARTA_KEYS_MAX_SHARED][VARTA_KEY_BYTES];
    int rc = varta_private_read(path, &rules, text, sizeof(text), &err->info);
    if (rc >= 0) {
        rc = varta_key_parse(text, (size_t)rc, parsed, VARTA_KEYS_MAX_SHARED, err);
    }
    if (rc >= 0) {
        const int count = rc;
        rc = check_count(keys, kind, count, err);
        if (rc == 0 && kind == VARTA_KEY_FILE_MASTER) {
            memcpy(keys->master, parsed[0], VARTA_KEY_BYTES);
            keys->has_master = 1;
        } else if (rc == 0) {
            memcpy(keys->shared[keys->shared_count], parsed, (size_t)count * VARTA_KEY_BYTES);
            keys->shared_count += (unsigned)count;
        }
        rc = rc == 0 ? count : rc;
    }
    varta_wipe(text, sizeof(text));
    varta_wipe(parsed, sizeof(parsed));
    return rc;
}

uint64_t varta_secure_keys_attempts(const struct varta_secure_keys *keys)
{
    return atomic_load_explicit(&keys->aead_attempts, memory_order_relaxed);
}

void varta_secure_keys_count_attempts(struct varta_secure_keys *keys, uint64_t trials)
{
    const uint64_t now = atomic_load_explicit(&keys->aead_attempts, memory_order_relaxed); /* one writer */
    atomic_store_explicit(&keys->aead_attempts, now + trials, memory_order_relaxed);
}

void varta_secure_keys_free(struct varta_secure_keys *keys)
{
    if (keys != NULL) {
        varta_wipe(keys, sizeof(*keys));
        free(keys);
    }
}
