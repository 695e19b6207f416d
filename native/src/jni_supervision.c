/*
 * jni_supervision.c - the natives of nativeio.SupervisionNatives: sd_notify (notify.h), the hardware
 * watchdog (hw_watchdog.h) and the native watchdog thread (watchdog_thread.h) over the loop's progress
 * block (loop_progress.h). Each returns >= 0 on success and -errno or a VARTA_HW_ERR_* code on failure;
 * none throws.
 */
#include "jni_natives.h"
#include "jni_util.h"

#include "varta/hw_watchdog.h"
#include "varta/loop_progress.h"
#include "varta/notify.h"
#include "varta/watchdog_thread.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SUPERVISION_NATIVES_CLASS "io/varta/watch/nativeio/SupervisionNatives"
#define NOTIFY_ADDRESS_MAX 256
#define NOTIFY_MESSAGE_MAX 1024
#define HW_INFO_INTS 3
#define SETTINGS_LONGS 7
#define STATS_LONGS 7

static jintArray constants(JNIEnv *env, jclass cls)
{
    const jint values[] = {
        (jint)offsetof(struct varta_loop_progress, stage_word),
        (jint)offsetof(struct varta_loop_progress, iteration_start_ns),
        (jint)offsetof(struct varta_loop_progress, sleep_until_ns),
        (jint)offsetof(struct varta_loop_progress, iterations),
        (jint)offsetof(struct varta_loop_progress, observer_ns),
        VARTA_PROGRESS_BYTES, VARTA_PROGRESS_STAGE_BITS, VARTA_WATCH_LABEL_BYTES,
        VARTA_HW_ERR_NOT_CHAR, VARTA_HW_ERR_GETTIMEOUT, VARTA_HW_ERR_SETTIMEOUT, VARTA_HW_ERR_TIMEOUT_TOO_LOW,
        EEXIST, ENOENT,
    };
    const jsize n = (jsize)(sizeof(values) / sizeof(values[0]));
    jintArray array = (*env)->NewIntArray(env, n);
    if (array != NULL) {
        (*env)->SetIntArrayRegion(env, array, 0, n, values);
    }
    return array;
}

static jint notify_open(JNIEnv *env, jclass cls, jbyteArray address)
{
    char buffer[NOTIFY_ADDRESS_MAX];
    const jsize n = (*env)->GetArrayLength(env, address);
    if (n <= 0) {
        return -EINVAL;
    }
    if (n >= NOTIFY_ADDRESS_MAX) {
        return -ENAMETOOLONG;
    }
    (*env)->GetByteArrayRegion(env, address, 0, n, (jbyte *)buffer);
    return varta_notify_open(buffer, (size_t)n);
}

static jint notify_send(JNIEnv *env, jclass cls, jint fd, jbyteArray message)
{
    char buffer[NOTIFY_MESSAGE_MAX];
    const jsize n = (*env)->GetArrayLength(env, message);
    if (n <= 0 || n > NOTIFY_MESSAGE_MAX) {
        return -EINVAL;
    }
    (*env)->GetByteArrayRegion(env, message, 0, n, (jbyte *)buffer);
    return varta_notify_send(fd, buffer, (size_t)n);
}

static jint hw_watchdog_open(JNIEnv *env, jclass cls, jbyteArray path, jint min_timeout_secs, jintArray info)
{
    char buffer[PATH_MAX];
    const int copied = varta_jni_copy_path(env, path, buffer);
    if (copied != 0) {
        return copied;
    }
    struct varta_hw_watchdog_info seen;
    const int rc = varta_hw_watchdog_open(buffer, min_timeout_secs, &seen);
    const jint values[HW_INFO_INTS] = { seen.timeout_secs, seen.error, seen.disarmed };
    (*env)->SetIntArrayRegion(env, info, 0, HW_INFO_INTS, values);
    return rc;
}

static jint hw_watchdog_close(JNIEnv *env, jclass cls, jint fd, jboolean disarm)
{
    return varta_hw_watchdog_close(fd, disarm ? 1 : 0);
}

