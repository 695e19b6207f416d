/*
 * test_udp.c - the UDP bind (IPv4, IPv6, ephemeral port reported) and the plaintext UDP classifier end to
 * end: real sockets, the real receiver; every datagram must come out as exactly one record carrying the
 * transport, the origin, no pid binding and the sender's source.
 */
#include "varta/ingress_udp.h"
#include "varta/udp.h"
#include "varta/vlp.h"

#include "ring_support.h"
#include "support.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <unistd.h>

#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u

static struct varta_ip ip(int family, const char *text)
{
    struct varta_ip out;
    memset(&out, 0, sizeof(out));
    out.family = family;
    inet_pton(family, text, out.bytes);
    return out;
}

/* A sender socket bound to an ephemeral port of family's loopback; its port in *port. */
static int sender(int family, uint16_t *port)
{
    const struct varta_ip loopback = ip(family, family == AF_INET ? "127.0.0.1" : "::1");
    struct varta_udp_bound bound;
    const int fd = varta_udp_bind(&loopback, 0, 0, &bound);
    if (fd < 0) {
        fprintf(stderr, "sender bind failed: %s\n", strerror(-fd));
        exit(2);
    }
    *port = bound.port;
    return fd;
}

static void send_to(int fd, const struct varta_udp_bound *to, const void *bytes, size_t len)
{
    struct sockaddr_storage addr;
    memset(&addr, 0, sizeof(addr));
    socklen_t addr_len;
    if (to->address.family == AF_INET) {
        struct sockaddr_in *in4 = (struct sockaddr_in *)&addr;
        in4->sin_family = AF_INET;
        in4->sin_port = htons(to->port);
        memcpy(&in4->sin_addr, to->address.bytes, 4);
        addr_len = sizeof(*in4);
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&addr;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(to->port);
        memcpy(&in6->sin6_addr, to->address.bytes, 16);
        addr_len = sizeof(*in6);
    }
    const ssize_t sent = sendto(fd, bytes, len, 0, (struct sockaddr *)&addr, addr_len);
    CHECK(sent == (ssize_t)len, "sendto: %s", strerror(errno));
}

static uint32_t fnv(const uint8_t bytes[16])
{
    uint32_t h = FNV_OFFSET;
    for (unsigned i = 0; i < 16; i++) {
        h = (h ^ bytes[i]) * FNV_PRIME;
    }
    return h;
}

static void ephemeral_port_is_reported(void)
{
    const struct varta_ip any = ip(AF_INET, "127.0.0.1");
    struct varta_udp_bound bound;
    const int fd = varta_udp_bind(&any, 0, 65536, &bound);
    CHECK(fd >= 0, "bind 127.0.0.1:0: %d", fd);
    CHECK(bound.port != 0, "no ephemeral port reported");
    CHECK(bound.address.family == AF_INET && memcmp(bound.address.bytes, "\x7f\0\0\x01", 4) == 0, "bound address");
    CHECK(bound.granted_rcvbuf >= 65536, "rcvbuf granted %d", bound.granted_rcvbuf);
    int on = 0;
    socklen_t len = sizeof(on);
    CHECK(getsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, &len) == 0 && on, "SO_TIMESTAMPNS is off");
    struct varta_udp_bound again;
    const int taken = varta_udp_bind(&any, bound.port, 0, &again);
    CHECK(taken == -EADDRINUSE, "a taken port gives -EADDRINUSE, got %d", taken);
    const struct varta_ip foreign = ip(AF_INET, "192.0.2.1");
    CHECK(varta_udp_bind(&foreign, 0, 0, &again) == -EADDRNOTAVAIL, "an address not ours gives -EADDRNOTAVAIL");
    const struct varta_ip bad = { .family = AF_UNIX };
    CHECK(varta_udp_bind(&bad, 0, 0, &again) == -EAFNOSUPPORT, "a family other than IP is refused");
    close(fd);
}

