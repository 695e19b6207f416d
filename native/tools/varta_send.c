/*
 * varta_send.c - `varta-send`: a separate sender process for black-box tests and for trying a deployment
 * by hand.
 *
 *   varta-send SOCKET_PATH ITEM...                            Unix datagram socket (kernel credentials)
 *   varta-send --udp HOST:PORT [--key-file F | --master-key-file F] [--iv-prefix HEX16] [--iv-counter N] ITEM...
 *
 * Over UDP (HOST an IPv4 or IPv6 literal or a name, [v6]:port) frames go out as 32-byte plaintext datagrams, or
 * sealed with ChaCha20-Poly1305 (OpenSSL's libcrypto) when a key file is given: --key-file (one 64-hex key, mode
 * 0600, owned by the sender: the observer's rules) gives 60-byte shared-key datagrams, --master-key-file 64-byte
 * master-key datagrams whose clear pid is the frame's pid (K_agent derived per pid, so one process can beat for
 * many pids). As a real agent does (VLP v0.2 wire format §8.5) each run takes a fresh IV prefix, HKDF of a random
 * 16-byte session salt, and counts the IV counter up from 0 per sealed datagram, moving to the next prefix
 * before the counter would reach 2^32-1. --iv-prefix and --iv-counter force them (replay tests).
 *
 * Items, sent in order with blocking sends:
 *   hex:<hexbytes>                                 raw datagram of any length, never sealed (hex: alone = empty)
 *   beat:<ok|degraded|critical|N>:<nonce>[:<payload>]   valid frame, pid = getpid(),
 *                                                  timestamp = CLOCK_MONOTONIC ns
 *   beatpid:<pid>:<status>:<nonce>[:<payload>]     same, claiming another pid
 *   beatpids:<first>:<count>:<status>:<nonce>      one frame for each of count pids from first up
 *   sleep:<ms>                                     pause
 *   fd:                                            one beat frame with /dev/null attached (SCM_RIGHTS; UDS only)
 *   sealhex:<32 bytes hex>                         seal these frame bytes as they are (e.g. a bad CRC); keyed UDP only
 *   again:                                         the previous datagram once more, byte for byte (a replay)
 *   prefix:<hex16>|new                             IV prefix for what follows (new: the next derived one)
 *   counter:<n>                                    IV counter of the next sealed datagram
 *   random:<length>:<count>                        count datagrams of random bytes (never sealed)
 * <nonce> is a decimal u64 or `max` (2^64-1). Exit 0 when everything was sent, 1 with a message.
 */
#include "varta/clock.h"
#include "varta/crypto.h"
#include "varta/secure_frame.h"
#include "varta/secure_keys.h"
#include "varta/vlp.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_DATAGRAM 65536
#define SALT_BYTES 16
#define IV_INFO "varta-iv-prefix-v1"

enum seal { SEAL_NONE, SEAL_SHARED, SEAL_MASTER };

/* What the sender keeps between items. */
struct sender {
    int fd;
    int udp;
    enum seal seal;
    struct varta_aead sealer;
    struct varta_agent_kdf kdf;
    uint8_t salt[SALT_BYTES];
    uint32_t prefix_index;
    uint8_t prefix[VARTA_IV_PREFIX_BYTES];
    uint32_t counter;
    uint8_t last[MAX_DATAGRAM];
    size_t last_len;
};

static const char *item;

static void fail(const char *what)
{
    fprintf(stderr, "varta-send: %s: %s\n", item != NULL ? item : "setup", what);
    exit(1);
}

static uint64_t parse_u64(const char *text, uint64_t max)
{
    if (strcmp(text, "max") == 0) {
        return max;
    }
    char *end = NULL;
    errno = 0;
    const unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || v > max) {
        fail("bad number");
    }
    return (uint64_t)v;
}

static uint8_t parse_status(const char *text)
{
    if (strcmp(text, "ok") == 0) {
        return VARTA_STATUS_OK;
    }
    if (strcmp(text, "degraded") == 0) {
        return VARTA_STATUS_DEGRADED;
    }
    if (strcmp(text, "critical") == 0) {
        return VARTA_STATUS_CRITICAL;
    }
    return (uint8_t)parse_u64(text, 255);
}

static size_t parse_hex(const char *text, uint8_t *out)
{
    const size_t len = strlen(text);
    if (len % 2 != 0 || len / 2 > MAX_DATAGRAM) {
        fail("hex needs an even number of digits (at most 64 KiB)");
    }
    for (size_t i = 0; i < len / 2; i++) {
        unsigned int byte;
        if (sscanf(text + 2 * i, "%2x", &byte) != 1) {
            fail("bad hex digit");
        }
        out[i] = (uint8_t)byte;
    }
    return len / 2;
}

