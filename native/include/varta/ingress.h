/*
 * ingress.h - one listener socket as the receiver loop (recv.c) sees it: a descriptor plus the
 * transport's step "datagram -> record" (its classifier), the way Aeron's transport bindings keep
 * the batch receive apart from what a transport does with each message.
 *
 * The loop owns everything that is the same for every transport: epoll over all ingress sockets,
 * recvmmsg in batches into buffers it sizes from max_datagram_bytes, name_bytes and control_bytes,
 * the receive time of each datagram (SO_TIMESTAMPNS, see recv.c), the ring, and the common record
 * fields. A transport supplies the rest and never sees the ring protocol:
 *
 *   transport        max_datagram_bytes  name_bytes             control_bytes       classify
 *   UDS              32                  0                      creds + 16 fds      ingress_uds.c
 *   plaintext UDP    32                  sockaddr_in6 (source)  0                   ingress_udp.c
 *   secure UDP       64                  sockaddr_in6           0                   ingress_secure_udp.c (libcrypto
 *                                                                                   open with every key, decode,
 *                                                                                   replay table in its state)
 *
 * A new transport adds one file with its init function and one case in varta_ingress_init
 * (ingress.c); recv.c does not change.
 */
#ifndef VARTA_INGRESS_H
#define VARTA_INGRESS_H

#include "varta/ring_access.h"

#include <stdint.h>
#include <sys/socket.h>

/** One datagram as recvmmsg returned it, handed to a classifier. */
struct varta_datagram {
    const uint8_t *bytes;         /* the read buffer: max_datagram_bytes + 1 bytes */
    uint32_t length;              /* bytes received; max_datagram_bytes + 1 means "longer" */
    int flags;                    /* msg_flags (MSG_CTRUNC, ...) */
    const struct msghdr *header;  /* control data (CMSG_FIRSTHDR) and, if name_bytes > 0, msg_name */
};

struct varta_ingress;

/**
 * Turns one datagram into one record. The loop has zeroed the record and set recv_ns, transport,
 * listener, datagram_len, origin (= the ingress's origin) and peer_uid = 0xFFFFFFFF (none); the
 * classifier must set kind and may set any other field (and lower origin). It must release what the
 * datagram carried (e.g. close SCM_RIGHTS descriptors). Called on the receiver thread only.
 */
typedef void (*varta_classify_fn)(const struct varta_ingress *ingress, const struct varta_datagram *datagram,
                                  struct varta_ring_record *record);

/** Releases the classifier's state (keys, replay table). Called once, on the controlling thread. */
typedef void (*varta_ingress_destroy_fn)(struct varta_ingress *ingress);

struct varta_ingress {
    int fd;                       /* non-blocking datagram socket; SO_TIMESTAMPNS on since before bind */
    uint8_t transport;            /* enum varta_transport */
    uint8_t origin;               /* enum varta_origin: the best this listener can vouch for */
    uint16_t max_datagram_bytes;  /* largest datagram the transport accepts; read buffers get one more */
    uint16_t name_bytes;          /* msg_name room (source address), 0 for none */
    uint16_t control_bytes;       /* control room the classifier needs (the loop adds its timestamp's) */
    varta_classify_fn classify;
    varta_ingress_destroy_fn destroy; /* NULL if there is no state */
    void *state;                  /* the classifier's own (read-only on the receiver thread, or its own) */
};

/** What Java hands over per listener. */
struct varta_ingress_config {
    int fd;
    uint8_t transport;            /* enum varta_transport */
    uint8_t origin;               /* enum varta_origin */
    uint32_t observer_uid;        /* UDS: senders of another uid become UID_MISMATCH records */
    void *context;                /* secure UDP: the listener's struct varta_secure_keys (outlives the
                                   * ingress); NULL for the other transports */
};

/**
 * Fills *out for config->transport. Returns 0, -EPROTONOSUPPORT for a transport this build cannot
 * read, -EINVAL for an origin the transport cannot give, or -errno. Any thread.
 */
int varta_ingress_init(struct varta_ingress *out, const struct varta_ingress_config *config);

/** Releases what varta_ingress_init allocated (not the socket). Idempotent; any thread. */
void varta_ingress_destroy(struct varta_ingress *ingress);

#endif
