/*
 * ingress_udp.c - one plaintext UDP datagram into one record (see ingress_udp.h).
 */
#include "varta/ingress_udp.h"

#include "varta/frame_record.h"
#include "varta/udp.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

static void classify_udp(const struct varta_ingress *ingress, const struct varta_datagram *d,
                         struct varta_ring_record *rec)
{
    varta_udp_source(d->header, &rec->source_port, &rec->source_hash);
    if (d->length != VARTA_FRAME_BYTES) {
        rec->kind = VARTA_KIND_WRONG_LENGTH;
    } else {
        varta_frame_record_decode(d->bytes, rec);
    }
}

int varta_ingress_udp_origin_valid(uint8_t origin)
{
    return origin == VARTA_ORIGIN_NETWORK_UNVERIFIED || origin == VARTA_ORIGIN_OPERATOR_ATTESTED_TRANSPORT;
}

int varta_ingress_udp_init(struct varta_ingress *out, int fd, uint8_t origin)
{
    if (!varta_ingress_udp_origin_valid(origin)) {
        return -EINVAL;
    }
    memset(out, 0, sizeof(*out));
    out->fd = fd;
    out->transport = VARTA_TRANSPORT_UDP;
    out->origin = origin;
    out->max_datagram_bytes = VARTA_FRAME_BYTES;
    out->name_bytes = (uint16_t)sizeof(struct sockaddr_in6);
    out->control_bytes = 0;
    out->classify = classify_udp;
    out->destroy = NULL;
    out->state = NULL;
    return 0;
}
