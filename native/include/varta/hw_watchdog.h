/*
 * hw_watchdog.h - a Linux hardware watchdog device (/dev/watchdog*): open with checks, kick, close with
 * or without the magic 'V' that disarms it.
 *
 * Opening a watchdog device arms it: from then on the machine reboots unless the device is written to
 * within its timeout. So every refusal after the open of a real watchdog writes 'V' before closing (a
 * driver built with nowayout stays armed whatever we do), and a device that is not a watchdog at all
 * (e.g. /dev/null, a tty) is never written to.
 *
 * Every function returns >= 0 on success and -errno or one of the VARTA_HW_ERR_* codes below on failure
 * (custom codes at -4101.., never an errno). No global state; a descriptor belongs to one thread at a time.
 */
#ifndef VARTA_HW_WATCHDOG_H
#define VARTA_HW_WATCHDOG_H

/** The path is not a character device; nothing was written to it. */
#define VARTA_HW_ERR_NOT_CHAR (-4101)
/** ioctl(WDIOC_GETTIMEOUT) failed; its errno is in info.error (ENOTTY: not a watchdog). */
#define VARTA_HW_ERR_GETTIMEOUT (-4102)
/** ioctl(WDIOC_SETTIMEOUT) failed; its errno is in info.error. */
#define VARTA_HW_ERR_SETTIMEOUT (-4103)
/** The timeout is still below the floor after WDIOC_SETTIMEOUT; the timeout read back is in info.timeout_secs. */
#define VARTA_HW_ERR_TIMEOUT_TOO_LOW (-4104)

/** What an open found out, also on failure. */
struct varta_hw_watchdog_info {
    int timeout_secs; /* the device's timeout after any adjustment, 0 if never read */
    int error;        /* errno of the failed ioctl for GETTIMEOUT/SETTIMEOUT, else 0 */
    int disarmed;     /* 1 if a refusal wrote 'V' before closing (the device was a watchdog) */
};

/**
 * Opens path write-only (without blocking on a FIFO), requires a character device, reads the timeout
 * (WDIOC_GETTIMEOUT) and, when it is below min_timeout_secs, raises it (WDIOC_SETTIMEOUT) and reads it
 * again. Returns the descriptor, ready to be kicked, or a negative code; on failure nothing stays open.
 */
int varta_hw_watchdog_open(const char *path, int min_timeout_secs, struct varta_hw_watchdog_info *info);

/** One keep-alive: writes a single zero byte. Returns 0 or -errno. */
int varta_hw_watchdog_kick(int fd);

/**
 * Closes the device. With disarm set, first writes the magic 'V' (a clean exit: the watchdog stops);
 * without it the watchdog stays armed and reboots the machine unless a new owner kicks it in time.
 * Returns 0 or the first -errno.
 */
int varta_hw_watchdog_close(int fd, int disarm);

#endif
