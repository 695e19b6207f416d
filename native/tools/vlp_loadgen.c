/*
 * vlp_loadgen.c - the ingest benchmark's load: N sender processes blasting valid VLP frames
 * at a Unix datagram socket with sendmmsg.
 *
 *   vlp-loadgen --socket PATH --senders N --frames-per-sender K
 *               [--batch 64] [--rate-per-sender R] [--pid-spread M] [--corrupt none|crc]
 *
 * Each sender is a forked process with its own connected AF_UNIX SOCK_DGRAM socket. It stamps
 * frames with its own pid (getpid()), status Ok, nonces 1, 2, 3, ..., the CLOCK_MONOTONIC time
 * at encoding, payload 0, and sends them in sendmmsg batches of --batch frames. Sends block:
 * when the receiver's queue is full the kernel makes the sender wait instead of dropping, so
 * every frame sent is eventually readable by the receiver (nothing is lost in the kernel).
 *
 * --rate-per-sender R paces each sender to R frames/s (batch granularity; 0 = unpaced).
 * --pid-spread M stamps frame i with pid getpid() + (i % M) to exercise M tracker slots per
 * sender; with credentials on, an observer reports every frame whose pid is not the sender's
 * own as an auth failure (still an accounted outcome). Default 1: the own pid only.
 *
 * --udp IP:PORT (IPv4 literal or [IPv6]:PORT) sends over UDP instead of --socket: 32-byte plaintext frames, or
 * with --key-file F / --master-key-file F 60-byte shared-key / 64-byte master-key secure datagrams. Sealed
 * datagrams are all sealed before the start (each sender: its own random IV prefix, counters from 0), so the
 * senders' cost is the same as for plaintext and the receiver's authentication is what is measured. UDP sends do
 * not block on a full receiver: the kernel drops what the receiver's queue cannot hold (the receivers count
 * what arrived).
 *
 * --corrupt crc flips a bit of every frame's stored CRC: a garbage flood of frames the observer rejects
 * as BadCrc, each still carrying the sender's kernel credentials. Default none.
 *
 * All senders connect first, then start together; the parent times from that start to the
 * exit of the last sender and prints one line:
 *   loadgen senders=N frames=TOTAL elapsed_ns=E rate=FRAMES_PER_SECOND
 * SIGTERM or SIGINT to the parent kills every sender and exits 1 (senders also get SIGKILL if
 * the parent dies, PR_SET_PDEATHSIG).
 * Exit codes: 0 all frames sent, 1 a sender failed or the run was stopped, 2 usage error.
 */
#include "tool_util.h"

#include "varta/crypto.h"
#include "varta/secure_frame.h"
#include "varta/secure_keys.h"
#include "varta/vlp.h"

#include <netdb.h>
#include <sys/random.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SENDERS 1024u
#define MAX_BATCH 1024u
#define MAX_FRAMES_PER_SENDER 1000000000u /* keeps frames * 1e9 (pacing) inside 64 bits */
#define MAX_PID_SPREAD 1000000u

struct options {
    const char *socket_path;
    const char *udp;
    const char *key_file;
    int key_kind;
    uint64_t senders;
    uint64_t frames_per_sender;
    uint64_t batch;
    uint64_t rate_per_sender;
    uint64_t pid_spread;
    int corrupt_crc;
};

#define TOOL "vlp-loadgen"
static const char USAGE[] = "--socket PATH | --udp IP:PORT [--key-file F | --master-key-file F] --senders N --frames-per-sender K [--batch 64] [--rate-per-sender R (0 = unpaced)] [--pid-spread M] [--corrupt none|crc]";

static void usage(const char *why)
{
    tool_usage_exit(TOOL, USAGE, why);
}

