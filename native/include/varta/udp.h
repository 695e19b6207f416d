/*
 * udp.h - the observer's UDP socket (the plaintext and the secure listener bind it the same way) and the
 * source of a UDP datagram as a ring record carries it.
 *
 * Bind: IPv4 or IPv6 by the address's family (an IPv6 wildcard also takes IPv4-mapped senders, the
 * kernel's default, as the reference's std bind does), non-blocking, close-on-exec, SO_TIMESTAMPNS on
 * since before the bind (so even the first datagram carries its kernel arrival time, see recv.c),
 * SO_RCVBUF on request, and the bound address read back (port 0 asks for an ephemeral port).
 *
 * Source: the record's source_port is the sender's port (host order) and source_hash the 32-bit FNV-1a
 * hash of the sender's address as 16 bytes (an IPv4 address in its IPv4-mapped IPv6 form, so a sender
 * hashes the same on an IPv4 and a dual-stack socket). No address is kept anywhere else.
 *
 * Functions return an fd / 0 on success and -errno on failure. Thread-safe; no global state.
 */
#ifndef VARTA_UDP_H
#define VARTA_UDP_H

#include <stdint.h>
#include <sys/socket.h>

/** An IP address: family AF_INET (the first 4 bytes used) or AF_INET6 (16 bytes). */
struct varta_ip {
    int family;
    uint8_t bytes[16];
};

/** What a successful bind produced. */
struct varta_udp_bound {
    int fd;                 /* non-blocking, close-on-exec, SO_TIMESTAMPNS on since before the bind */
    struct varta_ip address; /* the bound address as the kernel reports it */
    uint16_t port;          /* the bound port (the ephemeral one for a request of 0) */
    int granted_rcvbuf;     /* SO_RCVBUF read back, 0 if not requested */
};

/**
 * Binds a UDP socket to address:port, sets SO_RCVBUF to rcvbuf when rcvbuf > 0. Returns the fd (also in
 * out->fd) or -errno (-EAFNOSUPPORT for a family other than AF_INET/AF_INET6). No socket is left open on
 * failure.
 */
int varta_udp_bind(const struct varta_ip *address, uint16_t port, int rcvbuf, struct varta_udp_bound *out);

/**
 * The source of a datagram read with msg_name room for a struct sockaddr_in6: its port (host order) and the
 * hash of its address (see the top of this file); both 0 for a name that is no AF_INET/AF_INET6 address.
 */
void varta_udp_source(const struct msghdr *header, uint16_t *port, uint32_t *hash);

#endif