/* "<status>:<nonce>[:<payload>]" into a frame claiming pid. */
static void parse_beat(char *spec, uint32_t pid, uint8_t frame[VARTA_FRAME_BYTES])
{
    char *save = NULL;
    const char *status = strtok_r(spec, ":", &save);
    const char *nonce = strtok_r(NULL, ":", &save);
    const char *payload = strtok_r(NULL, ":", &save);
    if (status == NULL || nonce == NULL || strtok_r(NULL, ":", &save) != NULL) {
        fail("expected <status>:<nonce>[:<payload>]");
    }
    varta_vlp_encode(parse_status(status), pid, varta_clock_monotonic_ns(), parse_u64(nonce, UINT64_MAX),
                     payload != NULL ? (uint32_t)parse_u64(payload, UINT32_MAX) : 0u, frame);
}

static void send_bytes(int fd, const uint8_t *bytes, size_t len, int attach_fd)
{
    struct iovec iov = { .iov_base = (void *)bytes, .iov_len = len };
    union {
        struct cmsghdr align;
        uint8_t buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (attach_fd >= 0) {
        memset(&control, 0, sizeof(control));
        msg.msg_control = control.buf;
        msg.msg_controllen = sizeof(control.buf);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &attach_fd, sizeof(int));
    }
    ssize_t sent;
    do {
        sent = sendmsg(fd, &msg, 0);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) {
        fail(strerror(errno));
    }
    if ((size_t)sent != len) {
        fail("short send");
    }
}

/* HKDF(salt, "varta-iv-prefix-v1\0" || u32le(index), 8): the next IV prefix of this session. */
static void derive_prefix(struct sender *s)
{
    uint8_t info[sizeof(IV_INFO) + 4];
    memcpy(info, IV_INFO, sizeof(IV_INFO));
    varta_put_le32(info + sizeof(IV_INFO), s->prefix_index);
    if (varta_hkdf_sha256(s->salt, sizeof(s->salt), info, sizeof(info), s->prefix, sizeof(s->prefix)) != 0) {
        fail("cannot derive an IV prefix");
    }
    s->counter = 0;
}

/* Sends a datagram and keeps it for again:. */
static void send_datagram(struct sender *s, const uint8_t *bytes, size_t len)
{
    send_bytes(s->fd, bytes, len, -1);
    memcpy(s->last, bytes, len);
    s->last_len = len;
}

/* Sends a frame: as it is, or sealed with the next IV counter (a new prefix before the counter would wrap). */
static void send_frame(struct sender *s, const uint8_t frame[VARTA_FRAME_BYTES])
{
    uint8_t wire[VARTA_SECURE_MASTER_BYTES];
    int rc = 0;
    size_t len = VARTA_FRAME_BYTES;
    if (s->seal == SEAL_NONE) {
        memcpy(wire, frame, VARTA_FRAME_BYTES);
    } else if (s->seal == SEAL_SHARED) {
        rc = varta_secure_seal_shared(&s->sealer, s->prefix, s->counter, frame, wire);
        len = VARTA_SECURE_SHARED_BYTES;
    } else {
        rc = varta_secure_seal_master(&s->kdf, &s->sealer, varta_le32(frame + 4), s->prefix, s->counter, frame, wire);
        len = VARTA_SECURE_MASTER_BYTES;
    }
    if (rc != 0) {
        fail("sealing failed");
    }
    send_datagram(s, wire, len);
    if (s->seal != SEAL_NONE && ++s->counter == UINT32_MAX) {
        s->prefix_index++;
        derive_prefix(s);
    }
}

static int connect_socket(const char *path)
{
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(addr.sun_path)) {
        fail("socket path too long");
    }
    memcpy(addr.sun_path, path, strlen(path) + 1);
    const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        fprintf(stderr, "varta-send: cannot connect to %s: %s\n", path, strerror(errno));
        exit(1);
    }
    return fd;
}