static struct options parse_args(int argc, char **argv)
{
    struct options o = { .batch = 64, .rate_per_sender = 0, .pid_spread = 1 };
    for (int i = 1; i < argc; i++) {
        const char *flag = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (value == NULL) {
            usage("missing value after the last flag");
        }
        i++;
        if (strcmp(flag, "--socket") == 0) {
            o.socket_path = value;
        } else if (strcmp(flag, "--senders") == 0) {
            o.senders = tool_flag_u64(TOOL, USAGE, flag, value, 1, MAX_SENDERS);
        } else if (strcmp(flag, "--frames-per-sender") == 0) {
            o.frames_per_sender = tool_flag_u64(TOOL, USAGE, flag, value, 1, MAX_FRAMES_PER_SENDER);
        } else if (strcmp(flag, "--batch") == 0) {
            o.batch = tool_flag_u64(TOOL, USAGE, flag, value, 1, MAX_BATCH);
        } else if (strcmp(flag, "--rate-per-sender") == 0) {
            o.rate_per_sender = tool_flag_u64(TOOL, USAGE, flag, value, 0, UINT32_MAX);
        } else if (strcmp(flag, "--corrupt") == 0) {
            if (strcmp(value, "crc") != 0 && strcmp(value, "none") != 0) {
                usage("--corrupt takes none or crc");
            }
            o.corrupt_crc = strcmp(value, "crc") == 0;
        } else if (strcmp(flag, "--udp") == 0) {
            o.udp = value;
        } else if (strcmp(flag, "--key-file") == 0 || strcmp(flag, "--master-key-file") == 0) {
            o.key_file = value;
            o.key_kind = flag[2] == 'm' ? VARTA_KEY_FILE_MASTER : VARTA_KEY_FILE_PRIMARY;
        } else if (strcmp(flag, "--pid-spread") == 0) {
            o.pid_spread = tool_flag_u64(TOOL, USAGE, flag, value, 1, MAX_PID_SPREAD);
        } else {
            fprintf(stderr, "vlp-loadgen: unknown flag '%s'\n", flag);
            usage(NULL);
        }
    }
    struct sockaddr_un probe;
    if ((o.socket_path == NULL) == (o.udp == NULL) || o.senders == 0 || o.frames_per_sender == 0) {
        usage("one of --socket and --udp, --senders and --frames-per-sender are required");
    }
    if (o.socket_path != NULL && tool_unix_addr(o.socket_path, &probe) != 0) {
        usage("--socket path is empty or longer than sun_path");
    }
    if (o.key_file != NULL && o.udp == NULL) {
        usage("--key-file and --master-key-file need --udp");
    }
    return o;
}

/* A UDP socket connected to --udp IP:PORT or [IPv6]:PORT; -1 on failure. */
static int connect_udp(const char *target)
{
    char host[64];
    const char *colon = strrchr(target, ':');
    size_t len = colon != NULL ? (size_t)(colon - target) : 0;
    const char *start = target;
    if (len >= 2 && start[0] == '[' && start[len - 1] == ']') {
        start++;
        len -= 2;
    }
    if (colon == NULL || len == 0 || len >= sizeof(host)) {
        return -1;
    }
    memcpy(host, start, len);
    host[len] = '\0';
    struct addrinfo hints;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    struct addrinfo *found = NULL;
    if (getaddrinfo(host, colon + 1, &hints, &found) != 0) {
        return -1;
    }
    int fd = socket(found->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
        close(fd);
        fd = -1;
    }
    freeaddrinfo(found);
    return fd;
}

/*
 * Seals every frame of a sender up front: nonces 1.., its own pid (spread as --pid-spread says), a random IV
 * prefix, counters from 0. Returns the datagrams (count * *len bytes) or NULL.
 */
static uint8_t *seal_all(const struct options *o, uint32_t own_pid, size_t *len)
{
    char why[256];
    struct varta_secure_keys *keys = NULL;
    struct varta_key_error err;
    if (varta_crypto_load(NULL, why, sizeof(why)) != 0 || varta_secure_keys_new(0, &keys) != 0
        || varta_secure_keys_add_file(keys, o->key_file, o->key_kind, (uint32_t)getuid(), &err) != 1) {
        fprintf(stderr, "vlp-loadgen: cannot read the key file %s (or load libcrypto: %s)\n", o->key_file, why);
        return NULL;
    }
    const int master = o->key_kind == VARTA_KEY_FILE_MASTER;
    struct varta_aead sealer;
    struct varta_agent_kdf kdf;
    memset(&kdf, 0, sizeof(kdf));
    if (varta_aead_init(&sealer, master ? keys->master : keys->shared[0], 1) != 0
        || (master && varta_agent_kdf_init(&kdf, keys->master) != 0)) {
        return NULL;
    }
    varta_secure_keys_free(keys);
    *len = master ? VARTA_SECURE_MASTER_BYTES : VARTA_SECURE_SHARED_BYTES;
    uint8_t *all = malloc(o->frames_per_sender * *len);
    uint8_t prefix[VARTA_IV_PREFIX_BYTES];
    if (all == NULL || getrandom(prefix, sizeof(prefix), 0) != (ssize_t)sizeof(prefix)) {
        return NULL;
    }
    for (uint64_t i = 0; i < o->frames_per_sender; i++) {
        uint8_t frame[VARTA_FRAME_BYTES];
        const uint32_t pid = own_pid + (uint32_t)(i % o->pid_spread);
        varta_vlp_encode(VARTA_STATUS_OK, pid, tool_mono_ns(), i + 1, 0, frame);
        const int rc = master ? varta_secure_seal_master(&kdf, &sealer, pid, prefix, (uint32_t)i, frame, all + i * *len)
                              : varta_secure_seal_shared(&sealer, prefix, (uint32_t)i, frame, all + i * *len);
        if (rc != 0) {
            free(all);
            return NULL;
        }
    }
    varta_aead_free(&sealer);
    varta_agent_kdf_free(&kdf);
    return all;
}

