/*
 * proc_identity.h - a process's identity read from /proc without allocating: its start time
 * (/proc/<pid>/stat field 22, clock ticks since boot) and its pid-namespace inode (/proc/<pid>/ns/pid,
 * a link reading "pid:[N]"). Together they tell a recycled pid from the process that first beat, and
 * a sender in another pid namespace from a local one. The observer reads them when a pid is first
 * seen and, for the start time, when its stall falls due; io.varta.watch.tracker.ProcessIdentity is
 * the Java side and owns the meaning of the codes below (they are its PRESENT, GONE, PARTIAL and
 * UNKNOWN).
 *
 * Every function reads into the caller's stack and keeps no state: any thread. `root` is the proc
 * mount to read ("/proc"; tests pass a directory laid out like it).
 */
#ifndef VARTA_PROC_IDENTITY_H
#define VARTA_PROC_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

/** Both fields were read. */
#define VARTA_PROC_PRESENT 0
/** The process does not exist (no /proc/<pid>/stat). */
#define VARTA_PROC_GONE 1
/** The process exists but a field could not be read (permissions, a race with its exit, odd format). */
#define VARTA_PROC_PARTIAL 2
/** A field that was not read. */
#define VARTA_PROC_UNKNOWN (-1)

/**
 * Reads both fields of `pid` under `root` into *start_time and *ns_inode (VARTA_PROC_UNKNOWN where not
 * read). Returns VARTA_PROC_PRESENT, _GONE or _PARTIAL. Costs two opens of procfs files, no allocation.
 */
int varta_proc_identity(const char *root, uint32_t pid, int64_t *start_time, int64_t *ns_inode);

/** The start time of `pid` under `root`, or VARTA_PROC_UNKNOWN (gone, unreadable, malformed). */
int64_t varta_proc_start_time(const char *root, uint32_t pid);

/** The pid-namespace inode of the calling process (root/self/ns/pid), or VARTA_PROC_UNKNOWN. */
int64_t varta_proc_own_ns_inode(const char *root);

/**
 * Field 22 of a /proc/<pid>/stat line of `length` bytes. The command name (field 2) is in parentheses
 * and may itself hold spaces and ')', so parsing starts after the last ')'. VARTA_PROC_UNKNOWN when
 * the line is malformed.
 */
int64_t varta_proc_parse_start_time(const char *stat, size_t length);

/** The inode of a namespace link text "pid:[N]" of `length` bytes, or VARTA_PROC_UNKNOWN. */
int64_t varta_proc_parse_ns_link(const char *link, size_t length);

#endif