/* Beats and wrong lengths from one family's loopback: each datagram one record, in order. */
static void plaintext_records_for(int family)
{
    const struct varta_ip loopback = ip(family, family == AF_INET ? "127.0.0.1" : "::1");
    struct varta_udp_bound bound;
    if (varta_udp_bind(&loopback, 0, 0, &bound) < 0) {
        CHECK(0, "bind loopback of family %d", family);
        return;
    }
    struct varta_ingress ingress;
    CHECK(varta_ingress_udp_init(&ingress, bound.fd, VARTA_ORIGIN_KERNEL_ATTESTED) == -EINVAL,
          "a UDP listener cannot vouch for a kernel-attested origin");
    CHECK(varta_ingress_udp_init(&ingress, bound.fd, VARTA_ORIGIN_NETWORK_UNVERIFIED) == 0, "ingress init");
    struct test_ring t;
    test_ring_start(&t, &ingress, 1, 64);

    uint16_t port = 0;
    const int out = sender(family, &port);
    uint8_t frame[VARTA_FRAME_BYTES];
    varta_vlp_encode(VARTA_STATUS_OK, 4242, 1000, 1, 7, frame);
    uint8_t long_datagram[100];
    memset(long_datagram, 0x56, sizeof(long_datagram));
    memcpy(long_datagram, frame, sizeof(frame));
    send_to(out, &bound, frame, sizeof(frame));
    send_to(out, &bound, frame, 31);
    send_to(out, &bound, long_datagram, 33);
    send_to(out, &bound, long_datagram, sizeof(long_datagram));
    frame[3] = 9; /* a bad status byte with its old CRC: a decode error, not a beat */
    send_to(out, &bound, frame, sizeof(frame));

    struct varta_ring_record records[5];
    const int got = test_ring_collect(&t, records, 5, 5000);
    CHECK(got == 5, "family %d: %d records of 5", family, got);
    uint8_t mapped[16] = { 0 };
    if (family == AF_INET) {
        mapped[10] = 0xff;
        mapped[11] = 0xff;
        memcpy(mapped + 12, loopback.bytes, 4);
    } else {
        memcpy(mapped, loopback.bytes, 16);
    }
    for (int i = 0; i < got; i++) {
        CHECK(records[i].transport == VARTA_TRANSPORT_UDP, "record %d: transport", i);
        CHECK(records[i].origin == VARTA_ORIGIN_NETWORK_UNVERIFIED, "record %d: origin", i);
        CHECK(records[i].peer_pid == 0 && records[i].peer_uid == UINT32_MAX, "record %d: no credentials", i);
        CHECK(records[i].source_port == port, "record %d: source port %u, sent from %u", i, records[i].source_port,
              port);
        CHECK(records[i].source_hash == fnv(mapped), "record %d: source hash", i);
        CHECK(records[i].recv_ns > 0, "record %d: arrival time", i);
    }
    if (got == 5) {
        CHECK(records[0].kind == VARTA_KIND_BEAT && records[0].frame_pid == 4242 && records[0].payload == 7, "beat");
        CHECK(records[1].kind == VARTA_KIND_WRONG_LENGTH && records[1].datagram_len == 31, "short datagram");
        CHECK(records[2].kind == VARTA_KIND_WRONG_LENGTH && records[2].datagram_len == 33, "33 bytes is long");
        CHECK(records[3].kind == VARTA_KIND_WRONG_LENGTH && records[3].datagram_len == 33,
              "an overlong datagram reads as 33 bytes, never as a truncated frame");
        CHECK(records[4].kind == VARTA_KIND_DECODE_ERROR && records[4].decode_error == VARTA_DECODE_BAD_CRC,
              "a changed byte is a decode error");
    }
    test_ring_stop(&t);
    close(out);
    close(bound.fd);
}

int main(void)
{
    ephemeral_port_is_reported();
    plaintext_records_for(AF_INET);
    plaintext_records_for(AF_INET6);
    return check_summary("test_udp");
}
