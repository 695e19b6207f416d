/*
 * uds_send.h - the client side of the UDS transport: a non-blocking AF_UNIX SOCK_DGRAM socket connected to the
 * observer's socket path, and one send per beat. Every call returns -errno instead of failing loudly, so the JVM
 * side turns each outcome into a value (EAGAIN: dropped; ECONNREFUSED, ENOENT: failed, reconnect next time) and
 * never throws on the beat path.
 *
 * Any thread; the caller owns the descriptor (one sender at a time per descriptor is the caller's rule, not the
 * kernel's).
 */
#ifndef VARTA_CLIENT_UDS_SEND_H
#define VARTA_CLIENT_UDS_SEND_H

#include <stddef.h>
#include <sys/types.h>

/** Bumped when a JNI signature or a constant the Java side checks at load changes. */
#define VARTA_CLIENT_ABI_VERSION 1

/**
 * Opens an AF_UNIX SOCK_DGRAM socket (non-blocking, close-on-exec) and connects it to the filesystem path of len
 * bytes (no NUL inside, none needed at the end). Returns the descriptor, or -errno: -ENAMETOOLONG when the path
 * does not fit sun_path, -EINVAL for an empty path or one with a NUL byte, -ENOENT when nothing is bound there,
 * -ECONNREFUSED when a socket file is there but no one listens (a stopped observer's stale file), -EACCES, ...
 * Nothing is left open on failure.
 */
int varta_client_uds_open(const char *path, size_t len);

/**
 * Sends len bytes as one datagram without blocking (MSG_DONTWAIT | MSG_NOSIGNAL), EINTR retried. Returns the bytes
 * sent, or -errno: -EAGAIN when the observer's queue (or this socket's send buffer) is full, -ECONNREFUSED when the
 * peer socket was closed (the observer stopped; the socket is then disconnected), -ENOTCONN after that.
 */
ssize_t varta_client_uds_send(int fd, const void *buf, size_t len);

/** Closes fd. Returns 0 or -errno (EINTR is not retried: Linux has closed the descriptor already). */
int varta_client_uds_close(int fd);

#endif
