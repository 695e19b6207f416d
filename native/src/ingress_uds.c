/*
 * ingress_uds.c - one UDS datagram into one record (see ingress_uds.h). Checks run in the
 * reference's order: control data truncated, no credentials, foreign uid, wrong length, decode.
 */
#include "varta/ingress_uds.h"

#include "varta/frame_record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct uds_state {
    uint32_t observer_uid;
};

/* Reads the credentials of one datagram; closes every descriptor a peer attached. */
static int read_credentials(const struct msghdr *msg, struct ucred *cred)
{
    int have = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR((struct msghdr *)msg, c)) {
        if (c->cmsg_level != SOL_SOCKET) {
            continue;
        }
        if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
            memcpy(cred, CMSG_DATA(c), sizeof(*cred));
            have = 1;
        } else if (c->cmsg_type == SCM_RIGHTS) {
            const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            const uint8_t *data = CMSG_DATA(c);
            for (size_t i = 0; i < count; i++) {
                int passed;
                memcpy(&passed, data + i * sizeof(int), sizeof(int));
                close(passed);
            }
        }
    }
    return have;
}

static void classify_uds(const struct varta_ingress *ingress, const struct varta_datagram *d,
                         struct varta_ring_record *rec)
{
    const struct uds_state *state = ingress->state;
    struct ucred cred;
    const int have_cred = read_credentials(d->header, &cred);
    if (have_cred) {
        rec->peer_pid = cred.pid;
        rec->peer_uid = cred.uid;
    }
    if (!have_cred || cred.pid == 0) {
        rec->origin = VARTA_ORIGIN_SOCKET_MODE_ONLY;
    }
    if (d->flags & MSG_CTRUNC) {
        rec->kind = VARTA_KIND_CTRUNC;
    } else if (!have_cred) {
        rec->kind = VARTA_KIND_NO_CREDENTIALS;
    } else if (cred.uid != state->observer_uid) {
        rec->kind = VARTA_KIND_UID_MISMATCH;
    } else if (d->length != VARTA_FRAME_BYTES) {
        rec->kind = VARTA_KIND_WRONG_LENGTH;
    } else {
        varta_frame_record_decode(d->bytes, rec);
    }
}

static void destroy_uds(struct varta_ingress *ingress)
{
    free(ingress->state);
    ingress->state = NULL;
}

int varta_ingress_uds_init(struct varta_ingress *out, int fd, uint8_t origin, uint32_t observer_uid)
{
    if (origin != VARTA_ORIGIN_KERNEL_ATTESTED && origin != VARTA_ORIGIN_SOCKET_MODE_ONLY) {
        return -EINVAL;
    }
    struct uds_state *state = malloc(sizeof(*state));
    if (state == NULL) {
        return -ENOMEM;
    }
    state->observer_uid = observer_uid;
    memset(out, 0, sizeof(*out));
    out->fd = fd;
    out->transport = VARTA_TRANSPORT_UDS;
    out->origin = origin;
    out->max_datagram_bytes = VARTA_FRAME_BYTES;
    out->name_bytes = 0;
    out->control_bytes = (uint16_t)(CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * VARTA_UDS_MAX_RIGHTS));
    out->classify = classify_uds;
    out->destroy = destroy_uds;
    out->state = state;
    return 0;
}
