/*
 * test_secure_udp.c - the secure UDP classifier end to end: a listener bound on IPv4 and one on IPv6
 * loopback, keys from key files, sealed datagrams sent over real sockets through the real receiver. Each
 * datagram is one record: beats, a replay, a wrong key, wrong lengths; the attempt count adds up.
 */
#include "varta/crypto.h"
#include "varta/ingress_secure_udp.h"
#include "varta/secure_frame.h"
#include "varta/secure_keys.h"
#include "varta/udp.h"
#include "varta/vlp.h"

#include "ring_support.h"
#include "support.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

static const uint8_t PREFIX[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static void send_to(int fd, int family, uint16_t port, const void *bytes, size_t len)
{
    struct sockaddr_storage addr;
    memset(&addr, 0, sizeof(addr));
    socklen_t addr_len;
    if (family == AF_INET) {
        struct sockaddr_in *in4 = (struct sockaddr_in *)&addr;
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        inet_pton(AF_INET, "127.0.0.1", &in4->sin_addr);
        addr_len = sizeof(*in4);
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&addr;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        inet_pton(AF_INET6, "::1", &in6->sin6_addr);
        addr_len = sizeof(*in6);
    }
    CHECK(sendto(fd, bytes, len, 0, (struct sockaddr *)&addr, addr_len) == (ssize_t)len, "sendto: %s",
          strerror(errno));
}

static void secure_records_for(int family, const char *key_file)
{
    struct varta_secure_keys *keys = NULL;
    struct varta_key_error err;
    varta_secure_keys_new(1000000000, &keys);
    CHECK(varta_secure_keys_add_file(keys, key_file, VARTA_KEY_FILE_PRIMARY, (uint32_t)getuid(), &err) == 1,
          "key file");
    struct varta_ip loopback;
    memset(&loopback, 0, sizeof(loopback));
    loopback.family = family;
    inet_pton(family, family == AF_INET ? "127.0.0.1" : "::1", loopback.bytes);
    struct varta_udp_bound bound;
    CHECK(varta_udp_bind(&loopback, 0, 0, &bound) >= 0, "bind");
    const struct varta_ingress_config config = {
        .fd = bound.fd, .transport = VARTA_TRANSPORT_SECURE_UDP, .origin = VARTA_ORIGIN_OPERATOR_ATTESTED_TRANSPORT,
        .context = keys,
    };
    struct varta_ingress ingress;
    CHECK(varta_ingress_init(&ingress, &config) == 0, "ingress init");
    struct test_ring t;
    test_ring_start(&t, &ingress, 1, 64);

    uint8_t key[32], wrong[32], frame[VARTA_FRAME_BYTES], wire[VARTA_SECURE_SHARED_BYTES], stranger[60];
    memcpy(key, keys->shared[0], 32);
    memset(wrong, 7, sizeof(wrong));
    struct varta_aead sealer, other;
    varta_aead_init(&sealer, key, 1);
    varta_aead_init(&other, wrong, 1);
    const int out = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    varta_vlp_encode(VARTA_STATUS_OK, 31337, 10, 1, 0, frame);
    varta_secure_seal_shared(&sealer, PREFIX, 0, frame, wire);
    send_to(out, family, bound.port, wire, sizeof(wire));
    send_to(out, family, bound.port, wire, sizeof(wire));
    varta_secure_seal_shared(&other, PREFIX, 1, frame, stranger);
    send_to(out, family, bound.port, stranger, sizeof(stranger));
    send_to(out, family, bound.port, frame, sizeof(frame));
    uint8_t big[100] = { 0 };
    send_to(out, family, bound.port, big, sizeof(big));
    varta_vlp_encode(VARTA_STATUS_DEGRADED, 31337, 11, 2, 9, frame);
    varta_secure_seal_shared(&sealer, PREFIX, 1, frame, wire);
    send_to(out, family, bound.port, wire, sizeof(wire));

    struct varta_ring_record r[6];
    const int got = test_ring_collect(&t, r, 6, 5000);
    CHECK(got == 6, "%d records of 6", got);
    if (got == 6) {
        CHECK(r[0].kind == VARTA_KIND_BEAT && r[0].frame_pid == 31337 && r[0].nonce == 1, "a sealed beat");
        CHECK(r[1].kind == VARTA_KIND_REPLAY_REFUSED, "the same datagram again: kind %u", r[1].kind);
        CHECK(r[2].kind == VARTA_KIND_DECRYPT_FAILED, "another key: kind %u", r[2].kind);
        CHECK(r[3].kind == VARTA_KIND_WRONG_LENGTH && r[3].datagram_len == 32, "a plaintext frame");
        CHECK(r[4].kind == VARTA_KIND_WRONG_LENGTH && r[4].datagram_len == 65, "overlong reads as 65");
        CHECK(r[5].kind == VARTA_KIND_BEAT && r[5].status == VARTA_STATUS_DEGRADED && r[5].payload == 9,
              "the next counter");
        for (int i = 0; i < got; i++) {
            CHECK(r[i].transport == VARTA_TRANSPORT_SECURE_UDP && r[i].origin == VARTA_ORIGIN_OPERATOR_ATTESTED_TRANSPORT
                  && r[i].peer_pid == 0 && r[i].source_port != 0 && r[i].source_hash != 0, "record %d fields", i);
        }
    }
    test_ring_stop(&t);
    CHECK(varta_secure_keys_attempts(keys) == 4, "one trial per 60-byte datagram: %llu",
          (unsigned long long)varta_secure_keys_attempts(keys));
    varta_aead_free(&sealer);
    varta_aead_free(&other);
    varta_secure_keys_free(keys);
    close(out);
    close(bound.fd);
}

int main(void)
{
    char why[256];
    if (varta_crypto_load(NULL, why, sizeof(why)) != 0) {
        fprintf(stderr, "libcrypto: %s\n", why);
        return 1;
    }
    char dir[] = "/tmp/varta-secure-udp-XXXXXX";
    if (!mkdtemp(dir)) {
        return 2;
    }
    char path[64];
    snprintf(path, sizeof(path), "%s/key", dir);
    const int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    CHECK(fd >= 0 && write(fd, KEY_HEX "\n", 65) == 65, "key file written");
    close(fd);
    secure_records_for(AF_INET, path);
    secure_records_for(AF_INET6, path);
    unlink(path);
    rmdir(dir);
    return check_summary("test_secure_udp");
}
