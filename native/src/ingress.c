/*
 * ingress.c - the one place that maps a transport to its classifier (see ingress.h).
 */
#include "varta/ingress.h"

#include "varta/ingress_secure_udp.h"
#include "varta/ingress_udp.h"
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
    case VARTA_TRANSPORT_UDP:
        return varta_ingress_udp_init(out, config->fd, config->origin);
    case VARTA_TRANSPORT_SECURE_UDP:
        return varta_ingress_secure_udp_init(out, config->fd, config->origin, config->context);
    default:
        return -EPROTONOSUPPORT;
    }
}

void varta_ingress_destroy(struct varta_ingress *ingress)
{
    if (ingress->destroy != NULL) {
        ingress->destroy(ingress);
        ingress->destroy = NULL;
    }
}
