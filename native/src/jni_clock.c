/*
 * jni_clock.c - Natives.boottimeNanos(), Natives.realUid(), Natives.setThreadTimerSlack(),
 * Natives.setThreadNice(): clocks and per-thread scheduling the JVM does not expose.
 */
#include "jni_natives.h"

#include "varta/clock.h"

#include <errno.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static jlong boottime_nanos(JNIEnv *env, jclass cls)
{
    return (jlong)varta_clock_boottime_ns();
}

static jint real_uid(JNIEnv *env, jclass cls)
{
    return (jint)getuid();
}

/* Timer slack of the calling thread (prctl PR_SET_TIMERSLACK): how late the kernel may fire its
 * sleeps' timers to batch wake-ups. The default 50 us shows up directly in stall latency. */
static jint set_thread_timer_slack(JNIEnv *env, jclass cls, jlong nanos)
{
    return prctl(PR_SET_TIMERSLACK, (unsigned long)nanos, 0UL, 0UL, 0UL) == 0 ? 0 : -errno;
}

/* Nice value of the calling thread only (Linux: setpriority on the thread id). Side threads such as
 * the metrics server lower theirs so that, under CPU contention, the receive path wins. */
static jint set_thread_nice(JNIEnv *env, jclass cls, jint nice)
{
    return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice) == 0 ? 0 : -errno;
}

static const JNINativeMethod METHODS[] = {
    { "setThreadNice", "(I)I", (void *)set_thread_nice },
    { "setThreadTimerSlack", "(J)I", (void *)set_thread_timer_slack },
    { "boottimeNanos", "()J", (void *)boottime_nanos },
    { "realUid", "()I", (void *)real_uid },
};

struct varta_jni_table varta_jni_clock_natives(void)
{
    return VARTA_JNI_TABLE(VARTA_JNI_NATIVES_CLASS, METHODS);
}