/* settings: deadline_ns, fresh_ns, tick_ns, pet_interval_ns, kick_interval_ns, sleep_stage, stopped_stage;
 * labels: the stage names in stage order, each followed by one NUL byte. */
static jlong watchdog_start(JNIEnv *env, jclass cls, jobject progress, jlongArray settings, jint notify_fd,
                            jint hw_fd, jbyteArray labels)
{
    void *base = (*env)->GetDirectBufferAddress(env, progress);
    if (base == NULL || (*env)->GetDirectBufferCapacity(env, progress) < VARTA_PROGRESS_BYTES
        || (*env)->GetArrayLength(env, settings) != SETTINGS_LONGS) {
        return -EINVAL;
    }
    jlong s[SETTINGS_LONGS];
    (*env)->GetLongArrayRegion(env, settings, 0, SETTINGS_LONGS, s);
    struct varta_watchdog_config config;
    memset(&config, 0, sizeof(config));
    config.progress = base;
    config.rules.deadline_ns = s[0];
    config.rules.fresh_ns = s[1];
    config.tick_ns = s[2];
    config.pet_interval_ns = s[3];
    config.kick_interval_ns = s[4];
    config.rules.sleep_stage = (int)s[5];
    config.rules.stopped_stage = (int)s[6];
    config.notify_fd = notify_fd;
    config.hw_fd = hw_fd;
    const jsize n = (*env)->GetArrayLength(env, labels);
    jbyte raw[VARTA_PROGRESS_MAX_STAGES * VARTA_WATCH_LABEL_BYTES];
    if (n <= 0 || (size_t)n > sizeof(raw)) {
        return -EINVAL;
    }
    (*env)->GetByteArrayRegion(env, labels, 0, n, raw);
    int stage = 0;
    size_t at = 0;
    for (jsize i = 0; i < n && stage < VARTA_PROGRESS_MAX_STAGES; i++) {
        if (raw[i] == 0) {
            config.labels[stage][at] = '\0';
            stage++;
            at = 0;
        } else if (at + 1 < VARTA_WATCH_LABEL_BYTES) {
            config.labels[stage][at++] = (char)raw[i];
        }
    }
    struct varta_watchdog *w = NULL;
    const int rc = varta_watchdog_start(&config, &w);
    return rc != 0 ? (jlong)rc : (jlong)(uintptr_t)w;
}

static void watchdog_stats(JNIEnv *env, jclass cls, jlong handle, jlongArray out)
{
    struct varta_watchdog_stats st;
    varta_watchdog_stats((struct varta_watchdog *)(uintptr_t)handle, &st);
    const jlong values[STATS_LONGS] = {
        (jlong)st.ticks, (jlong)st.pets, (jlong)st.pet_failures, st.last_pet_error,
        (jlong)st.kicks, (jlong)st.kick_failures, st.last_kick_error,
    };
    (*env)->SetLongArrayRegion(env, out, 0, STATS_LONGS, values);
}

static void watchdog_stop(JNIEnv *env, jclass cls, jlong handle)
{
    varta_watchdog_stop((struct varta_watchdog *)(uintptr_t)handle);
}

static const JNINativeMethod METHODS[] = {
    { "constants", "()[I", (void *)constants },
    { "notifyOpen", "([B)I", (void *)notify_open },
    { "notifySend", "(I[B)I", (void *)notify_send },
    { "hwWatchdogOpen", "([BI[I)I", (void *)hw_watchdog_open },
    { "hwWatchdogClose", "(IZ)I", (void *)hw_watchdog_close },
    { "watchdogStart", "(Ljava/nio/ByteBuffer;[JII[B)J", (void *)watchdog_start },
    { "watchdogStats", "(J[J)V", (void *)watchdog_stats },
    { "watchdogStop", "(J)V", (void *)watchdog_stop },
};

struct varta_jni_table varta_jni_supervision_natives(void)
{
    return VARTA_JNI_TABLE(SUPERVISION_NATIVES_CLASS, METHODS);
}