static void send_item(struct sender *s, char *spec, uint8_t *buffer)
{
    uint8_t frame[VARTA_FRAME_BYTES];
    if (strncmp(spec, "hex:", 4) == 0) {
        send_datagram(s, buffer, parse_hex(spec + 4, buffer));
    } else if (strncmp(spec, "beat:", 5) == 0) {
        parse_beat(spec + 5, (uint32_t)getpid(), frame);
        send_frame(s, frame);
    } else if (strncmp(spec, "beatpid:", 8) == 0) {
        char *rest = strchr(spec + 8, ':');
        if (rest == NULL) {
            fail("expected beatpid:<pid>:<status>:<nonce>[:<payload>]");
        }
        *rest = '\0';
        const uint32_t pid = (uint32_t)parse_u64(spec + 8, UINT32_MAX);
        parse_beat(rest + 1, pid, frame);
        send_frame(s, frame);
    } else if (strncmp(spec, "beatpids:", 9) == 0) {
        char *count_text = strchr(spec + 9, ':');
        char *rest = count_text != NULL ? strchr(count_text + 1, ':') : NULL;
        if (rest == NULL) {
            fail("expected beatpids:<first>:<count>:<status>:<nonce>");
        }
        *count_text = '\0';
        *rest = '\0';
        const uint64_t first = parse_u64(spec + 9, UINT32_MAX);
        const uint64_t count = parse_u64(count_text + 1, UINT32_MAX - first + 1);
        for (uint64_t i = 0; i < count; i++) {
            char beat[128];
            snprintf(beat, sizeof(beat), "%s", rest + 1);
            parse_beat(beat, (uint32_t)(first + i), frame);
            send_frame(s, frame);
        }
    } else if (strncmp(spec, "sleep:", 6) == 0) {
        const uint64_t ms = parse_u64(spec + 6, 3600000u);
        struct timespec ts = { .tv_sec = (time_t)(ms / 1000u), .tv_nsec = (long)(ms % 1000u) * 1000000L };
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    } else if (strcmp(spec, "fd:") == 0) {
        if (s->udp) {
            fail("fd: needs a Unix socket");
        }
        const int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (devnull < 0) {
            fail(strerror(errno));
        }
        varta_vlp_encode(VARTA_STATUS_OK, (uint32_t)getpid(), varta_clock_monotonic_ns(), 0, 0, frame);
        send_bytes(s->fd, frame, sizeof(frame), devnull);
        close(devnull);
    } else if (strncmp(spec, "sealhex:", 8) == 0) {
        if (s->seal == SEAL_NONE || parse_hex(spec + 8, buffer) != VARTA_FRAME_BYTES) {
            fail("sealhex: needs a key file and 32 bytes");
        }
        memcpy(frame, buffer, VARTA_FRAME_BYTES);
        send_frame(s, frame);
    } else if (strcmp(spec, "again:") == 0) {
        if (s->last_len == 0) {
            fail("nothing was sent yet");
        }
        send_bytes(s->fd, s->last, s->last_len, -1);
    } else if (strncmp(spec, "prefix:", 7) == 0) {
        if (strcmp(spec + 7, "new") == 0) {
            s->prefix_index++;
            derive_prefix(s);
        } else if (parse_hex(spec + 7, buffer) == VARTA_IV_PREFIX_BYTES) {
            memcpy(s->prefix, buffer, VARTA_IV_PREFIX_BYTES);
        } else {
            fail("prefix: takes 16 hex digits or new");
        }
    } else if (strncmp(spec, "counter:", 8) == 0) {
        s->counter = (uint32_t)parse_u64(spec + 8, UINT32_MAX - 1);
    } else if (strncmp(spec, "random:", 7) == 0) {
        char *count_text = strchr(spec + 7, ':');
        if (count_text == NULL) {
            fail("expected random:<length>:<count>");
        }
        *count_text = '\0';
        const size_t len = (size_t)parse_u64(spec + 7, 65507);
        const uint64_t count = parse_u64(count_text + 1, UINT32_MAX);
        for (uint64_t i = 0; i < count; i++) {
            if (getrandom(buffer, len, 0) != (ssize_t)len) {
                fail("getrandom failed");
            }
            send_datagram(s, buffer, len);
        }
    } else {
        fail("unknown item (hex:, beat:, beatpid:, beatpids:, sleep:, fd:, sealhex:, again:, prefix:, counter:, random:)");
    }
}

/* HOST:PORT or [V6]:PORT, connected. */
static int connect_udp(const char *target)
{
    char host[256];
    const char *colon = strrchr(target, ':');
    if (colon == NULL || colon == target || (size_t)(colon - target) >= sizeof(host)) {
        fprintf(stderr, "varta-send: --udp wants HOST:PORT, got '%s'\n", target);
        exit(1);
    }
    size_t host_len = (size_t)(colon - target);
    const char *host_start = target;
    if (target[0] == '[' && colon[-1] == ']') {
        host_start++;
        host_len -= 2;
    }
    memcpy(host, host_start, host_len);
    host[host_len] = '\0';
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    struct addrinfo *found = NULL;
    const int rc = getaddrinfo(host, colon + 1, &hints, &found);
    if (rc != 0) {
        fprintf(stderr, "varta-send: cannot resolve %s: %s\n", target, gai_strerror(rc));
        exit(1);
    }
    const int fd = socket(found->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
        fprintf(stderr, "varta-send: cannot connect to %s: %s\n", target, strerror(errno));
        exit(1);
    }
    freeaddrinfo(found);
    return fd;
}

