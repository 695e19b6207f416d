/*
 * ingress.c - the one place that maps a transport to its classifier (see ingress.h).
 */
#include "varta/ingress.h"

#include "varta/ingress_uds.h"

#include <errno.h>
#include <string.h>

int varta_ingress_init(struct varta_ingress *out, const struct varta_ingress_config *config)
{
    memset(out, 0, sizeof(*out));
    out->fd = -1;
    switch (config->transport) {
    case VARTA_TRANSPORT_UDS:
        return varta_ingress_uds_init(out, config->fd, config->origin, config->observer_uid);
    default:
        return -EPROTONOSUPPORT; /* UDP and secure UDP: their issue adds a case here */
    }
}

void varta_ingress_destroy(struct varta_ingress *ingress)
{
    if (ingress->destroy != NULL) {
        ingress->destroy(ingress);
        ingress->destroy = NULL;
    }
}