/* Sends msgs[0..count) completely: retries EINTR and resends the rest after a partial sendmmsg. */
static int send_all(int fd, struct mmsghdr *msgs, unsigned count)
{
    unsigned done = 0;
    while (done < count) {
        int sent = sendmmsg(fd, msgs + done, count - done, 0);
        if (sent < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        done += (unsigned)sent;
    }
    return 0;
}

/* Sleeps until the instant frame number `sent` is due under rate frames/s from start_ns. */
static void pace(uint64_t start_ns, uint64_t sent, uint64_t rate)
{
    uint64_t due_ns = start_ns + sent * 1000000000u / rate;
    struct timespec due = { .tv_sec = (time_t)(due_ns / 1000000000u), .tv_nsec = (long)(due_ns % 1000000000u) };
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR) {
    }
}

/* One sender process: connect, report ready, wait for the start signal, send every frame. */
static int run_sender(const struct options *o, pid_t parent, int ready_fd, int start_fd)
{
    /* Never outlive the parent (an interrupted benchmark must not leave senders behind). */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) { /* the parent died before prctl took effect */
        return 1;
    }
    int fd;
    if (o->udp != NULL) {
        fd = connect_udp(o->udp);
    } else {
        struct sockaddr_un addr;
        tool_unix_addr(o->socket_path, &addr);
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd >= 0 && connect(fd, (const struct sockaddr *)&addr, sizeof(addr)) != 0) {
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0) {
        fprintf(stderr, "vlp-loadgen: sender %d: connect %s: %s\n", (int)getpid(),
                o->udp != NULL ? o->udp : o->socket_path, strerror(errno));
        return 1;
    }
    size_t sealed_len = 0;
    uint8_t *sealed = NULL;
    if (o->key_file != NULL && (sealed = seal_all(o, (uint32_t)getpid(), &sealed_len)) == NULL) {
        return 1;
    }
    char token = 'r';
    if (write(ready_fd, &token, 1) != 1) {
        return 1;
    }
    close(ready_fd);
    char ignored;
    while (read(start_fd, &ignored, 1) < 0 && errno == EINTR) { /* EOF = start */
    }
    close(start_fd);

    const unsigned batch = (unsigned)o->batch;
    uint8_t (*frames)[VARTA_FRAME_BYTES] = calloc(batch, VARTA_FRAME_BYTES);
    struct iovec *iov = calloc(batch, sizeof(*iov));
    struct mmsghdr *msgs = calloc(batch, sizeof(*msgs));
    if (frames == NULL || iov == NULL || msgs == NULL) {
        fprintf(stderr, "vlp-loadgen: out of memory\n");
        return 1;
    }
    for (unsigned i = 0; i < batch; i++) {
        iov[i].iov_base = frames[i];
        iov[i].iov_len = VARTA_FRAME_BYTES;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }

    const uint32_t own_pid = (uint32_t)getpid();
    const uint64_t start_ns = tool_mono_ns();
    uint64_t sent = 0;
    while (sent < o->frames_per_sender) {
        uint64_t left = o->frames_per_sender - sent;
        unsigned count = left < batch ? (unsigned)left : batch;
        if (o->rate_per_sender != 0) {
            pace(start_ns, sent, o->rate_per_sender);
        }
        for (unsigned i = 0; sealed != NULL && i < count; i++) {
            iov[i].iov_base = sealed + (sent + i) * sealed_len;
            iov[i].iov_len = sealed_len;
        }
        for (unsigned i = 0; sealed == NULL && i < count; i++) {
            uint64_t nonce = sent + i + 1;
            uint32_t pid = own_pid + (uint32_t)((nonce - 1) % o->pid_spread);
            varta_vlp_encode(VARTA_STATUS_OK, pid, tool_mono_ns(), nonce, 0, frames[i]);
            if (o->corrupt_crc) {
                frames[i][VARTA_FRAME_BYTES - 1] ^= 0x01u;
            }
        }
        if (send_all(fd, msgs, count) != 0) {
            fprintf(stderr, "vlp-loadgen: sender %d: sendmmsg after %llu frames: %s\n", (int)own_pid,
                    (unsigned long long)sent, strerror(errno));
            break;
        }
        sent += count;
    }
    close(fd);
    free(sealed);
    free(msgs);
    free(iov);
    free(frames);
    return sent == o->frames_per_sender ? 0 : 1;
}

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int signo)
{
    (void)signo;
    stop_requested = 1;
}

