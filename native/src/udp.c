/*
 * udp.c - bind the observer's UDP socket; the source of a datagram (udp.h).
 */
#include "varta/udp.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u

static socklen_t to_sockaddr(const struct varta_ip *ip, uint16_t port, struct sockaddr_storage *out)
{
    memset(out, 0, sizeof(*out));
    if (ip->family == AF_INET) {
        struct sockaddr_in *in4 = (struct sockaddr_in *)out;
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        memcpy(&in4->sin_addr, ip->bytes, 4);
        return sizeof(*in4);
    }
    if (ip->family == AF_INET6) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        memcpy(&in6->sin6_addr, ip->bytes, 16);
        return sizeof(*in6);
    }
    return 0;
}

static void from_sockaddr(const struct sockaddr_storage *in, struct varta_ip *ip, uint16_t *port)
{
    memset(ip, 0, sizeof(*ip));
    ip->family = in->ss_family;
    if (in->ss_family == AF_INET) {
        const struct sockaddr_in *in4 = (const struct sockaddr_in *)in;
        memcpy(ip->bytes, &in4->sin_addr, 4);
        *port = ntohs(in4->sin_port);
    } else {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)in;
        memcpy(ip->bytes, &in6->sin6_addr, 16);
        *port = ntohs(in6->sin6_port);
    }
}

int varta_udp_bind(const struct varta_ip *address, uint16_t port, int rcvbuf, struct varta_udp_bound *out)
{
    memset(out, 0, sizeof(*out));
    out->fd = -1;
    struct sockaddr_storage addr;
    const socklen_t len = to_sockaddr(address, port, &addr);
    if (len == 0) {
        return -EAFNOSUPPORT;
    }
    const int fd = socket(address->family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_UDP);
    if (fd < 0) {
        return -errno;
    }
    const int on = 1;
    int rc = 0;
    if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) != 0) {
        rc = -errno;
    }
    if (rc == 0 && rcvbuf > 0) {
        int granted = 0;
        socklen_t granted_len = sizeof(granted);
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) == 0
            && getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &granted_len) == 0) {
            out->granted_rcvbuf = granted;
        }
    }
    if (rc == 0 && bind(fd, (const struct sockaddr *)&addr, len) != 0) {
        rc = -errno;
    }
    struct sockaddr_storage bound;
    socklen_t bound_len = sizeof(bound);
    if (rc == 0 && getsockname(fd, (struct sockaddr *)&bound, &bound_len) != 0) {
        rc = -errno;
    }
    if (rc != 0) {
        close(fd);
        return rc;
    }
    from_sockaddr(&bound, &out->address, &out->port);
    out->fd = fd;
    return fd;
}

void varta_udp_source(const struct msghdr *header, uint16_t *port, uint32_t *hash)
{
    *port = 0;
    *hash = 0;
    const struct sockaddr *name = header->msg_name;
    if (name == NULL) {
        return;
    }
    uint8_t bytes[16];
    if (name->sa_family == AF_INET && header->msg_namelen >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *in4 = (const struct sockaddr_in *)(const void *)name;
        memset(bytes, 0, 10);
        bytes[10] = 0xff;
        bytes[11] = 0xff;
        memcpy(bytes + 12, &in4->sin_addr, 4);
        *port = ntohs(in4->sin_port);
    } else if (name->sa_family == AF_INET6 && header->msg_namelen >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)name;
        memcpy(bytes, &in6->sin6_addr, 16);
        *port = ntohs(in6->sin6_port);
    } else {
        return;
    }
    uint32_t h = FNV_OFFSET;
    for (unsigned i = 0; i < sizeof(bytes); i++) {
        h = (h ^ bytes[i]) * FNV_PRIME;
    }
    *hash = h;
}
