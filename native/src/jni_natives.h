/*
 * jni_natives.h - each jni_*.c file contributes one table of natives for one Java class;
 * jni_onload.c registers them all (no Java_* symbols: -fvisibility=hidden hides everything else).
 *
 * A new concern adds a jni_<concern>.c with its own table and, where it is a new Java class, names
 * that class in the table: tables never share methods across classes.
 */
#ifndef VARTA_JNI_NATIVES_H
#define VARTA_JNI_NATIVES_H

#include <jni.h>

/** The class every native of the original surface belongs to. */
#define VARTA_JNI_NATIVES_CLASS "io/varta/watch/nativeio/Natives"

struct varta_jni_table {
    const char *class_name; /* JNI binary name, e.g. "io/varta/watch/nativeio/Natives" */
    const JNINativeMethod *methods;
    jint count;
};

struct varta_jni_table varta_jni_constants_natives(void);
struct varta_jni_table varta_jni_uds_natives(void);
struct varta_jni_table varta_jni_recv_natives(void);
struct varta_jni_table varta_jni_clock_natives(void);
struct varta_jni_table varta_jni_files_natives(void);
struct varta_jni_table varta_jni_supervision_natives(void);
struct varta_jni_table varta_jni_process_natives(void);
struct varta_jni_table varta_jni_udp_natives(void);
struct varta_jni_table varta_jni_secure_udp_natives(void);
struct varta_jni_table varta_jni_proc_natives(void);

#define VARTA_JNI_TABLE(cls, array) \
    ((struct varta_jni_table){ (cls), (array), (jint)(sizeof(array) / sizeof((array)[0])) })

#endif
