/*
 * storage.h — the storage seam: every file operation of the log and snapshots.
 *
 * Owns: a small table of file operations (open, read, write, sync, allocate,
 * size, close, rename, unlink, mkdir, directory sync, listing) through which
 * wal*.c and snapshot.c reach the disk, so that tests can put a storage
 * underneath that loses, tears or reorders unsynced writes at a simulated
 * power cut (tests/unit/crash_storage.c). The POSIX implementation is the
 * default; it creates directories 0700 and files 0600.
 * Never: buffer or reorder anything itself (POSIX: each call is one system
 * call), or retry a failed write or sync (the caller decides; the log stops).
 *
 * Every function returns 0 or a negative SZ_E* code: SZ_ENOTFOUND when a path
 * does not exist, SZ_EIO for any other failure. Handles are small integers
 * owned by the implementation. An implementation may be called from several
 * threads at once (the engine thread, the log writer, a scrub).
 */
#ifndef SZ_LOG_STORAGE_H
#define SZ_LOG_STORAGE_H

#include <stddef.h>
#include <stdint.h>

enum sz_storage_open {
	SZ_STORAGE_READ = 0,       /* read only; SZ_ENOTFOUND if missing */
	SZ_STORAGE_WRITE = 1,      /* read and write; SZ_ENOTFOUND if missing */
	SZ_STORAGE_CREATE = 2,     /* read and write; created (mode 0600) if missing */
	SZ_STORAGE_TRUNCATE = 3,   /* as CREATE, and emptied */
};

/* Called with each name in a directory; return non-zero to stop. */
typedef int (*sz_storage_list_fn)(void *ctx, const char *name);

struct sz_storage;

struct sz_storage_ops {
	int (*open)(const struct sz_storage *s, const char *path, enum sz_storage_open how, int *fd_out);
	int (*close)(const struct sz_storage *s, int fd);
	/* Read up to size bytes at offset; *done is less than size only at the end of the file. */
	int (*read)(const struct sz_storage *s, int fd, void *out, size_t size, uint64_t offset, size_t *done);
	int (*write)(const struct sz_storage *s, int fd, const void *data, size_t size, uint64_t offset);
	/* Make the file's data (and its size) durable: fdatasync. */
	int (*sync)(const struct sz_storage *s, int fd);
	/* Extend the file to at least size bytes of zeros (posix_fallocate). */
	int (*allocate)(const struct sz_storage *s, int fd, uint64_t size);
	int (*size)(const struct sz_storage *s, int fd, uint64_t *size_out);
	int (*rename)(const struct sz_storage *s, const char *from, const char *to);
	int (*unlink)(const struct sz_storage *s, const char *path);
	/* Create a directory (mode 0700); 0 if it already exists. */
	int (*mkdir)(const struct sz_storage *s, const char *path);
	/* Make the directory's entries (creations, renames, removals) durable. */
	int (*sync_dir)(const struct sz_storage *s, const char *path);
	int (*list)(const struct sz_storage *s, const char *dir, sz_storage_list_fn fn, void *ctx);
};

struct sz_storage {
	const struct sz_storage_ops *ops;
	void *ctx; /* the implementation's own state */
};

/* The default: plain POSIX calls on the real file system. */
const struct sz_storage *sz_storage_posix(void);

/* Read exactly size bytes at offset: SZ_ECORRUPT if the file is shorter. */
int sz_storage_read_exact(const struct sz_storage *s, int fd, void *out, size_t size, uint64_t offset);

/* Does path exist (can it be opened for reading)? */
int sz_storage_exists(const struct sz_storage *s, const char *path);

/* The directory part of path (everything before the last '/') into out. */
void sz_storage_parent(const char *path, char *out, size_t out_size);

#endif
