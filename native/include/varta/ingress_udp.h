/*
 * ingress_udp.h - the plaintext UDP transport's classifier (see ingress.h): the sender's source
 * (udp.h), the 32-byte length, then the VLP decode. No credentials and no pid binding: the record's
 * peer_pid stays 0, and the pid_max gate and the origin rules are applied by the consumer.
 */
#ifndef VARTA_INGRESS_UDP_H
#define VARTA_INGRESS_UDP_H

#include "varta/ingress.h"

#include <stdint.h>

/**
 * Fills *out for a bound UDP socket (udp.h). origin must be NETWORK_UNVERIFIED, or
 * OPERATOR_ATTESTED_TRANSPORT when the operator accepted this transport for recovery. Returns 0 or
 * -EINVAL. Any thread.
 */
int varta_ingress_udp_init(struct varta_ingress *out, int fd, uint8_t origin);

/** 1 if origin is one a UDP listener may give (both UDP transports share the rule). */
int varta_ingress_udp_origin_valid(uint8_t origin);

#endif