/* SIGTERM/SIGINT to the parent end every sender too (installed after forking, without
 * SA_RESTART so the parent's blocking calls return EINTR and it can act on the request). */
static void install_stop_handler(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

static void kill_all(const pid_t *children, unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        kill(children[i], SIGKILL);
    }
}

/* Waits for every child; returns how many did not exit 0. A stop request kills them all first. */
static unsigned reap_all(const pid_t *children, unsigned count)
{
    unsigned failed = 0;
    for (unsigned i = 0; i < count; i++) {
        int status;
        while (waitpid(children[i], &status, 0) < 0) {
            if (errno != EINTR) {
                status = -1;
                break;
            }
            if (stop_requested) {
                kill_all(children, count);
            }
        }
        if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            failed++;
        }
    }
    return failed;
}

int main(int argc, char **argv)
{
    const struct options o = parse_args(argc, argv);
    const unsigned senders = (unsigned)o.senders;
    int ready[2];
    int start[2];
    pid_t *children = calloc(senders, sizeof(*children));
    if (children == NULL || pipe2(ready, O_CLOEXEC) != 0 || pipe2(start, O_CLOEXEC) != 0) {
        perror("vlp-loadgen: setup");
        return 1;
    }
    fflush(NULL);
    const pid_t parent = getpid();

    unsigned forked = 0;
    for (; forked < senders; forked++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("vlp-loadgen: fork");
            break;
        }
        if (pid == 0) {
            close(ready[0]);
            close(start[1]);
            _exit(run_sender(&o, parent, ready[1], start[0]));
        }
        children[forked] = pid;
    }
    install_stop_handler();
    close(ready[1]);
    close(start[0]);

    /* Every sender writes one byte once connected; EOF early means one died before that. */
    unsigned connected = 0;
    char token;
    while (forked == senders && connected < senders && !stop_requested) {
        ssize_t got = read(ready[0], &token, 1);
        if (got == 1) {
            connected++;
        } else if (got == 0 || errno != EINTR) {
            break;
        }
    }
    if (connected < senders) {
        kill_all(children, forked);
        reap_all(children, forked);
        free(children);
        fprintf(stderr, "vlp-loadgen: only %u of %u senders connected\n", connected, senders);
        return 1;
    }

    const uint64_t begin_ns = tool_mono_ns();
    close(start[1]); /* releases every sender at once */
    unsigned failed = reap_all(children, senders);
    const uint64_t elapsed_ns = tool_mono_ns() - begin_ns;
    free(children);
    if (stop_requested) {
        fprintf(stderr, "vlp-loadgen: stopped by a signal; senders killed\n");
        return 1;
    }
    if (failed != 0) {
        fprintf(stderr, "vlp-loadgen: %u of %u senders failed\n", failed, senders);
        return 1;
    }
    const uint64_t total = o.senders * o.frames_per_sender;
    printf("loadgen senders=%u frames=%llu elapsed_ns=%llu rate=%.0f\n", senders, (unsigned long long)total,
           (unsigned long long)elapsed_ns, elapsed_ns ? (double)total * 1e9 / (double)elapsed_ns : 0.0);
    return 0;
}
