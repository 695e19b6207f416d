/*
 * jni_clock.c - Natives.boottimeNanos(), Natives.realUid(): what the JVM does not expose.
 */
#include "jni_natives.h"

#include "varta/clock.h"

#include <unistd.h>

static jlong boottime_nanos(JNIEnv *env, jclass cls)
{
    return (jlong)varta_clock_boottime_ns();
}

static jint real_uid(JNIEnv *env, jclass cls)
{
    return (jint)getuid();
}

static const JNINativeMethod METHODS[] = {
    { "boottimeNanos", "()J", (void *)boottime_nanos },
    { "realUid", "()I", (void *)real_uid },
};

struct varta_jni_table varta_jni_clock_natives(void)
{
    return VARTA_JNI_TABLE(METHODS);
}