/* Reads the key file and sets up sealing; a fresh IV prefix unless forced. */
static void load_key(struct sender *s, const char *path, int kind)
{
    char why[256];
    if (varta_crypto_load(NULL, why, sizeof(why)) != 0) {
        fprintf(stderr, "varta-send: cannot load %s (OpenSSL 3): %s\n", VARTA_CRYPTO_DEFAULT_SONAME, why);
        exit(1);
    }
    struct varta_secure_keys *keys = NULL;
    struct varta_key_error err;
    if (varta_secure_keys_new(0, &keys) != 0) {
        fail("out of memory");
    }
    const int rc = varta_secure_keys_add_file(keys, path, kind, (uint32_t)getuid(), &err);
    if (rc != 1) {
        fprintf(stderr, "varta-send: %s: not a private file with exactly one 64-hex key (code %d, line %u)\n", path,
                rc, err.line);
        exit(1);
    }
    const uint8_t *key = kind == VARTA_KEY_FILE_MASTER ? keys->master : keys->shared[0];
    if (varta_aead_init(&s->sealer, key, 1) != 0
        || (kind == VARTA_KEY_FILE_MASTER && varta_agent_kdf_init(&s->kdf, key) != 0)) {
        fail("cannot set up sealing");
    }
    varta_secure_keys_free(keys);
    s->seal = kind == VARTA_KEY_FILE_MASTER ? SEAL_MASTER : SEAL_SHARED;
}

int main(int argc, char **argv)
{
    static struct sender s;
    int i = 1;
    const char *key_file = NULL;
    int key_kind = VARTA_KEY_FILE_PRIMARY;
    const char *forced_prefix = NULL;
    const char *forced_counter = NULL;
    if (argc > 2 && strcmp(argv[1], "--udp") == 0) {
        s.fd = connect_udp(argv[2]);
        s.udp = 1;
        for (i = 3; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
            if (strcmp(argv[i], "--key-file") == 0 || strcmp(argv[i], "--master-key-file") == 0) {
                key_file = argv[i + 1];
                key_kind = argv[i][2] == 'm' ? VARTA_KEY_FILE_MASTER : VARTA_KEY_FILE_PRIMARY;
            } else if (strcmp(argv[i], "--iv-prefix") == 0) {
                forced_prefix = argv[i + 1];
            } else if (strcmp(argv[i], "--iv-counter") == 0) {
                forced_counter = argv[i + 1];
            } else {
                fprintf(stderr, "varta-send: unknown option %s\n", argv[i]);
                return 1;
            }
        }
    } else if (argc >= 3) {
        s.fd = connect_socket(argv[1]);
        i = 2;
    }
    if (s.fd <= 0 || i >= argc) {
        fprintf(stderr, "usage: varta-send SOCKET_PATH ITEM...\n"
                        "       varta-send --udp HOST:PORT [--key-file F | --master-key-file F] [--iv-prefix HEX16]"
                        " [--iv-counter N] ITEM...\n");
        return 1;
    }
    uint8_t *buffer = malloc(MAX_DATAGRAM);
    if (buffer == NULL) {
        fail("out of memory");
    }
    if (key_file != NULL) {
        load_key(&s, key_file, key_kind);
        if (getrandom(s.salt, sizeof(s.salt), 0) != (ssize_t)sizeof(s.salt)) {
            fail("getrandom failed");
        }
        derive_prefix(&s);
        if (forced_prefix != NULL && parse_hex(forced_prefix, buffer) == VARTA_IV_PREFIX_BYTES) {
            memcpy(s.prefix, buffer, VARTA_IV_PREFIX_BYTES);
        } else if (forced_prefix != NULL) {
            fail("--iv-prefix takes 16 hex digits");
        }
        if (forced_counter != NULL) {
            s.counter = (uint32_t)parse_u64(forced_counter, UINT32_MAX - 1);
        }
    }
    for (; i < argc; i++) {
        item = argv[i];
        char *spec = strdup(argv[i]);
        if (spec == NULL) {
            fail("out of memory");
        }
        send_item(&s, spec, buffer);
        free(spec);
    }
    free(buffer);
    varta_aead_free(&s.sealer);
    varta_agent_kdf_free(&s.kdf);
    close(s.fd);
    return 0;
}
