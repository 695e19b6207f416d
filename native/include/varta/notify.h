/*
 * notify.h - the sd_notify(3) protocol's sending side: a datagram socket connected to $NOTIFY_SOCKET
 * (a file-system path, or a Linux abstract name written "@name") and one send(2) per message.
 * The JVM cannot send on an AF_UNIX SOCK_DGRAM socket, so this lives here.
 *
 * Every function returns >= 0 on success and -errno on failure; none keeps global state.
 */
#ifndef VARTA_NOTIFY_H
#define VARTA_NOTIFY_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

/**
 * Turns the value of $NOTIFY_SOCKET (len bytes, no NUL needed) into an address: "/path" as is, "@name"
 * as the abstract name "\0name". Returns 0, -EINVAL for an empty value, "@" alone or an embedded NUL,
 * -EAFNOSUPPORT for any other form (e.g. systemd's "vsock:" addresses), -ENAMETOOLONG if it does not fit.
 */
int varta_notify_address(const char *value, size_t len, struct sockaddr_un *out, socklen_t *out_len);

/**
 * Opens a close-on-exec, non-blocking datagram socket connected to the address of $NOTIFY_SOCKET.
 * Returns the descriptor or -errno (e.g. -ENOENT / -ECONNREFUSED when nobody listens there).
 */
int varta_notify_open(const char *value, size_t len);

/**
 * Sends one message (e.g. "READY=1\n") without blocking and without SIGPIPE; EINTR is retried.
 * Returns 0, -EAGAIN when the manager's queue is full, or another -errno. Any thread.
 */
int varta_notify_send(int fd, const char *message, size_t len);

#endif
