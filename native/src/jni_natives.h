/*
 * jni_natives.h - each jni_*.c file contributes one table of natives of
 * io.varta.watch.nativeio.Natives; jni_onload.c registers them all.
 */
#ifndef VARTA_JNI_NATIVES_H
#define VARTA_JNI_NATIVES_H

#include <jni.h>

struct varta_jni_table {
    const JNINativeMethod *methods;
    jint count;
};

struct varta_jni_table varta_jni_ring_natives(void);
struct varta_jni_table varta_jni_uds_natives(void);
struct varta_jni_table varta_jni_recv_natives(void);
struct varta_jni_table varta_jni_clock_natives(void);
struct varta_jni_table varta_jni_secret_natives(void);

#define VARTA_JNI_TABLE(array) ((struct varta_jni_table){ (array), (jint)(sizeof(array) / sizeof((array)[0])) })

#endif
