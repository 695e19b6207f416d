/*
 * ingress_uds.h - the Unix-domain datagram transport's classifier (see ingress.h): kernel
 * credentials (SCM_CREDENTIALS), peer descriptors closed (SCM_RIGHTS), MSG_CTRUNC, the uid check,
 * the 32-byte length, then the VLP decode.
 */
#ifndef VARTA_INGRESS_UDS_H
#define VARTA_INGRESS_UDS_H

#include "varta/ingress.h"

#include <stdint.h>

/** SCM_RIGHTS descriptors a peer may attach that we can still see (and close) per datagram. */
#define VARTA_UDS_MAX_RIGHTS 16u

/**
 * Fills *out for a bound UDS socket (uds.h: SO_PASSCRED and SO_TIMESTAMPNS on). Datagrams from a
 * uid other than observer_uid become UID_MISMATCH records. origin must be KERNEL_ATTESTED or
 * SOCKET_MODE_ONLY (the classifier lowers KERNEL_ATTESTED to SOCKET_MODE_ONLY when the kernel
 * attached no pid). Returns 0, -EINVAL or -ENOMEM. Any thread.
 */
int varta_ingress_uds_init(struct varta_ingress *out, int fd, uint8_t origin, uint32_t observer_uid);

#endif
